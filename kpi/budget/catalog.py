"""The tables the budget steps write."""

PLAN_TABLE = "budget_plan"
PACING_TABLE = "budget_pacing"
CURVES_TABLE = "response_curves"
SCENARIOS_TABLE = "budget_scenarios"
RECOMMENDATIONS_TABLE = "recommendations"
STORE_TABLE = "response_curve_store"
