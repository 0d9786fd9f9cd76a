"""The weekly report's view model: every section shaped into small frozen dataclasses of
already-formatted strings, for the template ``report/weekly.html`` to lay out.

Tones name how a pill reads (good, bad, flat, warn; "" for plain text); the template owns the
colours. Nothing here is HTML: the template escapes every string.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from dashboards.attribution import attribution_line, attribution_sentence
from dashboards.budget import left_out_sentence
from dashboards.maturity import estimate
from dashboards.report_inputs import ReportInputs
from dashboards.report_sentences import (
    _t,
    change_tone,
    euro_weight,
    finding_sentence,
    label,
    quality_badges,
    too_early_sentence,
    unit,
    verdict,
)
from kpi.language.format import (
    as_number,
    format_change,
    format_date,
    format_datetime,
    format_range,
    format_value,
    locale_for,
)
from kpi.language.translate import N_
from kpi.maturity import lag_aware
from kpi.registry import KPIS
from kpi.weekly import Finding, IsoWeek, KpiLine, findings, kpi_lines, require_week, too_early

TABLE_KPIS = ("cost", "conversions", "leads", "purchases", "revenue", "cpa", "cpl", "roas",
              "cpa_blended", "cpl_blended", "roas_blended",  # labelled, never judged
              "conversion_rate", "ctr", "cpc", "aov")
CHANNEL_METRICS = ("cost", "conversions", "cpa", "roas")
ACTION_ORDER = {"pause": 0, "scale": 1, "reallocate": 2}
ACTIONS = {"pause": (N_("bud_action_pause"), "bad"), "scale": (N_("bud_action_scale"), "good"),
           "reallocate": (N_("bud_action_reallocate"), "flat")}
VERDICT_TONES = {"r_verdict_good": "good", "r_verdict_bad": "bad", "r_verdict_mixed": "warn"}
EXPERIMENT_STATUS = {"running": (N_("r_exp_running"), "warn"),
                     "ended": (N_("r_exp_ended"), "flat")}  # only started ones are listed
PACING_STATUS = {"on_track": (N_("bud_status_on_track"), "good"),
                 "watch": (N_("bud_status_watch"), "warn"),
                 "investigate": (N_("bud_status_investigate"), "bad"),
                 "not_started": (N_("bud_status_not_started"), "flat")}
PACING_DIRECTIONS = {"under": N_("bud_under"), "over": N_("bud_over"),
                     "unplanned": N_("bud_unplanned")}
DASHBOARD_PAGES = ("overview", "drilldown", "trends", "experiments", "budget", "leads", "clv",
                   "email", "quality")
MAX_RECOMMENDATIONS = 6
TOP_ACTIONS = 3


@dataclass(frozen=True)
class Pill:
    """A short label in a coloured pill; tone "" shows it as plain text."""

    text: str
    tone: str


DASH = Pill("–", "")  # no value to compare with


@dataclass(frozen=True)
class Cell:
    """A table cell: its text (bold or not), muted notes under it, a pill on its own line."""

    text: str = ""
    bold: bool = False
    notes: tuple[str, ...] = ()
    pill: Pill | None = None


@dataclass(frozen=True)
class Table:
    """A data table: first column left, the others right-aligned."""

    head: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Action:
    """A recommendation: its action as a pill, its sentence."""

    pill: Pill
    text: str


@dataclass(frozen=True)
class Summary:
    """What a PM reads in one minute: the verdict, the actions that move the most money,
    what is too early to judge."""

    verdict: Pill
    early_note: str  # "" unless some targets are too early to judge beside the verdict
    actions: tuple[Action, ...]
    too_early: tuple[str, ...]


@dataclass(frozen=True)
class Recommendations:
    items: tuple[Action, ...]  # empty: no recommendation this week
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Experiment:
    name: str
    status: Pill
    when: str  # " · day 21" or ""
    srm: bool  # sample ratio mismatch
    sentences: tuple[str, ...]  # the primary metric's, one per arm


@dataclass(frozen=True)
class Pacing:
    note: str
    table: Table


@dataclass(frozen=True)
class ReportView:
    """The whole report, section by section (see the template)."""

    lang: str
    html_lang: str
    title: str
    meta: tuple[str, ...]  # account, data up to
    attribution: str  # which conversions the KPIs count, in one sentence
    week: str
    status: str  # beside the "provisional" pill: how complete the week is ("" when final)
    summary: Summary
    highlights: tuple[str, ...]
    lowlights: tuple[str, ...]
    kpis: Table
    channels: Table | None
    recommendations: Recommendations
    experiments: tuple[Experiment, ...]
    pacing: Pacing | None  # None: no plan covering the week
    badges: tuple[Pill, ...]
    definitions: tuple[tuple[str, str], ...]
    footer: tuple[str, ...]


def _change(change: float | None, metric: str, lang: str) -> Pill:
    tone = change_tone(change, metric)
    return DASH if tone is None else Pill(format_change(change, lang), tone)


WEEK_COLUMNS = ("r_col_kpi", "r_col_week", "r_col_target", "r_col_previous", "r_col_last_year")


def _kpi_table(lines: Sequence[KpiLine], lang: str, currency: str,
               columns: Sequence[str] = WEEK_COLUMNS) -> Table:
    """The account KPIs against target, the previous period and last year (``columns``:
    the heading keys, the monthly report's say month)."""
    rows = []
    for line in lines:
        unit_ = unit(line.metric)

        def money(value: float | None, unit_: str = unit_) -> str:
            return format_value(value, unit_, lang, currency)

        value = Cell(money(line.value), bold=True)
        if line.low is not None and line.high is not None:
            value = Cell("≈ " + estimate(line.value, unit_, lang, currency), bold=True, notes=(
                _t("r_seen_so_far", lang).format(seen=money(line.seen)),
                f"{estimate(line.low, unit_, lang, currency)} – "
                f"{estimate(line.high, unit_, lang, currency)}"))
        target = Cell("–")
        if line.target is not None:
            target = Cell(money(line.target), pill=Pill(format_change(line.vs_target, lang),
                                                        "good" if line.on_target else "bad"))
        previous = money(line.previous)
        if line.previous_estimated and line.previous is not None:
            previous = "≈ " + estimate(line.previous, unit_, lang, currency)
        rows.append((Cell(label(line.metric, lang)), value, target,
                     Cell(previous, pill=_change(line.change, line.metric, lang)),
                     Cell(money(line.last_year),
                          pill=_change(line.change_last_year, line.metric, lang))))
    return Table(tuple(_t(k, lang) for k in columns), tuple(rows))


def _channel_text(value: float | None, metric: str, nowcast: bool, lang: str,
                  currency: str) -> str:
    if not nowcast or value is None:
        return format_value(value, unit(metric), lang, currency)
    return "≈ " + estimate(value, unit(metric), lang, currency)


def _channels(values: pd.DataFrame, week: IsoWeek, lang: str, currency: str) -> Table | None:
    rows = values[(values["level"] == "channel")
                  & (pd.to_datetime(values["period_start"]).dt.date == week.start)]
    if rows.empty:
        return None
    table = rows.pivot_table(index="channel", columns="metric", values="value", aggfunc="first")
    estimated = ({m: set(r["channel"]) for m, r in rows[rows["low"].notna()].groupby("metric")}
                 if "low" in rows else {})
    previous = rows[rows["metric"] == "conversions"].set_index("channel")["previous_value"]
    table = table.sort_values("cost", ascending=False, na_position="last")
    body = []
    for channel, row in table.iterrows():
        if not (as_number(row.get("cost")) or as_number(row.get("conversions"))):
            continue
        unpaid = not as_number(row.get("cost"))  # no cost per conversion without cost
        cells = [Cell(_channel_text(None if unpaid and m == "cpa" else as_number(row.get(m)),
                                    m, channel in estimated.get(m, ()), lang, currency))
                 for m in CHANNEL_METRICS]
        conv, prev = as_number(row.get("conversions")), as_number(previous.get(channel))
        change = None if conv is None or not prev else conv / prev - 1
        body.append((Cell(str(channel)), *cells,
                     Cell(pill=_change(change, "conversions", lang))))
    head = (_t("channel", lang), *(label(m, lang) for m in CHANNEL_METRICS),
            _t("r_col_change_conv", lang))
    return Table(head, tuple(body))


def _action(row: object, lang: str) -> Action:
    key, tone = ACTIONS.get(row.action, (None, "flat"))  # type: ignore[attr-defined]
    text = _t(key, lang) if key else str(row.action)  # type: ignore[attr-defined]
    return Action(Pill(text, tone), str(getattr(row, f"text_{lang}")))


def _recommendations(frame: pd.DataFrame, lang: str) -> Recommendations:
    if frame.empty:
        return Recommendations((), ())
    ordered = frame.assign(_order=frame["action"].map(ACTION_ORDER).fillna(9)).sort_values(
        ["_order", "expected_gain"], ascending=[True, False], na_position="last")
    items = tuple(_action(r, lang) for r in ordered.head(MAX_RECOMMENDATIONS).itertuples())
    notes = []
    day = pd.to_datetime(frame["as_of"]).max().date() if "as_of" in frame else None
    if day:
        notes.append(_t("r_recommendations_as_of", lang).format(day=format_date(day, lang)))
    if len(frame) > MAX_RECOMMENDATIONS:
        notes.append(_t("r_recommendations_shown", lang).format(
            shown=MAX_RECOMMENDATIONS, total=len(frame)))
    left_out = left_out_sentence(frame, lang)
    if left_out:
        notes.append(left_out)
    return Recommendations(items, tuple(notes))


def _experiments(frame: pd.DataFrame, lang: str) -> tuple[Experiment, ...]:
    found = []
    for _, arms in ([] if frame.empty else frame.groupby("experiment_id", sort=False)):
        first = arms.iloc[0]
        primary = arms[(arms["metric_id"] == first["metric_id"]) & ~arms["is_control"]]
        status = str(first["status"])
        key, tone = EXPERIMENT_STATUS.get(status, (None, "flat"))
        days = as_number(first.get("days_elapsed"))
        found.append(Experiment(
            name=str(first["experiment_name"]),
            status=Pill(_t(key, lang) if key else status, tone),
            when=f" · {_t('r_exp_days', lang).format(days=int(days))}" if days else "",
            srm=bool(first.get("srm_mismatch")),
            sentences=tuple(str(s) for s in primary[f"sentence_{lang}"].dropna())))
    return tuple(found)


def _pacing(frame: pd.DataFrame, day: dt.date, lang: str, currency: str) -> Pacing | None:
    if frame.empty:
        return None
    starts = pd.to_datetime(frame["period_start"]).dt.date
    ends = pd.to_datetime(frame["period_end"]).dt.date
    current = frame[(starts <= day) & (ends >= day)]
    if current.empty:
        return None
    rows = []
    for r in current.sort_values("media_budget", ascending=False).itertuples():
        key, tone = PACING_STATUS.get(r.status, (None, "flat"))
        status = _t(key, lang) if key else str(r.status)
        if isinstance(r.direction, str) and r.direction in PACING_DIRECTIONS:
            status += f" · {_t(PACING_DIRECTIONS[r.direction], lang)}"
        rows.append((Cell(str(r.name)),
                     Cell(format_value(r.media_budget, "currency", lang, currency)),
                     Cell(format_value(r.spend_to_date, "currency", lang, currency)),
                     Cell(format_value(as_number(r.pacing), "percent", lang)),
                     Cell(format_value(as_number(r.projected_pacing), "percent", lang)),
                     Cell(pill=Pill(status, tone))))
    first = current.iloc[0]
    period = format_range(pd.Timestamp(first["period_start"]).date(),
                          pd.Timestamp(first["period_end"]).date(), lang)
    note = _t("r_pacing_period", lang).format(period=period, day=int(first["days_elapsed"]),
                                              days=int(first["days_in_period"]))
    head = tuple(_t(k, lang) for k in ("r_col_line", "r_col_budget", "r_col_spent",
                                       "r_col_pacing", "r_col_projected", "r_col_status"))
    return Pacing(note, Table(head, tuple(rows)))


def _definitions(data: ReportInputs, lang: str) -> tuple[tuple[str, str], ...]:
    d = data.definitions

    def listed(items: Sequence[str]) -> str:
        return (", ".join(_t("r_def_quoted", lang).format(name=x) for x in items) if items
                else _t("r_def_none", lang))

    def counted(actions: Sequence[str], events: Sequence[str],
                meta: Sequence[str]) -> str:
        if not d.meta_windows:  # Meta Ads not connected
            return _t("r_def_counted", lang).format(ads=listed(actions), ga4=listed(events))
        return _t("r_def_counted_meta", lang).format(ads=listed(actions), meta=listed(meta),
                                                     ga4=listed(events))

    said = attribution_sentence(d.stated, lang)
    lines = [
        (_t("r_def_lead", lang), counted(d.lead_actions, d.lead_events, d.meta_lead_actions)),
        (_t("r_def_purchase", lang), counted(d.purchase_actions, d.purchase_events,
                                             d.meta_purchase_actions)),
        (_t("r_def_conversion", lang), _t("r_def_conversion_text", lang)),
        (_t("r_def_attribution", lang), said[:1].upper() + said[1:] + "."),
    ]
    lines += [(KPIS[k].label(lang), KPIS[k].description(lang))
              for k in TABLE_KPIS if k in KPIS]
    return tuple(lines)


def _summary(lines: Sequence[KpiLine], early: Sequence[Finding], actions: pd.DataFrame,
             lang: str, currency: str) -> Summary:
    key, counts = verdict(lines)
    note = (_t("r_verdict_early", lang).format(**counts)
            if counts["early"] and key != "r_verdict_early" else "")
    ranked = (sorted(actions.itertuples(), key=euro_weight, reverse=True)[:TOP_ACTIONS]
              if not actions.empty else [])
    return Summary(Pill(_t(key, lang).format(**counts), VERDICT_TONES.get(key, "flat")), note,
                   tuple(_action(r, lang) for r in ranked),
                   tuple(too_early_sentence(f, lang, currency) for f in early))


def _status(lines: Sequence[KpiLine], compare: str, lang: str) -> str:
    """How complete the week's conversions are and how the week is compared; else whether a
    source may still restate it; "" when the week is final."""
    share = next((line.completeness for line in lines if line.metric == "conversions"), None)
    if share is not None and share < 0.995:
        key = "r_completeness" if compare == "nowcast" else "r_completeness_same_age"
        return _t(key, lang).format(share=format_value(share, "percent", lang))
    if any(line.provisional for line in lines):
        return _t("r_provisional_week", lang)
    return ""


def build_view(data: ReportInputs, lang: str,
               generated_at: dt.datetime | None = None) -> ReportView:
    """The report's view model. ValueError when the week is not a complete week with data,
    naming the weeks there are."""
    require_week(data.values, data.week)
    values = lag_aware(data.values, data.nowcast, data.compare)  # type: ignore[arg-type]
    week, currency = data.week, data.currency
    lines = kpi_lines(values, week, TABLE_KPIS)
    good, bad = findings(values, week)
    data_end = data.data_end or week.end
    meta = ((data.account,) if data.account else ()) + (
        _t("r_data_to", lang).format(day=format_date(data_end, lang)),)
    pages = ", ".join(f"{p}.{lang}.html" for p in DASHBOARD_PAGES)
    footer = [_t("r_dashboards", lang).format(pages=pages)]
    if generated_at is not None:
        footer.append(_t("r_generated", lang).format(when=format_datetime(
            generated_at.astimezone(ZoneInfo(data.time_zone)), lang)))
    pacing_day = min(week.end, data_end) if not data.pacing.empty else week.end
    return ReportView(
        lang=lang, html_lang=locale_for(lang).replace("_", "-"),
        title=" · ".join([_t("r_title", lang), week.label]
                         + ([data.account] if data.account else [])),
        meta=meta,
        attribution=attribution_line(data.definitions.stated, lang),
        week=_t("r_week", lang).format(week=week.week,
                                       range=format_range(week.start, week.end, lang)),
        status=_status(lines, data.compare, lang),
        summary=_summary(lines, too_early(values, week), data.recommendations, lang,
                         currency),
        highlights=tuple(finding_sentence(f, lang, currency) for f in good),
        lowlights=tuple(finding_sentence(f, lang, currency) for f in bad),
        kpis=_kpi_table(lines, lang, currency),
        channels=_channels(values, week, lang, currency),
        recommendations=_recommendations(data.recommendations, lang),
        experiments=_experiments(data.experiments, lang),
        pacing=_pacing(data.pacing, pacing_day, lang, currency),
        badges=tuple(Pill(text, tone) for text, tone in quality_badges(data, lang)),
        definitions=_definitions(data, lang),
        footer=tuple(footer))
