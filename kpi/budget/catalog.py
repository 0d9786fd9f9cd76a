"""The tables of the budget steps (:mod:`kpi.budget.tables`; see
:mod:`pipelines.warehouse.catalog`)."""

from pipelines.warehouse.catalog import Table

PLAN_TABLE = "budget_plan"
PACING_TABLE = "budget_pacing"
CURVES_TABLE = "response_curves"
SCENARIOS_TABLE = "budget_scenarios"
RECOMMENDATIONS_TABLE = "recommendations"
STORE_TABLE = "response_curve_store"

TABLES = (
    Table(PLAN_TABLE, ("row",),
          kept="the budget plan read from its file each run (plan lines, not measurements)"),
    Table(PACING_TABLE, ("level", "name", "period_start"), dated_by="period_start"),
    Table(CURVES_TABLE, ("item", "measure"),
          kept="fitted spend-response curves per campaign and channel"),
    Table(SCENARIOS_TABLE, ("channel", "measure", "new_spend"),
          kept="what-if results per channel from the fitted curves"),
    Table(RECOMMENDATIONS_TABLE, ("item", "action", "kpi"),
          kept="the latest budget recommendations (as_of: the last day of data they use)"),
    Table(STORE_TABLE, ("scope", "item", "measure"),
          kept="the response curves' parameters and the day they were fitted on (reused "
               "until the next ISO week)"),
)
