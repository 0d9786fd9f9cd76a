"""The platform and GA4 views of a test fixture's sums, without a random draw (so a fixture's
other numbers stay as they were): the platforms claim 30 % more conversions and 25 % more
revenue than GA4 sees, and GA4 sees the sums; ``paid`` (a share, or an array of them) of the
campaigns are paid ones, the only ones with either view. The fixtures' accounts have no CRM:
its facts are zeros.

>>> views({"conversions": 10.0, "revenue": 100.0})["platform_conversions"]
13.0
"""

from __future__ import annotations

CLAIMED = {"platform_conversions": ("conversions", 1.3), "platform_revenue": ("revenue", 1.25),
           "ga4_conversions": ("conversions", 1.0), "ga4_revenue": ("revenue", 1.0)}


CRM_FACTS = ("crm_leads", "crm_mqls", "crm_sqls", "crm_opportunities", "crm_won_deals",
             "crm_won_revenue", "crm_pipeline_value")


def views(sums, paid=1.0) -> dict:
    """The four view facts of ``sums`` (numbers or numpy arrays), and zero CRM facts."""
    return {**{view: sums[of] * factor * paid for view, (of, factor) in CLAIMED.items()},
            **{fact: sums["conversions"] * 0.0 for fact in CRM_FACTS}}
