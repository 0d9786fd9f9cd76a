"""Decisions in words, in Dutch, French and English; numbers formatted by Babel (nl_BE, ...).

The sample-ratio mismatch comes before any lift: a row with an SRM says only that.

>>> row = {"decision": "wins", "arm_label": "B", "metric_label": "conversion",
...        "rel_estimate": 0.081, "adj_ci_low": 0.023, "adj_ci_high": 0.139, "alpha": 0.05}
>>> describe(row, "en")
'B wins on conversion (+8,1%, 95% CI +2,3% to +13,9%)'
>>> describe({"decision": "srm", "srm_p_value": 0.0004}, "nl")
'afwijkende steekproefverhouding (p = 0,0004): vertrouw dit resultaat niet'
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from babel.numbers import format_decimal, format_percent

from dashboards.formatting import format_change, locale_for
from experiments import vectorised

LANGS = ("nl", "fr", "en")

TEXTS: dict[str, dict[str, str]] = {
    "srm": {
        "nl": "afwijkende steekproefverhouding (p {p}): vertrouw dit resultaat niet",
        "fr": "déséquilibre de répartition (p {p})\u202f: ne vous fiez pas à ce résultat",
        "en": "sample-ratio mismatch (p {p}): do not trust this result",
    },
    "wins": {
        "nl": "{arm} wint op {metric} ({lift}, {level}-BI {low} tot {high})",
        "fr": "{arm} l'emporte sur {metric} ({lift}, IC à {level} de {low} à {high})",
        "en": "{arm} wins on {metric} ({lift}, {level} CI {low} to {high})",
    },
    "loses": {
        "nl": "{arm} doet het slechter op {metric} ({lift}, {level}-BI {low} tot {high})",
        "fr": "{arm} fait moins bien sur {metric} ({lift}, IC à {level} de {low} à {high})",
        "en": "{arm} loses on {metric} ({lift}, {level} CI {low} to {high})",
    },
    "no_difference": {
        "nl": "geen aantoonbaar verschil op {metric} voor {arm} ({lift}, {level}-BI {low} tot "
        "{high})",
        "fr": "pas de différence détectable sur {metric} pour {arm} ({lift}, IC à {level} de "
        "{low} à {high})",
        "en": "no detectable difference on {metric} for {arm} ({lift}, {level} CI {low} to "
        "{high})",
    },
    "keep_running": {
        "nl": "nog geen aantoonbaar verschil op {metric} voor {arm}; nog {days} dagen tot "
        "{power} onderscheidend vermogen",
        "fr": "pas encore de différence détectable sur {metric} pour {arm}\u202f; encore "
        "{days} jours pour atteindre une puissance de {power}",
        "en": "no detectable difference yet on {metric} for {arm}; {days} more days to reach "
        "{power} power",
    },
    "keep_running_unknown": {
        "nl": "nog geen aantoonbaar verschil op {metric} voor {arm}; te weinig verkeer om te "
        "schatten wanneer {power} onderscheidend vermogen bereikt wordt",
        "fr": "pas encore de différence détectable sur {metric} pour {arm}\u202f; trop peu de "
        "trafic pour estimer quand la puissance de {power} sera atteinte",
        "en": "no detectable difference yet on {metric} for {arm}; too little traffic to "
        "estimate when {power} power will be reached",
    },
    "control": {
        "nl": "{arm} is de controlegroep",
        "fr": "{arm} est le groupe témoin",
        "en": "{arm} is the control",
    },
    "error": {
        "nl": "geen resultaat voor {arm} op {metric}: {reason}",
        "fr": "pas de résultat pour {arm} sur {metric}\u202f: {reason}",
        "en": "no result for {arm} on {metric}: {reason}",
    },
    "effect": {
        "nl": "{effect} op {metric}: {value} ({level}-BI {low} tot {high}, p {p})",
        "fr": "{effect} sur {metric}\u202f: {value} (IC à {level} de {low} à {high}, p {p})",
        "en": "{effect} on {metric}: {value} ({level} CI {low} to {high}, p {p})",
    },
    "reason_" + "too_small": {
        "nl": "een variant heeft minder dan 2 eenheden",
        "fr": "une variante compte moins de 2 unités",
        "en": "an arm has fewer than 2 units",
    },
    "reason_all_zero": {
        "nl": "alle waarden zijn nul in beide varianten (bv. geen conversies)",
        "fr": "toutes les valeurs sont nulles dans les deux variantes (p. ex. aucune conversion)",
        "en": "all values are zero in both arms (e.g. no conversions)",
    },
    "reason_no_variance": {
        "nl": "geen spreiding in beide varianten",
        "fr": "aucune variance dans les deux variantes",
        "en": "zero variance in both arms",
    },
    "reason_bad_control": {
        "nl": "het gemiddelde van de controlegroep is nul of negatief: relatieve lift "
        "onbepaald",
        "fr": "la moyenne du groupe témoin est nulle ou négative\u202f: hausse relative "
        "indéfinie",
        "en": "control mean is zero or negative: relative lift is undefined",
    },
    "reason_other": {
        "nl": "ongeldige of ontbrekende statistieken",
        "fr": "statistiques manquantes ou invalides",
        "en": "statistics are missing or invalid",
    },
}
REASONS = {vectorised.TOO_SMALL: "reason_too_small", vectorised.ALL_ZERO: "reason_all_zero",
           vectorised.NO_VARIANCE: "reason_no_variance",
           vectorised.BAD_CONTROL: "reason_bad_control"}


def text(key: str, lang: str) -> str:
    """The template ``key`` in ``lang``; KeyError naming both when missing."""
    try:
        return TEXTS[key][lang]
    except KeyError:
        raise KeyError(f"no experiment text {key!r} in language {lang!r}") from None


def format_p(p: float, lang: str) -> str:
    """``= 0,0004`` (up to 4 decimals), or ``< 0,0001`` below that."""
    loc = locale_for(lang)
    if not math.isfinite(p):
        return "–"
    if p < 0.0001:
        return "< " + format_decimal(0.0001, "0.0###", locale=loc)
    return "= " + format_decimal(p, "0.0###", locale=loc)


def _percent(share: float, lang: str) -> str:
    """A share in the locale's percent pattern, with as many decimals as it needs (95 %)."""
    return format_percent(round(share, 6), locale=locale_for(lang), decimal_quantization=False)


