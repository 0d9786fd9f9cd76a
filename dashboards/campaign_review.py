"""The post-campaign review: one campaign (or flight) from its first to its last day, in nl, fr
or en, as one self-contained HTML page for mail and A4 print (the weekly report's base,
macros, pills, tables and formatting; :mod:`kpi.review.campaign_facts` computes the figures).

Sections: its life and whether the figures are final; results against targets and goals; what
worked (its best and weakest ad groups with enough volume, what to repeat or avoid); the tests
that ran meanwhile; costs in full and the cost per result in full against media only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboards.page import ENV, write_page
from dashboards.report import CSP
from dashboards.report_model import Cell, Pill, Table
from dashboards.report_sentences import label, unit
from kpi.language.format import format_date, format_datetime, format_value, locale_for
from kpi.language.translate import N_, translator
from kpi.registry import KPIS, MEASURES
from kpi.review.campaign_end import Subject
from kpi.review.campaign_facts import GOAL_MEASURES, MIN_RESULTS, SHOWN, Facts

_t = translator("campaign_review", "report", "common")
TEMPLATE = "report/campaign.html"
STATUS = {s: N_(f"cr_status_{s}") for s in
          ("achieved", "on_track", "at_risk", "off_track", "missed", "not_started", "unknown")}


@dataclass(frozen=True)
class ReviewInputs:
    """What one review shows: its subject, its facts and the account's settings."""

    subject: Subject
    facts: Facts
    account: str
    currency: str
    data_end: dt.date


@dataclass(frozen=True)
class ReviewView:
    """The review's sections as formatted strings (the template escapes them)."""

    title: str
    meta: tuple[str, ...]
    state: Pill
    maturity: str
    verdict: Pill
    results: Table
    goals: tuple[str, ...]
    groups: Table
    worked: tuple[str, ...]  # best / weakest ad group, what to repeat or avoid
    volume_note: str
    tests: tuple[str, ...]
    costs: Table
    per_result: str
    notes: tuple[str, ...]
    html_lang: str


def _v(value: float | None, metric: str, lang: str, currency: str) -> str:
    return "–" if value is None or pd.isna(value) else format_value(value, unit(metric), lang,
                                                                     currency)


def _better(metric: str, value: float, target: float) -> bool:
    return KPIS[metric].is_better(value, target) or value == target


def _verdict(f: Facts, lang: str, cur: str) -> Pill:
    kpi, value = f.goal_kpi, f.totals.get(f.goal_kpi)
    fields = {"kpi": label(kpi, lang), "value": _v(value, kpi, lang, cur),
              "target": _v(f.target, kpi, lang, cur)}
    if f.target is None or value is None or pd.isna(value):
        return Pill(_t("cr_verdict_none", lang).format(**fields), "flat")
    good = _better(kpi, value, f.target)
    return Pill(_t("cr_verdict_good" if good else "cr_verdict_bad", lang).format(**fields),
                "good" if good else "bad")


def _results(f: Facts, lang: str, cur: str) -> Table:
    rows = []
    for metric in SHOWN:
        if metric not in f.totals:
            continue
        value = f.totals[metric]
        target = f.target if metric == f.goal_kpi else None
        pill = None
        if target is not None and not pd.isna(value):
            pill = Pill("✓", "good") if _better(metric, value, target) else Pill("✗", "bad")
        rows.append((Cell(label(metric, lang), bold=metric == f.goal_kpi),
                     Cell(_v(value, metric, lang, cur), pill=pill),
                     Cell(_v(target, metric, lang, cur))))
    return Table((_t("r_col_kpi", lang), _t("cr_col_result", lang), _t("r_col_target", lang)),
                 tuple(rows))


def _goals(f: Facts, lang: str, cur: str) -> tuple[str, ...]:
    if f.goals.empty:
        return (_t("cr_no_goals", lang),)
    out = []
    for g in f.goals.itertuples():
        measure = g.measure if g.measure in KPIS or g.measure in MEASURES else "conversions"
        out.append(_t("cr_goal_line", lang).format(
            name=g.name, actual=_v(g.actual, measure, lang, cur),
            target=_v(g.target, measure, lang, cur),
            status=_t(STATUS.get(g.status, STATUS["unknown"]), lang)))
    return tuple(out)


def _groups(f: Facts, lang: str, cur: str) -> Table:
    kpi, measure = f.goal_kpi, GOAL_MEASURES[f.goal_kpi]
    rows = tuple((Cell(g.name), Cell(_v(g.cost, "cost", lang, cur)),
                  Cell(_v(g.results, measure, lang, cur)),
                  Cell(_v(g.kpi, kpi, lang, cur) if g.enough else "–",
                       notes=() if g.enough else (_t("cr_too_few", lang),)))
                 for g in f.ad_groups)
    return Table((_t("cr_col_group", lang), label("cost", lang), label(measure, lang),
                  label(kpi, lang)), rows)


