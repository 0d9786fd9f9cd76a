"""The drill-down's words: its text lookup, the columns it shows and how a node, a period and
a goal are named in the page's language (shared by the table, the treemap and the script).
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_skeleton

from dashboards.drilldown_cap import Others
from dashboards.drilldown_data import NodeGoal, Period, Records, value_of, vs_target
from dashboards.drilldown_model import PeriodView
from kpi.language.format import babel_locale, format_range, format_value, format_week, iso_week
from kpi.language.translate import N_, translator
from kpi.registry import KPIS, MEASURES

TABLE_METRICS = ("cost", "conversions", "revenue", "cpa", "cpl", "roas", "conversion_rate", "ctr",
                 "cpc")
KPI_CHOICES = ("cpa", "cpl", "roas", "conversion_rate", "ctr", "cpc")
GOAL = "goal"  # the default focus: each campaign on its own goal KPI (kpi.budget.recommend's rule)
TILE_METRICS = ("cost", "conversions", "revenue", "cpa", "cpl", "roas")
PERIOD_NAMES = {"1w": N_("dd_period_1w"), "4w": N_("dd_period_4w"), "13w": N_("dd_period_13w")}
GOAL_NOTES = {"no_cost": N_("dd_goal_no_cost"), "mixed": N_("dd_goal_mixed"),
              "others": N_("dd_goal_others")}
OTHERS_NAMES = {"campaign": N_("dd_others_campaign"), "ad_group": N_("dd_others_ad_group")}

_t = translator("drilldown", "common")  # this page's texts first, then the shared ones


def short(metric: str, lang: str) -> str:
    """A metric's short column name: ``CPA``, ``Conv. rate``, ``Cost``."""
    if metric == "conversion_rate":
        return _t("dd_short_conversion_rate", lang)
    return metric.upper() if metric in KPIS else MEASURES[metric].label(lang)


def period_label(weeks: tuple[dt.date, ...], lang: str) -> str:
    """``Week 47 · 16–22 Nov 2026`` or ``Weeks 44–47 · 26 Oct – 22 Nov 2026``."""
    end = weeks[-1] + dt.timedelta(days=6)
    if len(weeks) == 1:
        return format_week(weeks[0], end, lang)
    first, last = iso_week(weeks[0])[1], iso_week(weeks[-1])[1]
    return (f"{_t('dd_weeks', lang).format(first=first, last=last)} · "
            f"{format_range(weeks[0], end, lang)}")


def option_label(p: Period, lang: str) -> str:
    """The period selector's text, e.g. ``Last 4 weeks`` or ``November 2026 to date``."""
    if p.key in PERIOD_NAMES:
        return _t(PERIOD_NAMES[p.key], lang)
    month = format_skeleton("yMMMM", p.weeks[-1] + dt.timedelta(days=3), locale=babel_locale(lang))
    return _t("dd_period_mtd", lang).format(month=month[:1].upper() + month[1:])


def unpriced(key: str, goal: NodeGoal, cur: Records) -> bool:
    """Spent on a cost-per goal without a single conversion: infinitely far off target."""
    return (goal.kpi is not None and KPIS[goal.kpi].numerator == "cost"
            and value_of(cur, key, goal.kpi) is None and (value_of(cur, key, "cost") or 0) > 0)


def goal_off(key: str, goal: NodeGoal | None, cur: Records) -> bool:
    """Off its own goal's target (a cost without conversions counts as off)."""
    if goal is None or goal.kpi is None or goal.target is None:
        return False
    return (unpriced(key, goal, cur)
            or vs_target(goal.kpi, value_of(cur, key, goal.kpi), goal.target)[1] is False)


def goal_note(goal: NodeGoal, lang: str) -> str:
    """Why a node has no goal KPI or no target, in words."""
    if goal.note == "no_target" and goal.kpi:
        return _t("dd_goal_no_target", lang).format(kpi=short(goal.kpi, lang))
    return _t(GOAL_NOTES[goal.note], lang) if goal.note in GOAL_NOTES else ""


def others_name(group: Others, lang: str) -> str:
    """``Other campaigns (992)``: the label of an "others" row, in ``lang``."""
    count = format_value(float(len(group.members)), "count", lang)
    return _t(OTHERS_NAMES[group.level], lang).format(count=count)


def named(view: PeriodView, lang: str) -> Records:
    """The period's entities with its "others" nodes labelled in ``lang``."""
    return view.ents | {g.key: {**view.ents[g.key], "name": others_name(g, lang)}
                        for g in view.groups}
