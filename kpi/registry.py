"""Every KPI and additive measure declared once: the warehouse, the dashboards and the report all
read these declarations.

A KPI is a ratio of two additive measures, computed from sums at the grain asked for (the CPA
of a week is the week's cost over the week's purchases, never a mean of daily CPAs). A zero
denominator gives no value (null), never infinity.

Paid efficiency is paid cost over paid conversions (DESIGN principle 11): the judged CPA, CPL
and ROAS (the KPIs targets apply to) count only the leads, purchases and revenue of paid
campaigns, the ones whose cost the model imports. Their blended twins (``cpa_blended``, ...)
divide the same cost by every conversion, organic included, and are labelled as such; they
are stored at account and channel level only (per campaign they equal the paid figure or have
no cost).

Both views of a paid campaign's conversions are kept whatever ``conversions.attribution``
chooses: what the ad platforms claim (``platform_conversions``, ``platform_revenue``: Google
Ads' and Meta's own counts) and what GA4 sees on the same campaigns' sessions
(``ga4_conversions``, ``ga4_revenue``). ``platform_claim_ratio`` divides the first by the
second (1.4: the platforms claim 40 % more than GA4 sees, over-attribution). They are kept
down to campaign level: GA4 knows campaigns, not ad groups.

>>> KPIS["cpa"].numerator, KPIS["cpa"].denominator
('cost', 'paid_purchases')
>>> KPIS["cpa_blended"].denominator, KPIS["cpa_blended"].blended_of, BLENDED["cpa"]
('purchases', 'cpa', 'cpa_blended')
>>> KPIS["cpm"].compute(12.0, 4000)
3.0
>>> KPIS["ctr"].compute(5, 0) is None
True
>>> KPIS["roas"].is_better(5.0, 4.0), KPIS["cpl"].is_better(5.0, 4.0)
(True, False)
>>> KPIS["cpl"].label("fr"), MEASURES["cost"].description("en")
('Coût par lead (CPL)', 'Media cost in the reporting currency.')
>>> KPIS["cost_per_won_deal"].denominator, MEASURES["paid_crm_won_deals"].paid_of
('paid_crm_won_deals', 'crm_won_deals')
>>> KPIS["platform_claim_ratio"].compute(140.0, 100.0), KPIS["platform_claim_ratio"].levels
(1.4, ('total', 'channel', 'campaign'))

Names and descriptions live in the ``kpis`` catalog (``kpi/language/locales``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kpi.language import Labels
from kpi.language.translate import catalog_labels

Unit = Literal["count", "currency", "percent", "multiple"]
Direction = Literal["higher", "lower"]
ACCOUNT_LEVELS: tuple[str, ...] = ("total", "channel")  # roll-up levels of account-wide metrics
CAMPAIGN_LEVELS: tuple[str, ...] = ("total", "channel", "campaign")  # ... of per-campaign ones
DOMAIN = "kpis"  # the catalog of the names and descriptions


@dataclass(frozen=True)
class Measure:
    """An additive column of the unified model: summing it over any rows is meaningful.

    ``direction`` is None where more is neither better nor worse (cost: spend follows plan).
    ``paid_of`` names the measure this one keeps for paid campaigns only; ``levels`` the roll-up
    levels ``kpi_values`` keeps it at (None: every level)."""

    id: str
    unit: Unit
    direction: Direction | None = "higher"
    paid_of: str | None = None
    levels: tuple[str, ...] | None = None

    @property
    def label(self) -> Labels:
        """Its name in every language (catalog ``kpis``, key = the id)."""
        return catalog_labels(DOMAIN, self.id)

    @property
    def description(self) -> Labels:
        """What it counts, in every language (catalog ``kpis``, key ``<id>.description``)."""
        return catalog_labels(DOMAIN, f"{self.id}.description")

    def is_better(self, value: float, reference: float) -> bool:
        """Whether ``value`` beats ``reference``; only meaningful when ``direction`` is set."""
        return value > reference if self.direction == "higher" else value < reference


@dataclass(frozen=True)
class Kpi:
    """value = numerator / denominator * scale, computed from sums.

    ``blended_of`` names the judged (paid) KPI this one is the blended twin of; ``levels`` the
    roll-up levels ``kpi_values`` keeps it at (None: every level)."""

    id: str
    numerator: str
    denominator: str
    unit: Unit
    direction: Direction
    scale: float = 1.0
    blended_of: str | None = None
    levels: tuple[str, ...] | None = None

    @property
    def label(self) -> Labels:
        """Its name in every language (catalog ``kpis``, key = the id)."""
        return catalog_labels(DOMAIN, self.id)

    @property
    def description(self) -> Labels:
        """How it is computed, in every language (catalog ``kpis``, key ``<id>.description``)."""
        return catalog_labels(DOMAIN, f"{self.id}.description")

    def compute(self, numerator: float | None, denominator: float | None) -> float | None:
        """The KPI from two sums; None when the denominator is zero or missing."""
        if numerator is None or denominator is None or denominator == 0:
            return None
        return numerator / denominator * self.scale

    def is_better(self, value: float, reference: float) -> bool:
        """Whether ``value`` beats ``reference`` in this KPI's direction."""
        return value > reference if self.direction == "higher" else value < reference


CRM_MEASURES: tuple[tuple[str, Unit], ...] = (
    ("crm_leads", "count"), ("crm_mqls", "count"), ("crm_sqls", "count"),
    ("crm_opportunities", "count"), ("crm_won_deals", "count"), ("crm_won_revenue", "currency"),
    ("crm_pipeline_value", "currency"))
