"""The overview's "Platforms vs GA4" section: for the period shown, the conversions the ad
platforms claim for their paid campaigns against the GA4 conversions of the same campaigns'
sessions (over-attribution), per platform and per paid campaign, with ROAS as the platform
reports it and as GA4 sees it, and a sentence for the worst gap. While a day of the period
is still provisional the section says the ratio will still rise: the platforms keep adding
conversions to a click's day for up to 28-30 days, GA4 is final after two.

Reads ``kpi_values`` rows of :data:`MEASURES_READ` at level ``total`` and ``campaign`` (the
platform of a campaign is its key's prefix: ``gads:`` Google Ads, ``meta:`` Meta). Sums over
the period's weeks or months, ratios from the sums. These measures and KPIs
(:data:`ATTRIBUTION_METRICS`) are shown here only, never among the tiles or target tables.

>>> platform_name("meta:120214500000000003"), platform_name("gads:42"), platform_name("x")
('Meta', 'Google Ads', '')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from dashboards.overview_model import Choice, _t, definition
from dashboards.periods import Span, span_sums
from dashboards.view_table import Cell, Table, heads
from kpi.language.format import as_number, format_value
from kpi.registry import KPIS

PLATFORMS = {"gads": "Google Ads", "meta": "Meta"}  # campaign key prefix -> platform's name
VIEW_MEASURES = ("platform_conversions", "ga4_conversions", "platform_revenue", "ga4_revenue")
VIEW_KPIS = ("platform_claim_ratio", "roas_platform", "roas_ga4")
ATTRIBUTION_METRICS = (*VIEW_MEASURES, *VIEW_KPIS)
MEASURES_READ = ("cost", *VIEW_MEASURES)  # what the section reads per campaign
COLUMNS = ("platform_conversions", "ga4_conversions", "platform_claim_ratio", "cost",
           "roas_platform", "roas_ga4")
MIN_CLAIMED = 5.0  # platform conversions a campaign needs before its gap gets a sentence
MAX_CAMPAIGNS = 40  # campaigns listed per period, largest cost first


def platform_name(campaign_key: str) -> str:
    """The ad platform of a campaign key ("" when the key is not a paid platform's)."""
    return PLATFORMS.get(str(campaign_key).split(":", 1)[0], "")


@dataclass(frozen=True)
class Gap:
    """The worst over-attribution of the period: a campaign, its platform and both counts."""

    campaign: str
    platform: str
    claimed: float
    seen: float

    @property
    def ratio(self) -> float | None:
        return KPIS["platform_claim_ratio"].compute(self.claimed, self.seen)


@dataclass(frozen=True)
class PeriodView:
    """The section for one period of the switch."""

    period: str
    words: str
    sentences: tuple[str, ...]
    platforms: Table
    campaigns: Table
    note: str = ""  # campaigns left out of the table


def with_ratios(sums: pd.DataFrame) -> pd.DataFrame:
    """Summed measures (columns of :data:`MEASURES_READ`) with the section's KPIs added."""
    out = sums.copy()
    for kpi in VIEW_KPIS:
        k = KPIS[kpi]
        num, den = out[k.numerator], out[k.denominator]
        out[kpi] = (num / den.where(den != 0) * k.scale).astype("float64")
    return out


def campaign_sums(rows: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Paid campaign (index: key) -> name, channel, platform, the summed measures of ``span``
    and the section's KPIs; campaigns without cost and without conversions in either view are
    left out."""
    part = rows[(rows["level"] == "campaign") & (rows["grain"] == span.grain)
                & rows["period_start"].isin(span.starts) & rows["metric"].isin(MEASURES_READ)]
    columns = ["name", "channel", "platform", *MEASURES_READ, *VIEW_KPIS]
    if part.empty:
        return pd.DataFrame(columns=columns)
    values = pd.to_numeric(part["value"], errors="coerce")
    sums = (part.assign(value=values).pivot_table(index="campaign_key", columns="metric",
                                                  values="value", aggfunc="sum")
            .reindex(columns=list(MEASURES_READ)).fillna(0.0))
    latest = part.sort_values("period_start").groupby("campaign_key").last()
    sums = sums[(sums[["cost", "platform_conversions", "ga4_conversions"]] != 0).any(axis=1)]
    out = with_ratios(sums)
    names = latest["campaign_name"].where(latest["campaign_name"].notna(), latest.index)
    out.insert(0, "name", names.reindex(out.index).astype(str))
    out.insert(1, "channel", latest["channel"].reindex(out.index).fillna("").astype(str))
    out.insert(2, "platform", [platform_name(k) for k in out.index])
    return out.sort_values(["cost", "platform_conversions"], ascending=False)[columns]


def platform_sums(campaigns: pd.DataFrame) -> pd.DataFrame:
    """Platform (index) -> the summed measures of its campaigns and the section's KPIs."""
    if campaigns.empty:
        return pd.DataFrame(columns=[*MEASURES_READ, *VIEW_KPIS])
    found = campaigns.assign(platform=campaigns["platform"].replace("", "–"))
    sums = found.groupby("platform", sort=False)[list(MEASURES_READ)].sum()
    return with_ratios(sums).sort_values("cost", ascending=False)


def worst_gap(campaigns: pd.DataFrame, min_claimed: float = MIN_CLAIMED) -> Gap | None:
    """The campaign whose platform over-claims the most (GA4 seeing none of them counts as
    the worst), among those claiming at least ``min_claimed`` conversions; None when no
    campaign claims more than GA4 sees."""
    claimed = campaigns[(campaigns["platform_conversions"] >= min_claimed)
                        & (campaigns["platform_conversions"] > campaigns["ga4_conversions"])]
    if claimed.empty:
        return None
    unseen = claimed[claimed["ga4_conversions"] <= 0]
    pick = (unseen.sort_values("platform_conversions", ascending=False) if not unseen.empty
            else claimed.sort_values(["platform_claim_ratio", "platform_conversions"],
                                     ascending=False))
    row = pick.iloc[0]
    return Gap(str(row["name"]), str(row["platform"]) or "–",
               float(row["platform_conversions"]), float(row["ga4_conversions"]))


def gap_sentence(gap: Gap | None, lang: str) -> str:
    """The worst gap in words: "Meta claims 3,1× the conversions GA4 sees on “…” (31
    against 10)."."""
    if gap is None:
        return _t("ov_att_no_gap", lang)
    count = definition("platform_conversions").unit
    claimed, seen = (format_value(v, count, lang) for v in (gap.claimed, gap.seen))
    if gap.ratio is None:
        return _t("ov_att_unseen", lang).format(platform=gap.platform, claimed=claimed,
                                                campaign=gap.campaign)
    return _t("ov_att_worst", lang).format(
        platform=gap.platform, ratio=format_value(gap.ratio, "multiple", lang),
        campaign=gap.campaign, claimed=claimed, seen=seen)


def _cells(values: dict[str, object], lang: str, currency: str) -> tuple[Cell, ...]:
    out = []
    for metric in COLUMNS:
        number = as_number(values.get(metric))
        out.append(Cell.number(format_value(number, definition(metric).unit, lang, currency),
                               number))
    return tuple(out)


def _heads(first: Sequence[str], lang: str) -> tuple:
    return heads([*first, *(definition(m).label(lang) for m in COLUMNS)], left=len(first))


def period_view(rows: pd.DataFrame, totals: pd.DataFrame, choice: Choice, lang: str,
                currency: str) -> PeriodView | None:
    """The section for ``choice`` (None when the period has no paid campaign in either
    view)."""
    span = choice.span
    if span is None or choice.words is None:
        return None
    campaigns = campaign_sums(rows, span)
    if campaigns.empty:
        return None
    total = span_sums(totals, span)
    overall = {m: (total.values.get(m) if total is not None else None)
               for m in (*MEASURES_READ, *VIEW_KPIS)}
    if overall["platform_conversions"] is None:  # no account rows: the campaigns' sums
        overall = platform_sums(campaigns.assign(platform="")).iloc[0].to_dict()
    ratio = as_number(overall.get("platform_claim_ratio"))
    count = definition("platform_conversions").unit
    sentences = [_t("ov_att_total", lang).format(
        platform=format_value(as_number(overall["platform_conversions"]), count, lang),
        ga4=format_value(as_number(overall["ga4_conversions"]), count, lang),
        ratio=format_value(ratio, "multiple", lang))]
    sentences.append(gap_sentence(worst_gap(campaigns), lang))
    if total is not None and total.provisional:  # platforms still add conversions: ratio low
        sentences.append(_t("ov_att_provisional", lang))
    by_platform = platform_sums(campaigns)
    platforms = Table(
        f"platforms-vs-ga4-{choice.period}", _heads([_t("ov_att_platform", lang)], lang),
        tuple((Cell.label(str(name)), *_cells(row.to_dict(), lang, currency))
              for name, row in by_platform.iterrows()),
        (Cell.label(_t("total", lang)), *_cells(overall, lang, currency)))
    shown = campaigns.head(MAX_CAMPAIGNS)
    table = Table(
        f"campaigns-vs-ga4-{choice.period}",
        _heads([_t("ov_att_campaign", lang), _t("ov_att_platform", lang), _t("channel", lang)],
               lang),
        tuple((Cell.label(str(row["name"])), Cell.label(str(row["platform"]) or "–"),
               Cell.label(str(row["channel"])), *_cells(row.to_dict(), lang, currency))
              for _, row in shown.iterrows()))
    note = (_t("ov_att_more", lang).format(shown=len(shown), total=len(campaigns))
            if len(campaigns) > len(shown) else "")
    return PeriodView(choice.period, choice.words, tuple(sentences), platforms, table, note)


def attribution_views(rows: pd.DataFrame, totals: pd.DataFrame, picks: Sequence[Choice],
                      lang: str, currency: str) -> list[tuple[str, PeriodView | None]]:
    """(period, its section) for every period of the switch; None: no paid campaign in
    either view then. Empty when no period has one."""
    found = [(c.period, period_view(rows, totals, c, lang, currency)) for c in picks]
    return found if any(view is not None for _, view in found) else []
