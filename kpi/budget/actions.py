"""The actions in words: a pause, a scale (with the money moved into it) and a reallocation
move, each a :class:`Recommendation` with its numbers and its sentence in nl, fr and en.

Numbers are formatted by Babel (nl_BE, fr_BE, en_BE) as ``dashboards.formatting`` does, without
importing it: kpi stays below dashboards in the package graph.

>>> _inline("Kosten per lead (CPL)")
'kosten per lead (CPL)'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scipy.optimize import brentq

from kpi.budget.allocate import Allocation
from kpi.budget.assess import Action, Assessment, Settings
from kpi.budget.response import ResponseFit
from kpi.language import LANGUAGES, Labels
from kpi.language.format import format_share, format_value
from kpi.language.translate import translator
from kpi.registry import KPIS, MEASURES

_text = translator("recommend")



NNBSP = "\u202f"  # French: a narrow no-break space before : and ;


def _inline(label: str) -> str:
    """A label inside a sentence: ``Kosten per lead (CPL)`` -> ``kosten per lead (CPL)``."""
    return label[0].lower() + label[1:] if len(label) > 1 and label[1].islower() else label


def _quantity(value: float | None, measure: str, lang: str, currency: str) -> str:
    unit = MEASURES[measure].unit
    text = _text("quantity.currency" if unit == "currency" else "quantity.count", lang)
    return text.format(value=format_value(value, unit, lang, currency),
                       measure=_inline(MEASURES[measure].label(lang)))


def _matured(a: Assessment, lang: str, sentence: str) -> str:
    """The sentence, and for a CRM goal judged on older leads, which ones; for a lead campaign
    judged on CPL because its leads are too recent for the CRM goal, that."""
    if a.wanted:
        return sentence + " " + _text("judged.too_recent", lang).format(
            kpi=_inline(KPIS[a.wanted].label(lang)),
            days=format_value(a.wanted_after, "count", lang))
    if not a.mature_after:
        return sentence
    return sentence + " " + _text("judged.mature", lang).format(
        days=format_value(a.mature_after, "count", lang))


def _sentences(render) -> Labels:
    return Labels(**{lang: render(lang) for lang in LANGUAGES})


@dataclass(frozen=True)
class Recommendation:
    """One action on one campaign, the numbers behind it, and the sentence in nl, fr and en."""

    action: Action
    item: str  # the campaign (for a reallocation: the one receiving)
    text: Labels
    reason: str  # the template used
    kpi: str | None = None
    value: float | None = None  # observed KPI
    lower: float | None = None  # one-sided bounds at ``confidence``
    upper: float | None = None
    target: float | None = None
    confidence: float | None = None
    cost: float | None = None
    volume: float | None = None  # the count behind the KPI (purchases for ROAS)
    days: int | None = None
    amount: float | None = None  # spend per day: added (scale) or moved (reallocate)
    expected_gain: float | None = None  # response per day expected from ``amount``
    measure: str | None = None  # what the gain counts (leads, purchases, clicks, revenue)
    source: str | None = None  # reallocate: the campaign giving the money
    budget_limited: bool | None = None
    marginal: float | None = None  # marginal KPI at current spend (next lead's cost, or ROAS)
    moved: float | None = None  # scale: the part of ``amount`` moved from ``source`` (the
    # rest is new budget); ``source`` then lists the donors' keys, comma-separated

    def sentence(self, lang: str) -> str:
        return self.text(lang)


def _kpi_parts(a: Assessment, lang: str, currency: str) -> dict[str, str]:
    unit = KPIS[a.goal.kpi].unit
    est = a.estimate
    volume_measure = a.goal.count
    return {
        "kpi": _inline(KPIS[a.goal.kpi].label(lang)),
        "value": format_value(est.value, unit, lang, currency),
        "target": format_value(a.goal.target, unit, lang, currency),
        "confidence": format_share(est.confidence, lang),
        "volume": _quantity(est.volume, volume_measure, lang, currency),
        "cost": format_value(est.cost, "currency", lang, currency),
        "days": format_value(a.days, "count", lang),
    }


def pause_action(a: Assessment, names: Mapping[str, str], currency: str) -> Recommendation:
    est, goal = a.estimate, a.goal
    key = "pause.cost" if goal.cost_per else "pause.roas"
    bound = est.lower if goal.cost_per else est.upper
    unit = KPIS[goal.kpi].unit
    text = _sentences(lambda lang: _matured(a, lang, _text(key, lang).format(
        item=names.get(a.item, a.item), bound=format_value(bound, unit, lang, currency),
        **_kpi_parts(a, lang, currency))))
    return Recommendation("pause", a.item, text, key, goal.kpi, est.value, est.lower, est.upper,
                          goal.target, est.confidence, est.cost, est.volume, a.days,
                          measure=goal.measure, budget_limited=a.budget_limited,
                          marginal=a.marginal_kpi)


def _scale_step(a: Assessment, settings: Settings) -> tuple[float, float | None]:
    """(extra spend per day, expected extra response per day): up to where the marginal return
    falls to target, at most ``max_change`` more; without a curve, ``max_change`` and None."""
    top = a.current_spend * (1 + settings.max_change)
    if not a.headroom or a.fit is None:
        return top - a.current_spend, None
    fit = a.fit

    def excess(x: float) -> float:
        return float(fit.marginal(x)) - a.goal.threshold

    if excess(a.current_spend) <= 0:  # a curve given for another spend level: no step to size
        return top - a.current_spend, None
    best = top if excess(top) >= 0 else brentq(excess, a.current_spend, top, xtol=1e-6)
    gain = float(fit.response(best) - fit.response(a.current_spend))
    return best - a.current_spend, gain


def scale_action(a: Assessment, names: Mapping[str, str], settings: Settings, currency: str,
           moves: Sequence[Recommendation] = ()) -> Recommendation:
    """The scale action; ``moves`` (reallocations into this campaign) are merged into it: the
    extra spend is at least the money moved, the gain net of what the donors lose."""
    est, goal = a.estimate, a.goal
    key = "scale.cost" if goal.cost_per else "scale.roas"
    bound = est.upper if goal.cost_per else est.lower
    unit = KPIS[goal.kpi].unit
    amount, gain = _scale_step(a, settings)
    moved = float(sum(m.amount or 0.0 for m in moves)) if moves else None
    sources = list(dict.fromkeys(m.source for m in moves if m.source))
    if moved is not None and a.fit is not None and a.fit.ok:
        amount = max(amount, moved)
        here = a.current_spend
        # Σ move gains = receiver(here → here + moved) + donors' losses, so the net gain is:
        gain = float(a.fit.response(here + amount) - a.fit.response(here + moved)) + float(
            sum(m.expected_gain or 0.0 for m in moves))

    def render(lang: str) -> str:
        reasons = []
        if a.budget_limited:
            reasons.append(_text("why.limited", lang).format(
                share=format_share(a.budget_share, lang)))
        if a.headroom:
            why = "why.headroom.cost" if goal.cost_per else "why.headroom.roas"
            reasons.append(_text(why, lang).format(
                unit=_text(f"unit.{goal.measure}", lang) if f"unit.{goal.measure}" in _text else "",
                marginal=format_value(a.marginal_kpi, unit, lang, currency)))
        parts = _kpi_parts(a, lang, currency)
        if moved is not None and gain is not None:
            new = amount - moved
            extra = (_text("plan.extra", lang).format(
                amount=format_value(new, "currency", lang, currency))
                if new >= 0.005 else "")
            plan = _text("plan.moved", lang).format(
                moved=format_value(moved, "currency", lang, currency),
                source=_text("and", lang).join(names.get(k, k) for k in sources),
                extra=extra, gain=_quantity(gain, goal.measure, lang, currency))
        elif gain is None:
            plan = _text("plan.no_gain", lang).format(
                amount=format_value(amount, "currency", lang, currency), kpi=parts["kpi"],
                change="+" + format_share(settings.max_change, lang))
        else:
            plan = _text("plan.gain", lang).format(
                amount=format_value(amount, "currency", lang, currency),
                gain=_quantity(gain, goal.measure, lang, currency))
        return _matured(a, lang, _text(key, lang).format(
            item=names.get(a.item, a.item), bound=format_value(bound, unit, lang, currency),
            why=_text("and", lang).join(reasons), plan=plan, **parts))

    return Recommendation("scale", a.item, _sentences(render), key, goal.kpi, est.value,
                          est.lower, est.upper, goal.target, est.confidence, est.cost,
                          est.volume, a.days, amount=amount, expected_gain=gain,
                          measure=goal.measure,
                          source=", ".join(sources) if moved is not None else None,
                          budget_limited=a.budget_limited, marginal=a.marginal_kpi,
                          moved=moved)


def reallocation_moves(allocation: Allocation, curves: Mapping[str, ResponseFit],
                       measure: str, *, names: Mapping[str, str] | None = None,
                       min_move: float = 0.0, currency: str = "EUR") -> tuple[Recommendation, ...]:
    """The moves that turn the current spend into ``allocation``: the largest donor gives to
    the largest receiver, and so on. Gains are evaluated move after move on the curves, so the
    gains of all moves add up to the allocation's gain; moves under ``min_move`` are left out.
    """
    names = names or {}
    spend = {row.item: float(row.current) for row in allocation.items if row.current is not None}
    if len(spend) != len(allocation.items):
        raise ValueError("reallocation_moves: the allocation was made without current spend")
    give = sorted(((row.current - row.spend, row.item) for row in allocation.items
                   if row.current is not None and row.current > row.spend), reverse=True)
    take = sorted(((row.spend - row.current, row.item) for row in allocation.items
                   if row.current is not None and row.spend > row.current), reverse=True)
    gives, takes = [list(pair) for pair in give], [list(pair) for pair in take]
    out: list[Recommendation] = []
    i = j = 0
    while i < len(gives) and j < len(takes):
        amount = min(gives[i][0], takes[j][0])
        source, target = gives[i][1], takes[j][1]
        gain = float(curves[target].response(spend[target] + amount)
                     - curves[target].response(spend[target])
                     + curves[source].response(spend[source] - amount)
                     - curves[source].response(spend[source]))
        spend[source] -= amount
        spend[target] += amount
        gives[i][0] -= amount
        takes[j][0] -= amount
        if amount > 0 and amount >= min_move:
            text = _sentences(lambda lang, a=amount, s=source, t=target, g=gain:
                              _text("reallocate", lang).format(
                                  amount=format_value(a, "currency", lang, currency),
                                  source=names.get(s, s), item=names.get(t, t),
                                  gain=_quantity(g, measure, lang, currency)))
            out.append(Recommendation(
                "reallocate", target, text, "reallocate", amount=amount, expected_gain=gain,
                measure=measure, source=source,
                marginal=float(curves[target].marginal(spend[target] - amount))))
        if gives[i][0] <= 1e-9 * max(1.0, allocation.total):
            i += 1
        if takes[j][0] <= 1e-9 * max(1.0, allocation.total):
            j += 1
    return tuple(out)
