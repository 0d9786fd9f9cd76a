"""The weekly report's sentences and verdicts, as plain text in nl, fr or en.

Highlights and lowlights (:func:`finding_sentence`), what is too early to judge
(:func:`too_early_sentence`), the week's verdict, how actions are ranked and the data-quality
badges. Numbers, money, percentages and dates go through Babel; nothing here is HTML (the
template escapes every string).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from dashboards.maturity import estimate
from dashboards.quality import check_state, extract_log, last_runs
from dashboards.report_inputs import ReportInputs
from kpi.language.format import as_number, format_change, format_datetime, format_value
from kpi.language.translate import N_, translator
from kpi.registry import KPIS, MEASURES
from kpi.weekly import Finding, KpiLine

_t = translator("report", "budget", "quality", "common", "monthly")
SOURCE_NAMES = {"ga4": "GA4", "google_ads": "Google Ads", "ads": "Google Ads", "meta_ads": "Meta"}
LEVELS = {"channel": N_("r_level_channel"), "campaign": N_("r_level_campaign")}
TARGET_SENTENCES = {("total_target", True): N_("r_total_target_good"),
                    ("total_target", False): N_("r_total_target_bad"),
                    ("campaign_target", True): N_("r_campaign_target_good"),
                    ("campaign_target", False): N_("r_campaign_target_bad")}
TOO_EARLY = {"total_target": N_("r_too_early_target"),
             "campaign_target": N_("r_too_early_campaign_target"),
             "total_change": N_("r_too_early_change")}  # any other kind: a mover
FLAGS = {"subject_to_thresholding": N_("q_flag_subject_to_thresholding"),
         "sampled": N_("q_flag_sampled"),
         "data_loss_from_other_row": N_("q_flag_data_loss_from_other_row")}
STATES = {"failed": N_("q_state_failed"), "warning": N_("q_state_warning")}
# The monthly report's sentences compare with the previous month, not the previous week.
MONTHLY = {"r_total_up": N_("mr_total_up"), "r_total_down": N_("mr_total_down"),
           "r_mover_up": N_("mr_mover_up"), "r_mover_down": N_("mr_mover_down"),
           "r_too_early_change": N_("mr_too_early_change"),
           "r_too_early_mover": N_("mr_too_early_mover")}


def _said(key: str, period: str) -> str:
    """The sentence key for ``period`` ("week" or "month")."""
    return MONTHLY.get(key, key) if period == "month" else key


def unit(metric: str) -> str:
    """The registry unit of a KPI or measure."""
    return KPIS[metric].unit if metric in KPIS else MEASURES[metric].unit


def label(metric: str, lang: str) -> str:
    """The registry label of a KPI or measure in ``lang``."""
    return KPIS[metric].label(lang) if metric in KPIS else MEASURES[metric].label(lang)


def change_tone(change: float | None, metric: str) -> str | None:
    """How a change reads: good, bad or flat (no direction, or under half a percent);
    None when there is no change to show."""
    if change is None:
        return None
    direction = KPIS[metric].direction if metric in KPIS else MEASURES[metric].direction
    if direction is None or abs(change) < 0.005:
        return "flat"
    return "good" if (change > 0) == (direction == "higher") else "bad"


def _level(level: str, lang: str) -> str:
    return _t(LEVELS[level], lang) if level in LEVELS else ""


def _expected(f: Finding, unit_: str, lang: str, currency: str) -> str:
    """The value, as "≈ value (low – high)" while the week's conversions still arrive."""
    if f.low is None or f.high is None:
        return format_value(f.value, unit_, lang, currency)
    return _t("r_expected", lang).format(value=estimate(f.value, unit_, lang, currency),
                                         low=estimate(f.low, unit_, lang, currency),
                                         high=estimate(f.high, unit_, lang, currency))


def too_early_sentence(f: Finding, lang: str, currency: str, period: str = "week") -> str:
    """A fact the interval does not support yet, as a sentence (plain text); ``period``
    "month" compares with the previous month."""
    unit_ = "count" if f.kind == "mover" else unit(f.metric)
    fields = {"kpi": label(f.metric, lang), "name": f.name, "level": _level(f.level, lang),
              **{k: estimate(v, unit_, lang, currency)
                 for k, v in (("value", f.value), ("low", f.low), ("high", f.high),
                              ("reference", f.reference))}}
    return _t(_said(TOO_EARLY.get(f.kind, N_("r_too_early_mover")), period), lang).format(
        **fields)


