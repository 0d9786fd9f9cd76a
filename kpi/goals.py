"""Which KPIs judge a campaign: the weekly report's findings, the drill-down's goals and the
budget recommendations follow the same rule.

>>> goal_kpis(leads=3, purchases=10), goal_kpis(leads=10, purchases=3)
(('roas', 'cpa'), ('cpl',))
"""


def goal_kpis(leads: float, purchases: float) -> tuple[str, ...]:
    """The KPIs a campaign can be judged on, in order: ROAS then CPA for one with more
    purchases than leads, else CPL."""
    return ("roas", "cpa") if purchases > leads else ("cpl",)
