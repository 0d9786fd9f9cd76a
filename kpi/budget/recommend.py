"""Recommendations from campaign facts, targets and response curves: pause, scale, reallocate.

Each campaign is judged on one *goal*: a cost-per KPI (``cpl``, ``cpa``, ``cpc``: cost ÷ a
count) or ``roas`` (revenue ÷ cost), with its target. Unless goals are given, a campaign with
more purchases than leads is judged on ROAS (else CPA), the others on CPL; the target is the
most specific one (campaign, then channel, then account), as in the roll-ups.

Confidence: given its cost, a campaign's count of conversions is taken as Poisson with mean μ.
The exact one-sided bounds on μ at level c are the Gamma quantiles (Garwood)
μ_low = Gamma⁻¹(1 − c; n) and μ_high = Gamma⁻¹(c; n + 1), i.e. χ²(1 − c; 2n)/2 and
χ²(c; 2n + 2)/2; fractional counts (data-driven attribution) are fine. A cost-per KPI's bounds
are cost ÷ μ_high (lower) and cost ÷ μ_low (upper); ROAS's are μ × average order value ÷ cost,
the order value taken as known (so the ROAS interval ignores its spread and is a little narrow).
Each bound is one-sided at ``confidence``.

- **pause** when the KPI is clearly worse than target with confidence (CPA's lower bound above
  target × (1 + ``pause_margin``); ROAS's upper bound below target ÷ (1 + ``pause_margin``)),
  after at least ``min_days`` days and enough spend to expect ``min_expected_volume``
  conversions at target. Zero conversions can be enough. The margin (20 % by default) keeps
  campaigns that are only somewhat over target (a case for bids, not for pausing) running.
- **scale** when the KPI beats target with confidence (CPA's upper bound below target; ROAS's
  lower bound above it), with ``min_volume`` conversions, and there is room: a reliable response
  curve whose marginal return still beats target, or a budget-limited campaign (spend ≥ 90 % of
  its daily budget on most days) whose curve does not say it is saturated.
- **reallocate**: among campaigns with reliable curves and the same response measure, SLSQP
  (:func:`kpi.budget.allocate.allocate`) splits today's total within ±``max_change`` of each current
  spend; the moves from donors to receivers come with their expected gain.

**One action per euro.** A reallocation into a campaign that is also scaled is merged into
that scale: its sentence says how much of the extra spend to move from where (the rest is new
budget) and its gain is net of what the donors lose; a move out of a scaled campaign is left
out (the scale says that money earns above target where it is).

**Materiality.** A scale or a move (after merging) whose expected effect a day is below
``min_effect_value`` (money: revenue as is, a count valued at the campaign's target cost per
conversion) or below ``min_effect_share`` of the campaign's current response a day is left out,
as is a move under ``min_move_share`` of the group's spend; :attr:`Recommendations.left_out`
counts them, so pages and reports can say so. Pauses are always kept, and so is a scale without
a curve (no effect to estimate).

Amounts are per day (curves map spend per day to response per day, at either grain). Leave
provisional days (conversions still arriving) out of ``facts``, or CPA looks worse than it is.
Sentences come in nl, fr and en; their numbers are formatted by Babel (nl_BE, fr_BE, en_BE)
exactly as ``dashboards.formatting`` does (tested), without importing it: kpi stays below
dashboards in the package graph.

>>> from kpi.confidence import estimate
>>> est = estimate("cpl", cost=1000.0, volume=10)
>>> round(est.value, 2), round(est.lower, 2), round(est.upper, 2)
(100.0, 58.95, 184.32)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from kpi.budget.actions import Recommendation, pause_action, reallocation_moves, scale_action
from kpi.budget.allocate import allocate
from kpi.budget.assess import (
    Assessment,
    Goal,
    Settings,
    TargetLike,
    assess,
    should_pause,
    should_scale,
)
from kpi.budget.response import ResponseFit
from kpi.language import LANGUAGES
from kpi.registry import MEASURES

DEFAULT_SETTINGS = Settings()


@dataclass(frozen=True)
class Recommendations:
    """The actions to show, and how many smaller ones were left out (see the module
    docstring). Iterates, indexes and counts like the tuple of its ``items``."""

    items: tuple[Recommendation, ...] = ()
    left_out: int = 0

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> Recommendation:
        return self.items[index]


def effect_value(r: Recommendation, target: float | None) -> float | None:
    """A scale's or move's expected effect a day in money: revenue as is, a count valued at
    the target cost per conversion; None without an expected gain (or a count's target).

    >>> from kpi.language import Labels
    >>> r = Recommendation("reallocate", "b", Labels("", "", ""), "reallocate",
    ...                    expected_gain=0.5, measure="leads")
    >>> effect_value(r, 40.0)
    20.0
    """
    if r.expected_gain is None:
        return None
    if r.measure is not None and MEASURES[r.measure].unit == "currency":
        return r.expected_gain
    return None if target is None else r.expected_gain * target


def is_material(r: Recommendation, a: Assessment | None, settings: Settings) -> bool:
    """Whether an action is worth a line: pauses and actions without an estimated effect
    always; else an effect of at least ``min_effect_value`` a day and ``min_effect_share`` of
    the campaign's current response a day."""
    if r.action == "pause" or r.expected_gain is None:
        return True
    value = effect_value(r, a.goal.target if a is not None and a.goal.cost_per else None)
    if value is not None and value < settings.min_effect_value:
        return False
    fit = a.fit if a is not None else None
    if fit is not None and fit.ok and a is not None:
        base = float(fit.response(a.current_spend))
        if base > 0 and r.expected_gain < settings.min_effect_share * base:
            return False
    return True


def recommend(facts: pd.DataFrame, targets: Sequence[TargetLike] = (), *,
              goals: Mapping[str, Goal] | None = None,
              curves: Mapping[str, ResponseFit] | None = None,
              budgets: pd.DataFrame | None = None, channels: Mapping[str, str] | None = None,
              names: Mapping[str, str] | None = None, settings: Settings = DEFAULT_SETTINGS,
              reallocate: bool = True, currency: str = "EUR") -> Recommendations:
    """Pause and scale recommendations per campaign, then reallocations, merged and the
    immaterial ones left out (see module docstring): :func:`assess`, then :func:`decide`.

    ``facts`` are rows of the ``campaign_daily`` model (date, campaign_key, cost, leads,
    purchases, clicks, revenue; any grain finer than campaign × day), in ``currency``.
    """
    assessed = assess(facts, targets, goals=goals, curves=curves, budgets=budgets,
                      channels=channels, names=names, settings=settings)
    return decide(assessed, names=names, settings=settings, reallocate=reallocate,
                  currency=currency)


def decide(assessed: Sequence[Assessment], *, names: Mapping[str, str] | None = None,
           settings: Settings = DEFAULT_SETTINGS, reallocate: bool = True,
           currency: str = "EUR") -> Recommendations:
    """The recommendations from campaigns already assessed (see :func:`recommend`)."""
    names = names or {}
    by_item = {a.item: a for a in assessed}
    paused = {a.item for a in assessed if should_pause(a, settings)}
    scaled = [a for a in assessed if a.item not in paused and should_scale(a, settings)]
    moves: list[Recommendation] = []
    left_out = 0
    by_measure: dict[str, list[Assessment]] = {}
    for a in assessed:
        if reallocate and a.reliable_curve and a.item not in paused and a.current_spend > 0:
            by_measure.setdefault(a.goal.measure, []).append(a)
    for measure, group in sorted(by_measure.items()):
        if len(group) < 2:
            continue
        fits = {a.item: a.fit for a in group if a.fit is not None}
        current = {a.item: a.current_spend for a in group}
        bounds = {item: ((1 - settings.max_change) * x, (1 + settings.max_change) * x)
                  for item, x in current.items()}
        total = float(sum(current.values()))
        allocation = allocate(fits, total, bounds, current=current)
        if allocation.gain is None or allocation.gain <= 0:
            continue
        found = reallocation_moves(allocation, fits, measure, names=names, currency=currency)
        small = [m for m in found if (m.amount or 0) < settings.min_move_share * total]
        left_out += len(small)
        moves.extend(m for m in found if (m.amount or 0) >= settings.min_move_share * total)
    into = {a.item for a in scaled}
    # A scaled campaign earns above target at the margin: money does not leave it.
    moves = [m for m in moves if m.source not in into]
    out: list[Recommendation] = []
    for a in assessed:
        if a.item in paused:
            out.append(pause_action(a, names, currency))
        elif a.item in into:
            out.append(scale_action(a, names, settings, currency,
                              [m for m in moves if m.item == a.item]))
    out.extend(m for m in moves if m.item not in into)
    kept = [r for r in out if is_material(r, by_item.get(r.item), settings)]
    return Recommendations(tuple(kept), left_out + len(out) - len(kept))


def recommendations_frame(recommendations: Sequence[Recommendation] | Recommendations
                          ) -> pd.DataFrame:
    """A tidy frame: one row per recommendation, the sentence in each language as a column, and
    ``left_out`` (the count of smaller actions left out) on every row."""
    left_out = getattr(recommendations, "left_out", 0)
    rows = []
    for r in recommendations:
        row = {name: getattr(r, name) for name in Recommendation.__dataclass_fields__
               if name != "text"}
        rows.append({**row, **{f"text_{lang}": r.text(lang) for lang in LANGUAGES},
                     "left_out": left_out})
    return pd.DataFrame.from_records(rows)
