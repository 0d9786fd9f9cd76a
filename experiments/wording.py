"""Decisions in words, in Dutch, French and English; numbers formatted by Babel (nl_BE, ...).

The sample-ratio mismatch comes before any lift: a row with an SRM says only that.

A proportion decided on small counts (an exact test ran) or without a relative lift (a zero
arm, see :mod:`experiments.reasons`) is told in counts, with what they allow: "too few to
conclude" unless the test found a difference. A mean without a relative lift is told as an
absolute difference, with the reason.

>>> row = {"decision": "wins", "arm_label": "B", "metric_label": "conversion",
...        "rel_estimate": 0.081, "adj_ci_low": 0.023, "adj_ci_high": 0.139, "alpha": 0.05}
>>> describe(row, "en")
'B wins on conversion (+8,1%, 95% CI +2,3% to +13,9%)'
>>> describe({"decision": "srm", "srm_p_value": 0.0004}, "nl")
'scheve verdeling over de varianten (p = 0,0004): vertrouw dit resultaat niet'
>>> zero = {"decision": "no_difference", "arm_label": "B", "control_label": "A",
...         "metric_label_nl": "conversie", "metric_kind": "proportion", "n": 1000, "mean": 0.0,
...         "n_control": 1000, "control_mean": 0.004, "exact_method": "fisher",
...         "null_reason": "zero_treatment"}
>>> describe(zero, "nl")
'B haalde 0 op 1.000 voor conversie, tegenover 4 op 1.000 bij A; te weinig om iets te besluiten'
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from babel.numbers import format_currency, format_decimal

from experiments.reasons import CODES
from experiments.spec import ExperimentSpec
from kpi.language.format import MISSING, as_number, format_change, format_share, locale_for
from kpi.language.translate import translator

REASONS = {message: f"reason_{code}" for message, code in CODES.items()}


text = translator("experiments")


def format_p(p: float, lang: str) -> str:
    """``= 0,0004`` (up to 4 decimals), or ``< 0,0001`` below that."""
    loc = locale_for(lang)
    if not math.isfinite(p):
        return "–"
    if p < 0.0001:
        return "< " + format_decimal(0.0001, "0.0###", locale=loc)
    return "= " + format_decimal(p, "0.0###", locale=loc)




def _level(alpha: float, lang: str) -> str:
    return format_share(1 - alpha, lang, 4)


def reason_text(row: Mapping, lang: str) -> str:
    """Why the row's values are null, in words: from ``null_reason`` (a code of
    :mod:`experiments.reasons`), else from the engine's ``error`` message."""
    code = row.get("null_reason")
    key = f"reason_{code}" if isinstance(code, str) else REASONS.get(row.get("error"))
    return text(key if key in text else "reason_not_finite", lang)


def _count(value: object, lang: str) -> str:
    return format_decimal(value, "#,##0", locale=locale_for(lang))  # type: ignore[arg-type]


def _signed(value: object, lang: str) -> str:
    """An absolute difference with its sign: 2 decimals from 1 on (``-9,35``), else up to 3
    significant digits (``+0,17``, ``+0,0041``); – when missing."""
    number = as_number(value)
    if number is None:
        return "–"
    pattern = "+#,##0.##;-#,##0.##" if abs(number) >= 1 else "+@##;-@##"
    return format_decimal(number, pattern, locale=locale_for(lang))


def difference(value: object, kind: object, lang: str, currency: str | None) -> str:
    """An absolute difference in the metric's unit when ``currency`` is given: percentage
    points for a proportion (``+1,0\u00a0pp``), money for a mean or ratio (``+€\u00a00,52``);
    otherwise (or for an unknown kind) a plain signed number as :func:`_signed`.

    >>> difference(0.0103, "proportion", "en", "EUR"), difference(-0.52, "mean", "nl", "EUR")
    ('+1,0\xa0pp', '-€\xa00,52')
    """
    number = as_number(value)
    if number is None:
        return MISSING
    if currency is None or kind not in ("proportion", "mean", "ratio"):
        return _signed(value, lang)
    loc = locale_for(lang)
    if kind == "proportion":
        points = round(number * 100, 1)
        shown = format_decimal(points, "+#,##0.0;-#,##0.0" if points else "0.0", locale=loc)
        return text("points", lang).format(value=shown)
    sign = "" if round(number, 2) == 0 else ("+" if number > 0 else "-")
    return sign + format_currency(abs(number), currency, locale=loc)