def _worked(f: Facts, lang: str, cur: str) -> tuple[str, ...]:
    kpi = f.goal_kpi
    ranked = [g for g in f.ad_groups if g.enough and g.kpi is not None]
    if len(ranked) < 2:
        return (_t("cr_too_few_groups", lang).format(min=MIN_RESULTS),)
    best, worst = ranked[0], ranked[-1]

    def fields(g):
        return {"name": g.name, "kpi": label(kpi, lang), "value": _v(g.kpi, kpi, lang, cur),
                "results": format_value(g.results, "count", lang, cur),
                "target": _v(f.target, kpi, lang, cur)}

    out = [_t("cr_best", lang).format(**fields(best)), _t("cr_worst", lang).format(**fields(worst))]
    if f.target is not None and _better(kpi, best.kpi, f.target):
        out.append(_t("cr_repeat", lang).format(**fields(best)))
    if f.target is not None and not _better(kpi, worst.kpi, f.target):
        out.append(_t("cr_avoid", lang).format(**fields(worst)))
    return tuple(out)


def _tests(f: Facts, lang: str) -> tuple[str, ...]:
    if f.experiments.empty:
        return (_t("cr_no_tests", lang),)
    out = []
    column = f"sentence_{lang}"
    for name, rows in f.experiments.groupby("experiment_name", sort=True):
        said = [str(s) for s in rows.loc[~rows["is_control"].fillna(False).astype(bool), column]
                if isinstance(s, str) and s][:1] if column in rows else []
        out.append(_t("cr_test_line", lang).format(name=name, sentence=said[0]) if said
                   else str(name))
    return tuple(out)


def _costs(f: Facts, lang: str, cur: str) -> tuple[Table, str]:
    c = f.costs
    money = [("cr_cost_media", c.media), ("cr_cost_production", c.production),
             ("cr_cost_agency", c.agency), ("cr_cost_shared", c.shared)]
    rows = [(Cell(_t(key, lang)), Cell(_v(v, "cost", lang, cur))) for key, v in money]
    rows.append((Cell(_t("cr_cost_total", lang), bold=True),
                 Cell(_v(c.in_full, "cost", lang, cur), bold=True)))
    table = Table((_t("cr_h_costs", lang), ""), tuple(rows))
    if f.goal_kpi == "roas":
        revenue = f.totals.get("roas:num", 0.0)
        full = revenue / c.in_full if c.in_full else None
        media = revenue / c.media if c.media else None
        text = _t("cr_roas_full", lang).format(full=_v(full, "roas", lang, cur),
                                               media=_v(media, "roas", lang, cur))
    else:
        full = c.in_full / f.results if f.results else None
        media = c.media / f.results if f.results else None
        text = _t("cr_per_result", lang).format(full=_v(full, "cpl", lang, cur),
                                                media=_v(media, "cpl", lang, cur))
    return table, text


def build_view(data: ReviewInputs, lang: str, generated_at: dt.datetime) -> ReviewView:
    """The review's view model in ``lang``."""
    s, f, cur = data.subject, data.facts, data.currency
    life = _t("cr_life", lang).format(start=format_date(s.start, lang),
                                      end=format_date(s.end, lang), days=s.days)
    meta = (data.account, life, _t("cr_written", lang).format(
        when=format_datetime(generated_at, lang), day=format_date(data.data_end, lang)))
    state = (Pill(_t("cr_ended", lang), "flat") if s.ended
             else Pill(_t("cr_running", lang), "warn"))
    maturity = (_t("cr_provisional", lang).format(days=f.provisional_days,
                                                  total=f.days_with_data)
                if f.provisional_days else _t("cr_final", lang))
    costs, per_result = _costs(f, lang, cur)
    unranked = sum(1 for g in f.ad_groups if not g.enough)
    title_key = "cr_title" if s.ended else "cr_title_so_far"
    return ReviewView(
        title=_t(title_key, lang).format(name=s.name), meta=meta, state=state,
        maturity=maturity, verdict=_verdict(f, lang, cur), results=_results(f, lang, cur),
        goals=_goals(f, lang, cur), groups=_groups(f, lang, cur),
        worked=_worked(f, lang, cur),
        volume_note=_t("cr_volume_note", lang).format(min=MIN_RESULTS, count=unranked),
        tests=_tests(f, lang), costs=costs, per_result=per_result,
        notes=tuple(_t("cr_costs_left_out", lang).format(lines=n) for n in f.costs.notes),
        html_lang=locale_for(lang).replace("_", "-"))


def render_review(data: ReviewInputs, lang: str = "en",
                  generated_at: dt.datetime | None = None) -> str:
    """The review as one HTML document."""
    view = build_view(data, lang, generated_at or dt.datetime.now(dt.UTC))
    return ENV.get_template(TEMPLATE).render(v=view, t=lambda key: _t(key, lang), csp=CSP,
                                             title=view.title, html_lang=view.html_lang)


def write_review(path: str | Path, data: ReviewInputs, **kw) -> Path:
    """Render (keywords as :func:`render_review`) and swap the file in atomically."""
    return write_page(path, render_review(data, **kw))
