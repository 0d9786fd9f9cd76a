"""Raw-data checks as Ibis expressions that return the offending rows (empty = healthy)."""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir


def negative_rows(table: ir.Table, columns: Sequence[str]) -> ir.Table:
    """Rows where any of ``columns`` is negative."""
    condition = ibis.or_(*[table[c] < 0 for c in columns])
    return table.filter(condition)


def mixed_currencies(table: ir.Table, scope_column: str) -> ir.Table:
    """Accounts (or properties) reporting in more than one currency."""
    per_scope = table.group_by(scope_column).aggregate(
        currencies=table.currency_code.nunique(), codes=table.currency_code.collect()
    )
    return per_scope.filter(per_scope.currencies > 1)


def ad_groups_off_campaign(campaign: ir.Table, ad_group: ir.Table,
                           tolerance: float = 1e-6) -> ir.Table:
    """Campaign days where the ad groups do not add up to the campaign's own totals.

    Only campaigns that report ad groups are compared (Performance Max has none).
    """
    metrics = ("impressions", "clicks", "cost_micros", "conversions")
    keys = ["date", "customer_id", "campaign_id"]
    sums = ad_group.group_by(keys).aggregate(**{f"g_{m}": ad_group[m].sum() for m in metrics})
    joined = campaign.join(sums, keys)
    off = ibis.or_(*[
        (joined[m] - joined[f"g_{m}"]).abs() > tolerance * ibis.greatest(1, joined[m].abs())
        for m in metrics
    ])
    return joined.filter(off).select(*keys, *metrics, *[f"g_{m}" for m in metrics])


def latest_pull(table: ir.Table, scope_column: str) -> ir.Table:
    """The rows the most recent pull of each account (or property) wrote."""
    newest = table.extracted_at.max().over(group_by=scope_column)
    marked = table.mutate(_newest=newest)
    return marked.filter(marked.extracted_at == marked._newest).drop("_newest")
