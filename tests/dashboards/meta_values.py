"""A hand-made ``kpi_values`` (two complete ISO weeks, week grain) with Google Ads and Meta
campaigns side by side, worked out on paper for the "Platforms vs GA4" tests.

Each week, the same numbers:

================================  ============  =====  ========  ===  ==========  =======
campaign                          channel       cost   platform  GA4  plat. rev.  GA4 rev.
================================  ============  =====  ========  ===  ==========  =======
gads:1 Search – Warmtepompen      Paid Search   1 000        40   36       3 000    2 700
meta:…3 Retargeting – Webshop     Paid Social     300        31   10       2 945      950
meta:…1 Prospectie – Zonnepanelen Paid Social     700        28   20           0        0
ga4:google/organic                Organic         0          0    0           0        0
================================  ============  =====  ========  ===  ==========  =======

Google Ads claims 40 / 36 = 1,11×, Meta 59 / 30 = 1,97×, all platforms 99 / 66 = 1,5×; the
worst gap is the retargeting campaign: 31 / 10 = 3,1× (ROAS 9,82× by Meta, 3,17× by GA4).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kpi.registry import MEASURES
from tests.conversion_views import CRM_FACTS
from tests.dashboards.conftest import _rows, _with_comparisons

W47 = dt.date(2026, 11, 16)
RETARGETING = "meta:120214500000000003"
PROSPECTING = "meta:120214500000000001"
# key: (name, channel, cost, platform conversions, GA4 conversions, platform rev., GA4 rev.)
CAMPAIGNS = {
    "gads:1": ("Search – Warmtepompen – NL", "Paid Search", 1000.0, 40, 36, 3000.0, 2700.0),
    RETARGETING: ("Retargeting – Webshop – BE", "Paid Social", 300.0, 31, 10, 2945.0, 950.0),
    PROSPECTING: ("Prospectie – Zonnepanelen – NL", "Paid Social", 700.0, 28, 20, 0.0, 0.0),
    "ga4:google/organic/(organic)": ("(organic)", "Organic Search", 0.0, 0, 0, 0.0, 0.0),
}


def _sums(cost: float, platform: float, ga4: float, p_rev: float, g_rev: float,
          attribution: str) -> dict[str, float]:
    """Every measure of a campaign-week; the judged conversions follow ``attribution``."""
    conv, rev = (platform, p_rev) if attribution == "ads" else (ga4, g_rev)
    paid = cost > 0
    sums = {"impressions": cost * 40, "clicks": cost, "cost": cost, "sessions": cost * 0.9,
            "engaged_sessions": cost * 0.5, "leads": conv if not rev else 0.0,
            "purchases": conv if rev else 0.0, "conversions": conv, "revenue": rev,
            "platform_conversions": platform, "ga4_conversions": ga4,
            "platform_revenue": p_rev, "ga4_revenue": g_rev, **dict.fromkeys(CRM_FACTS, 0.0)}
    sums.update({m.id: sums.get(m.paid_of, 0.0) if paid else 0.0 for m in MEASURES.values()
                 if m.paid_of})
    return sums


def meta_values(attribution: str = "ads") -> pd.DataFrame:
    """Weeks 46 and 47 of 2026 at total, channel and campaign level (see the module)."""
    rows: list[dict[str, object]] = []
    for start in (W47 - dt.timedelta(days=7), W47):
        year, number, _ = start.isocalendar()
        base = {"grain": "week", "period_start": start, "period_end": start + dt.timedelta(6),
                "period_label": f"{year}-W{number:02d}", "complete": True,
                "provisional": False, "currency": "EUR", "campaign_key": None,
                "campaign_name": None, "ad_group_key": None, "ad_group_name": None}
        by_channel: dict[str, dict[str, float]] = {}
        for key, (name, channel, *numbers) in CAMPAIGNS.items():
            sums = _sums(*numbers, attribution=attribution)
            rows += _rows({"level": "campaign", "channel": channel, "campaign_key": key,
                           "campaign_name": name}, sums, base, {})
            mine = by_channel.setdefault(channel, dict.fromkeys(sums, 0.0))
            for m, v in sums.items():
                mine[m] += v
        for channel, sums in by_channel.items():
            rows += _rows({"level": "channel", "channel": channel}, sums, base, {})
        total = {m: sum(s[m] for s in by_channel.values()) for m in MEASURES}
        rows += _rows({"level": "total", "channel": None}, total, base, {"cpa": 55.0})
    frame = pd.DataFrame(rows)
    frame["series_key"] = (frame["channel"].fillna("") + "|" + frame["campaign_key"].fillna("")
                           + "|" + frame["ad_group_key"].fillna(""))
    # compared per series (two campaigns share a channel)
    parts = [_with_comparisons(part) for _, part in frame.groupby("series_key", sort=False)]
    return pd.concat(parts, ignore_index=True)