def _level(alpha: float, lang: str) -> str:
    return _percent(1 - alpha, lang)


def describe(row: Mapping, lang: str) -> str:
    """One evaluated row (see :func:`experiments.evaluate.evaluate`) as a sentence."""
    get = row.get
    decision = get("decision")
    arm = str(get("arm_label") or get("arm") or "")
    metric = str(get(f"metric_label_{lang}") or get("metric_label") or get("metric_id") or "")
    if decision == "srm":
        return text("srm", lang).format(p=format_p(float(get("srm_p_value", math.nan)), lang))
    if decision == "control":
        return text("control", lang).format(arm=arm)
    if decision == "error":
        reason = text(REASONS.get(get("error"), "reason_other"), lang)
        return text("error", lang).format(arm=arm, metric=metric, reason=reason)
    power = _percent(float(get("power", 0.8)), lang)
    if decision == "keep_running":
        days = get("days_remaining", math.nan)
        if days is None or not math.isfinite(days):
            return text("keep_running_unknown", lang).format(arm=arm, metric=metric, power=power)
        return text("keep_running", lang).format(arm=arm, metric=metric, days=int(days),
                                                 power=power)
    return text(decision, lang).format(
        arm=arm, metric=metric, lift=format_change(get("rel_estimate"), lang),
        level=_level(float(get("alpha", 0.05)), lang),
        low=format_change(get("adj_ci_low"), lang), high=format_change(get("adj_ci_high"), lang))


def describe_effect(effect: Mapping, lang: str, metric_label: str | None = None) -> str:
    """A factorial effect (absolute, in percentage points for proportions) as a sentence."""
    loc = locale_for(lang)

    def points(x: object) -> str:
        return format_decimal(float(x), "+#,##0.000;-#,##0.000", locale=loc)  # type: ignore[arg-type]

    return text("effect", lang).format(
        effect=effect["effect"], metric=metric_label or effect["metric_id"],
        value=points(effect["estimate"]), level=_level(float(effect.get("alpha", 0.05)), lang),
        low=points(effect["ci_low"]), high=points(effect["ci_high"]),
        p=format_p(float(effect["p_value"]), lang))


def summary(rows: list[Mapping], lang: str) -> list[str]:
    """Sentences for one experiment's rows: the SRM warning alone if there is one."""
    srm = [r for r in rows if r.get("decision") == "srm"]
    if srm:
        return [describe(srm[0], lang)]
    return [describe(r, lang) for r in rows if r.get("decision") != "control"]
