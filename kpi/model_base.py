"""The unified model's shape and the expressions every source's rows are built with: its facts,
what counts as paid, the rules taken from the configuration, FX and exact sums.

``kpi.model`` (Google Ads and GA4, the assembly, the dimensions) and ``kpi.model_meta`` (Meta
Ads) build on these; ``kpi.model`` re-exports them, so readers import from there.

>>> PAID_PREFIXES
('gads:', 'meta:')
>>> {"platform_conversions", "ga4_conversions"} <= set(SOURCE_FACTS)
True
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from kpi.registry import MEASURES

MODEL_TABLE = "campaign_daily"
CAMPAIGN_DIM = "dim_campaign"
AD_GROUP_DIM = "dim_ad_group"
CAMPAIGN_LEVEL = "-"
CAMPAIGN_LEVEL_NAME = "(campaign level)"
FACTS: tuple[str, ...] = tuple(MEASURES)
PAID_FACTS: dict[str, str] = {m.id: m.paid_of for m in MEASURES.values() if m.paid_of}
SOURCE_FACTS: tuple[str, ...] = tuple(f for f in FACTS if f not in PAID_FACTS)
# Campaign keys of the platforms whose cost the model imports: Google Ads and Meta Ads.
PAID_PREFIXES: tuple[str, ...] = ("gads:", "meta:")
# The CRM's leads from a paid source whose campaign it did not capture (kpi.crm.match, level
# ``source`` / ``click_id_unresolved``): bought by that cost too, so their outcomes count in the
# paid twins (which exist for the account and channel levels only); left out, the account's cost
# per won deal would be overstated.
PAID_SOURCE_KEYS: tuple[str, ...] = ("crm:PAID_SEARCH", "crm:PAID_SOCIAL")


@dataclass(frozen=True)
class ModelRules:
    """What the model needs from the configuration, as plain values."""

    reporting_currency: str
    fx_rates: Mapping[str, float]
    lead_actions: Sequence[str]  # Ads conversion action names or IDs
    purchase_actions: Sequence[str]
    lead_events: Sequence[str]  # GA4 event names
    purchase_events: Sequence[str]
    attribution: str  # "ads" | "ga4"
    ads_channel_types: Mapping[str, str]
    ga4_rules: Sequence[tuple[str, str, str]]  # (channel, source regex, medium regex)
    other_channel: str = "Other"
    meta_channel: str = "Paid Social"  # the channel of every Meta Ads campaign

    def fingerprint(self) -> str:
        """A short hash of every rule and of the model's shape (its facts, what counts as paid):
        when it changes, the model's history must be rebuilt."""
        shape = {"facts": FACTS, "paid": PAID_FACTS, "paid_prefixes": PAID_PREFIXES,
                 "paid_sources": PAID_SOURCE_KEYS}
        payload = json.dumps({**dataclasses.asdict(self), "model": shape}, sort_keys=True,
                             default=list)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def rate(self, currency: str) -> float:
        """Reporting-currency units per unit of ``currency``."""
        if currency == self.reporting_currency:
            return 1.0
        if currency not in self.fx_rates:
            raise ValueError(
                f"no exchange rate from {currency} to {self.reporting_currency}: "
                f"add reporting.fx_rates.{currency} to the configuration"
            )
        return float(self.fx_rates[currency])


def to_reporting(amount: ir.FloatingValue, currency: ir.StringValue, rules: ModelRules,
                  currencies: Sequence[str]) -> ir.FloatingValue:
    cases = [(currency == code, amount * rules.rate(code)) for code in currencies]
    return ibis.cases(*cases, else_=ibis.null("float64")) if cases else amount


EXACT = ibis.dtype("decimal(38, 9)")  # BigQuery's NUMERIC; DuckDB and Spark add it exactly


def exact_sum(value: ir.NumericValue) -> ir.FloatingValue:
    """The sum of ``value`` added as DECIMAL(38, 9), then float64: floating-point addition
    depends on the order rows arrive in (which a parallel engine does not fix), so re-running
    the same window could change the last bits; decimal addition does not."""
    return value.cast(EXACT).sum().cast("float64")


def zero_facts(**given: ir.Value) -> dict[str, ir.Value]:
    """All source fact columns, with the given ones and zeros elsewhere (so branches stack)."""
    unknown = set(given) - set(SOURCE_FACTS)
    if unknown:
        raise ValueError(f"not source facts of the model: {sorted(unknown)}")
    return {f: given.get(f, ibis.literal(0.0)).cast("float64") for f in SOURCE_FACTS}


def is_paid(campaign_key: ir.StringValue) -> ir.BooleanValue:
    """Whether a campaign key belongs to a platform whose cost the model imports."""
    return ibis.or_(*[campaign_key.startswith(p) for p in PAID_PREFIXES])


def with_paid_facts(facts: ir.Table) -> ir.Table:
    """``facts`` (one campaign per row) with every paid fact: its source fact where the
    campaign is paid (or is a paid source's CRM leads, :data:`PAID_SOURCE_KEYS`), else 0."""
    paid = is_paid(facts.campaign_key) | facts.campaign_key.isin(list(PAID_SOURCE_KEYS))
    return facts.mutate(**{p: ibis.ifelse(paid, facts[f], 0.0) for p, f in PAID_FACTS.items()})


def among(column: ir.StringValue, values: Sequence[str]) -> ir.BooleanValue:
    """``column`` is one of ``values`` (false for an empty list)."""
    return column.isin(list(values)) if values else ibis.literal(False)


def latest(rows: ir.Table, key: str) -> ir.Table:
    """One row per ``key``: the one with the newest ``date`` (dropped), so the latest name
    wins."""
    newest = ibis.window(group_by=key, order_by=ibis.desc("date"))
    ranked = rows.mutate(_rank=ibis.row_number().over(newest))
    return ranked.filter(ranked._rank == 0).drop("_rank", "date")