CRM_PAID: tuple[str, ...] = ("crm_mqls", "crm_sqls", "crm_won_deals", "crm_won_revenue")


def _m(id: str, unit: Unit, nl: str, fr: str, en: str, dnl: str, dfr: str, den: str,
       direction: Direction | None = "higher") -> Measure:
    return Measure(id, unit, Labels(nl, fr, en), Labels(dnl, dfr, den), direction)


MEASURES: dict[str, Measure] = {
    m.id: m
    for m in (
        Measure("impressions", "count"),
        Measure("clicks", "count"),
        Measure("cost", "currency", None),
        Measure("sessions", "count"),
        Measure("engaged_sessions", "count"),
        Measure("leads", "count"),
        Measure("purchases", "count"),
        Measure("conversions", "count"),
        Measure("revenue", "currency"),
        *(Measure(f"paid_{m}", unit, paid_of=m, levels=ACCOUNT_LEVELS)
          for m, unit in (("leads", "count"), ("purchases", "count"), ("conversions", "count"),
                          ("revenue", "currency"))),
        # What the ad platforms claim is neither good nor bad by itself: it is compared with
        # what GA4 sees (both on paid campaigns only, whatever the attribution choice).
        Measure("platform_conversions", "count", None, levels=CAMPAIGN_LEVELS),
        Measure("platform_revenue", "currency", None, levels=CAMPAIGN_LEVELS),
        Measure("ga4_conversions", "count", levels=CAMPAIGN_LEVELS),
        Measure("ga4_revenue", "currency", levels=CAMPAIGN_LEVELS),
        # The CRM's funnel by LEAD date and matched campaign (kpi.crm): a deal won today counts
        # in the lead's day. Paid twins keep the contacts matched to a paid campaign.
        *(Measure(m, unit) for m, unit in CRM_MEASURES),
        *(Measure(f"paid_{m}", unit, paid_of=m, levels=ACCOUNT_LEVELS)
          for m, unit in CRM_MEASURES if m in CRM_PAID),
    )
}


def _blended(id: str, num: str, den: str, unit: Unit, direction: Direction, of: str) -> Kpi:
    return Kpi(id, num, den, unit, direction, blended_of=of, levels=ACCOUNT_LEVELS)


KPIS: dict[str, Kpi] = {
    k.id: k
    for k in (
        Kpi("conversion_rate", "conversions", "sessions", "percent", "higher"),
        Kpi("cpl", "cost", "paid_leads", "currency", "lower"),
        Kpi("cpa", "cost", "paid_purchases", "currency", "lower"),
        Kpi("roas", "paid_revenue", "cost", "multiple", "higher"),
        _blended("cpl_blended", "cost", "leads", "currency", "lower", "cpl"),
        _blended("cpa_blended", "cost", "purchases", "currency", "lower", "cpa"),
        _blended("roas_blended", "revenue", "cost", "multiple", "higher", "roas"),
        Kpi("ctr", "clicks", "impressions", "percent", "higher"),
        Kpi("cpc", "cost", "clicks", "currency", "lower"),
        Kpi("cpm", "cost", "impressions", "currency", "lower", scale=1000.0),
        Kpi("aov", "revenue", "purchases", "currency", "higher"),
        Kpi("engagement_rate", "engaged_sessions", "sessions", "percent", "higher"),
        Kpi("platform_claim_ratio", "platform_conversions", "ga4_conversions", "multiple",
            "lower", levels=CAMPAIGN_LEVELS),
        Kpi("roas_platform", "platform_revenue", "cost", "multiple", "higher",
            levels=CAMPAIGN_LEVELS),
        Kpi("roas_ga4", "ga4_revenue", "cost", "multiple", "higher", levels=CAMPAIGN_LEVELS),
        # Lead to revenue (CRM): judged cost-per KPIs divide paid cost by paid campaigns' CRM
        # outcomes; the rates are of every lead the CRM holds.
        Kpi("cost_per_mql", "cost", "paid_crm_mqls", "currency", "lower"),
        Kpi("cost_per_sql", "cost", "paid_crm_sqls", "currency", "lower"),
        Kpi("cost_per_won_deal", "cost", "paid_crm_won_deals", "currency", "lower"),
        Kpi("lead_to_sql_rate", "crm_sqls", "crm_leads", "percent", "higher"),
        Kpi("lead_to_won_rate", "crm_won_deals", "crm_leads", "percent", "higher"),
        Kpi("revenue_roas", "paid_crm_won_revenue", "cost", "multiple", "higher"),
    )
}


BLENDED: dict[str, str] = {k.blended_of: k.id for k in KPIS.values() if k.blended_of}
"""Judged (paid) KPI id -> its blended twin's id."""


def _check_registry() -> None:
    for kpi in KPIS.values():
        for part in (kpi.numerator, kpi.denominator):
            if part not in MEASURES:
                raise ValueError(f"KPI {kpi.id!r} uses {part!r}, which is not a declared measure")
        if kpi.blended_of is not None and kpi.blended_of not in KPIS:
            raise ValueError(f"KPI {kpi.id!r} is the blended twin of unknown {kpi.blended_of!r}")
    for measure in MEASURES.values():
        if measure.paid_of is not None and measure.paid_of not in MEASURES:
            raise ValueError(f"measure {measure.id!r} keeps unknown {measure.paid_of!r}")


_check_registry()
