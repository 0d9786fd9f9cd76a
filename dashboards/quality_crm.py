"""The quality page's CRM block: how many CRM leads were matched to a campaign, and how.

A lead that cannot be tied to a campaign is still counted (on its source's channel, or as
unknown), never dropped: this block says how many are in each case, so a low match rate is a
number on the page, not a silent gap.

>>> rates = pd.DataFrame({"match_level": ["click_id", "campaign_id", "click_id_unresolved",
...                                       "source", "unmatched"], "contacts": [6, 1, 2, 1, 0],
...                       "share": [0.6, 0.1, 0.2, 0.1, 0.0],
...                       "resolved": [True, True, False, False, False]})
>>> view = crm_matches(rates, "en")
>>> view.summary
'70% of 10 CRM leads matched to a campaign'
>>> [(r.level, r.count, r.share) for r in view.rows][0]
('By click id (Google Ads click view)', '6', '60%')
>>> [(r.level, r.count, r.share) for r in view.rows][2]
('Click id not in the click view (older than 90 days, or Meta): channel only', '2', '20%')
>>> crm_matches(None, "en") is None  # no CRM: no block
True
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi.language.format import format_share, format_value
from kpi.language.translate import N_, translator

_t = translator("quality")
LEVEL_TEXTS = {
    "click_id": N_("q_crm_level_click_id"),
    "campaign_id": N_("q_crm_level_campaign_id"),
    "campaign_name": N_("q_crm_level_campaign_name"),
    "drill_down": N_("q_crm_level_drill_down"),
    "click_id_unresolved": N_("q_crm_level_click_id_unresolved"),
    "source": N_("q_crm_level_source"),
    "unmatched": N_("q_crm_level_unmatched")}


@dataclass(frozen=True)
class CrmMatchRow:
    match_level: str
    level: str
    count: str
    share: str
    resolved: bool


@dataclass(frozen=True)
class CrmMatches:
    summary: str
    rows: tuple[CrmMatchRow, ...]


def crm_matches(rates: pd.DataFrame | None, lang: str) -> CrmMatches | None:
    """The block in words from ``crm_match_rates``; None without a CRM (no block)."""
    if rates is None or rates.empty or "match_level" not in rates:
        return None
    total = int(rates["contacts"].sum())
    resolved = float(rates.loc[rates["resolved"].astype(bool), "contacts"].sum())
    summary = _t("q_crm_summary", lang).format(
        share=format_share(resolved / total if total else 0.0, lang),
        count=format_value(total, "count", lang))
    rows = tuple(CrmMatchRow(
        str(r.match_level), _t(LEVEL_TEXTS[str(r.match_level)], lang)
        if str(r.match_level) in LEVEL_TEXTS else str(r.match_level),
        format_value(int(r.contacts), "count", lang), format_share(float(r.share), lang),
        bool(r.resolved)) for r in rates.itertuples())
    return CrmMatches(summary, rows)