def _counted(row: Mapping) -> bool:
    """A plain proportion decided on small counts or without a relative lift: told in counts."""
    if row.get("metric_kind") != "proportion" or row.get("cuped_applied"):
        return False
    if not (isinstance(row.get("exact_method"), str) or isinstance(row.get("null_reason"), str)):
        return False
    n, n_c, mean, control_mean = (as_number(row.get(k))
                                  for k in ("n", "n_control", "mean", "control_mean"))
    return (n or 0) > 0 and (n_c or 0) > 0 and mean is not None and control_mean is not None


def _counts(row: Mapping, lang: str, arm: str, metric: str) -> str:
    n, n_c = float(row["n"]), float(row["n_control"])
    decision = str(row.get("decision"))
    conclusion = text(f"counts_{decision}", lang).format(arm=arm)
    control = str(row.get("control_label") or row.get("control") or "")
    return text("counts", lang).format(
        arm=arm, metric=metric, count=_count(round(float(row["mean"]) * n), lang),
        n=_count(n, lang), control_count=_count(round(float(row["control_mean"]) * n_c), lang),
        control_n=_count(n_c, lang), control=control, conclusion=conclusion)


def describe(row: Mapping, lang: str, currency: str | None = None) -> str:
    """One evaluated row (see :func:`experiments.evaluate.evaluate`) as a sentence; with
    ``currency``, absolute differences are told in the metric's unit (:func:`difference`)."""
    get = row.get
    decision = get("decision")
    arm = str(get("arm_label") or get("arm") or "")
    metric = str(get(f"metric_label_{lang}") or get("metric_label") or get("metric_id") or "")
    if decision == "srm":
        return text("srm", lang).format(p=format_p(float(get("srm_p_value", math.nan)), lang))
    if decision == "control":
        return text("control", lang).format(arm=arm)
    if decision == "error":
        return text("error", lang).format(arm=arm, metric=metric, reason=reason_text(row, lang))
    if decision in ("wins", "loses", "no_difference", "keep_running") and _counted(row):
        return _counts(row, lang, arm, metric)
    power = format_share(float(get("power", 0.8)), lang, 4)
    if decision == "keep_running":
        days = get("days_remaining", math.nan)
        if days is None or not math.isfinite(days):
            return text("keep_running_unknown", lang).format(arm=arm, metric=metric, power=power)
        return text("keep_running", lang).format(arm=arm, metric=metric, days=int(days),
                                                 power=power)
    level = _level(float(get("alpha", 0.05)), lang)
    if as_number(get("rel_estimate")) is None and as_number(get("abs_estimate")) is not None:
        kind = get("metric_kind")
        sentence = text(decision, lang).format(
            arm=arm, metric=metric, lift=difference(get("abs_estimate"), kind, lang, currency),
            level=level, low=difference(get("abs_ci_low"), kind, lang, currency),
            high=difference(get("abs_ci_high"), kind, lang, currency))
        return text("absolute", lang).format(sentence=sentence, reason=reason_text(row, lang))
    return text(decision, lang).format(
        arm=arm, metric=metric, lift=format_change(get("rel_estimate"), lang), level=level,
        low=format_change(get("adj_ci_low"), lang), high=format_change(get("adj_ci_high"), lang))