def finding_sentence(f: Finding, lang: str, currency: str, period: str = "week") -> str:
    """One highlight or lowlight as a sentence (plain text); ``period`` "month" compares
    with the previous month."""
    unit_ = unit(f.metric)
    fields = {"kpi": label(f.metric, lang), "value": _expected(f, unit_, lang, currency),
              "name": f.name, "level": _level(f.level, lang),
              "change": format_change(f.change, lang)}
    if (f.kind, f.good) in TARGET_SENTENCES:
        fields.update(target=format_value(f.reference, unit_, lang, currency),
                      vs=format_change(f.change, lang),
                      cost=format_value(f.cost, "currency", lang, currency))
        return _t(TARGET_SENTENCES[f.kind, f.good], lang).format(**fields)
    if f.kind == "total_change":
        key = "r_total_up" if (f.change or 0) > 0 else "r_total_down"
        return _t(_said(key, period), lang).format(**fields)
    delta = abs(f.value - (f.reference or 0.0))
    fields["delta"] = (estimate(delta, "count", lang, currency) if f.low is not None
                       else format_value(delta, "count", lang, currency))
    fields["value"] = _expected(f, "count", lang, currency)
    key = "r_mover_up" if f.value > (f.reference or 0.0) else "r_mover_down"
    return _t(_said(key, period), lang).format(**fields)


def euro_weight(row: Any) -> float:
    """The money an action moves a day: the spend a pause stops, the budget a scale-up adds
    or a reallocation moves (what the summary ranks actions by)."""
    if row.action == "pause":
        cost, days = as_number(getattr(row, "cost", None)), as_number(getattr(row, "days", None))
        return cost / days if cost and days else 0.0
    return as_number(getattr(row, "amount", None)) or 0.0


def verdict(lines: Sequence[KpiLine]) -> tuple[str, dict[str, int]]:
    """The week's verdict from the account KPIs with a target: (text key, counts)."""
    judged = [line for line in lines if line.target is not None and line.on_target is not None]
    early = [line for line in judged if line.low is not None and line.high is not None
             and line.low <= line.target <= line.high]
    sure = [line for line in judged if line not in early]
    met = sum(1 for line in sure if line.on_target)
    missed = len(sure) - met
    counts = {"met": met, "missed": missed, "early": len(early), "total": len(judged)}
    if not judged:
        return N_("r_verdict_none"), counts
    if not sure:
        return N_("r_verdict_early"), counts
    if missed == 0:
        return N_("r_verdict_good"), counts
    return (N_("r_verdict_bad") if met == 0 else N_("r_verdict_mixed")), counts


def _days(n: int, lang: str) -> str:
    return _t("q_day_one", lang) if n == 1 else _t("q_day_many", lang).format(days=n)


def quality_badges(data: ReportInputs, lang: str) -> list[tuple[str, str]]:
    """(text, tone) badges: per source final / provisional / flagged / missing days of the
    week, the asset checks, the last nightly run."""
    badges: list[tuple[str, str]] = []
    log = extract_log(data.extracts)
    days = {data.week.start + dt.timedelta(days=i) for i in range(7)}
    in_week = log[log["date"].isin(days)] if not log.empty else log
    for platform in sorted(set(log["platform"])):
        mine = in_week[in_week["platform"] == platform]
        source = SOURCE_NAMES.get(platform, platform)
        missing = len(days - set(mine["date"]))
        since = data.provisional_since.get(platform)
        provisional = sum(1 for d in days if since is not None and d >= since)
        if missing:
            badges.append((_t("r_q_missing", lang).format(source=source,
                                                          days=_days(missing, lang)), "bad"))
        flagged_any = False
        for flag, key in FLAGS.items():
            if flag in mine and mine[flag].any():
                flagged_any = True
                badges.append((_t("r_q_flagged", lang).format(
                    source=source, flag=_t(key, lang).lower(),
                    days=_days(int(mine[mine[flag]]["date"].nunique()), lang)), "warn"))
        if provisional:
            badges.append((_t("r_q_provisional", lang).format(
                source=source, days=_days(provisional, lang)), "warn"))
        elif not missing and not flagged_any:
            badges.append((_t("r_q_final", lang).format(source=source), "good"))
    states = [(c, check_state(c)) for c in data.checks]
    bad = [f"{c['name']} ({_t(STATES[s], lang).lower()})" for c, s in states if s in STATES]
    if bad:
        tone = "bad" if any(s == "failed" for _, s in states) else "warn"
        badges.append((_t("r_q_checks_bad", lang).format(names=", ".join(bad)), tone))
    elif states:
        badges.append((_t("r_q_checks_ok", lang).format(count=len(states)), "good"))
    ok, failed = last_runs(data.runs)
    zone = ZoneInfo(data.time_zone)
    if failed is not None:
        badges.append((_t("r_q_run_failed", lang).format(
            when=format_datetime(failed.astimezone(zone), lang)), "bad"))
    elif ok is not None:
        badges.append((_t("r_q_run_ok", lang).format(
            when=format_datetime(ok.astimezone(zone), lang)), "good"))
    else:
        badges.append((_t("r_q_no_runs", lang), "flat"))
    return badges