def no_relative_lift(row: Mapping, lang: str) -> str | None:
    """Why a row told in counts has no relative lift (the page shows it under the table);
    None for other rows (their sentence gives the reason, or nothing is missing)."""
    told_in_counts = row.get("decision") in ("wins", "loses", "no_difference", "keep_running")
    if not (told_in_counts and _counted(row) and isinstance(row.get("null_reason"), str)):
        return None
    arm = str(row.get("arm_label") or row.get("arm") or "")
    metric = str(row.get(f"metric_label_{lang}") or row.get("metric_id") or "")
    return text("no_relative_lift", lang).format(arm=arm, metric=metric,
                                                 reason=reason_text(row, lang))


def effect_variants(effect: str, spec: ExperimentSpec) -> tuple[str, ...]:
    """The variants an effect is named after (``subject=personal × send_time=evening``): per
    ``factor=level``, the label of the arm that differs from the reference levels in that
    factor only; the ``factor=level`` key itself when no arm (or no such factor) matches.

    >>> import datetime as dt
    >>> from experiments.spec import Arm, Metric
    >>> from experiments.factorial import Factor
    >>> spec = ExperimentSpec("e", "E", arms=(Arm("a", "Old", levels=("x", "m")),
    ...     Arm("b", "New subject", levels=("y", "m")), Arm("c", levels=("x", "n")),
    ...     Arm("d", "Both", levels=("y", "n"))), control="a",
    ...     metrics=(Metric("conversion", "proportion", "converted"),),
    ...     factors=(Factor("subject", ("x", "y")), Factor("time", ("m", "n"))),
    ...     start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 28))
    >>> effect_variants("subject=y × time=n", spec), effect_variants("tone=z", spec)
    (('New subject', 'c'), ('tone=z',))
    """
    reference = tuple(f.levels[0] for f in spec.factors)
    names = [f.name for f in spec.factors]
    out = []
    for part in effect.split(" × "):
        factor, _, level = part.partition("=")
        wanted = (tuple(level if n == factor else r for n, r in zip(names, reference,
                                                                   strict=True))
                  if factor in names else None)
        arm = next((a for a in spec.arms if wanted is not None and a.levels == wanted), None)
        out.append(arm.label if arm is not None else part)
    return tuple(out)


def describe_effect(effect: Mapping, lang: str, metric_label: str | None = None, *,
                    spec: ExperimentSpec | None = None, currency: str = "EUR") -> str:
    """A factorial effect (absolute) as a sentence. With the experiment's ``spec``: named after
    its variants (:func:`effect_variants`), in the metric's unit (percentage points for a
    proportion, ``currency`` for a mean or ratio); without it, by its ``factor=level`` key, as
    a plain difference."""
    loc = locale_for(lang)
    level = _level(float(effect.get("alpha", 0.05)), lang)
    p = format_p(float(effect["p_value"]), lang)
    metric = next((m for m in spec.metrics if m.id == effect["metric_id"]), None) if spec else None
    if spec is None:
        def points(x: object) -> str:
            return format_decimal(float(x), "+#,##0.000;-#,##0.000", locale=loc)  # type: ignore[arg-type]

        return text("effect", lang).format(
            effect=effect["effect"], metric=metric_label or effect["metric_id"],
            value=points(effect["estimate"]), level=level, low=points(effect["ci_low"]),
            high=points(effect["ci_high"]), p=p)
    kind = metric.kind if metric is not None else None
    label = metric_label or (metric.label(lang) if metric is not None else effect["metric_id"])
    variants = effect_variants(str(effect["effect"]), spec)
    key = "effect_main" if len(variants) == 1 else "effect_interaction"
    return text(key, lang).format(
        variant=variants[0], variants=" × ".join(variants), metric=label,
        value=difference(effect["estimate"], kind, lang, currency), level=level,
        low=difference(effect["ci_low"], kind, lang, currency),
        high=difference(effect["ci_high"], kind, lang, currency), p=p)


def summary(rows: list[Mapping], lang: str, currency: str | None = None) -> list[str]:
    """Sentences for one experiment's rows: the SRM warning alone if there is one."""
    srm = [r for r in rows if r.get("decision") == "srm"]
    if srm:
        return [describe(srm[0], lang, currency)]
    return [describe(r, lang, currency) for r in rows if r.get("decision") != "control"]
