"""The numbers behind the weekly KPI report: one ISO week against target, the previous week and
the same week a year earlier, and the findings (highlights and lowlights) worth a sentence.

Reads ``kpi_values`` rows of grain ``week``; every comparison uses values computed from sums
by the roll-up, never re-averaged here.

>>> IsoWeek.parse("2026-W47").start, IsoWeek.parse("2026-W47").end
(datetime.date(2026, 11, 16), datetime.date(2026, 11, 22))
>>> IsoWeek.parse("2026-W01").previous().label
'2025-W52'
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi.goals import goal_kpis
from kpi.registry import KPIS, MEASURES
from pipelines.months import CalendarMonth
from pipelines.weeks import IsoWeek

HEADLINE_METRICS = ("cost", "conversions", "leads", "purchases", "revenue", "cpa", "cpl", "roas",
                    "conversion_rate", "ctr", "cpc", "aov")
# CPA, CPL and ROAS above are paid efficiency (judged against targets, used for findings); their
# blended twins (all conversions, organic included) are shown labelled, never judged.
BLENDED_METRICS = ("cpa_blended", "cpl_blended", "roas_blended")
MOVER_METRIC = "conversions"
MOVER_MIN_CHANGE = 5.0  # conversions: smaller week-on-week moves are noise, not news
TOTAL_MIN_CHANGE = 0.05  # account KPIs moving less than 5 % are not worth a sentence
MIN_COST_SHARE = 0.05  # a campaign judged against target must carry 5 % of the week's cost
FINDINGS_PER_SIDE = 2  # account-level, then as many channel or campaign findings
Period = IsoWeek | CalendarMonth  # the monthly report reads the same lines at grain month


@dataclass(frozen=True)
class KpiLine:
    """One account-level metric for the week, with its three comparisons."""

    metric: str
    value: float | None
    target: float | None
    vs_target: float | None
    on_target: bool | None
    previous: float | None
    change: float | None
    last_year: float | None
    change_last_year: float | None
    provisional: bool
    seen: float | None = None  # what has arrived (value is the nowcast while it fills)
    low: float | None = None  # 80 % interval of the final value, while conversions arrive
    high: float | None = None
    completeness: float | None = None  # share of the week's conversions in (1 when final)
    previous_estimated: bool = False  # the previous week's value is a nowcast too


@dataclass(frozen=True)
class Finding:
    """A fact worth one sentence: ``kind`` picks the template, ``weight`` ranks it."""

    kind: str  # total_target, total_change, mover, campaign_target
    good: bool
    weight: float
    metric: str
    level: str  # total, channel or campaign
    name: str  # channel or campaign name ("" at total level)
    channel: str
    value: float
    reference: float | None  # the target or the previous week's value
    change: float | None  # relative change or distance to target
    cost: float | None = None
    low: float | None = None  # the value's 80 % interval while conversions still arrive
    high: float | None = None

    @property
    def holds(self) -> bool:
        """Whether the reference (target or previous week) lies outside the value's interval:
        a change inside it may be conversions still arriving, not performance."""
        if self.low is None or self.high is None or self.reference is None:
            return True
        return not (self.low <= self.reference <= self.high)


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _week_rows(values: pd.DataFrame, grain: str = "week") -> pd.DataFrame:
    rows = values[values["grain"] == grain].copy()
    rows["period_start"] = pd.to_datetime(rows["period_start"]).dt.date
    return rows


def weeks_with_data(values: pd.DataFrame) -> list[IsoWeek]:
    """The complete weeks with account-level data, oldest first."""
    rows = _week_rows(values)
    done = rows[(rows["level"] == "total") & rows["complete"].fillna(False).astype(bool)]
    return [IsoWeek.of(day) for day in sorted(set(done["period_start"]))]


def require_week(values: pd.DataFrame, week: IsoWeek) -> None:
    """ValueError naming the weeks on offer when ``week`` is not a complete week with data."""
    weeks = weeks_with_data(values)
    if week not in weeks:
        span = f"{weeks[0].label} to {weeks[-1].label}" if weeks else "none yet"
        raise ValueError(f"no complete data for {week.label}: complete weeks are {span}")


def _at(rows: pd.DataFrame, week: Period | None) -> dict[str, pd.Series]:
    if week is None:
        return {}
    chosen = rows[rows["period_start"] == week.start]
    return {r["metric"]: r for _, r in chosen.iterrows()}


def kpi_lines(values: pd.DataFrame, week: Period,
              metrics: tuple[str, ...] = HEADLINE_METRICS, *,
              grain: str = "week") -> list[KpiLine]:
    """Account-level lines for ``week`` (see :class:`KpiLine`), in ``metrics`` order; with
    ``grain="month"`` the same for a :class:`CalendarMonth`."""
    rows = _week_rows(values, grain)
    rows = rows[rows["level"] == "total"]
    now, before, last_year = (_at(rows, w) for w in (week, week.previous(),
                                                     week.a_year_earlier()))
    lines = []
    for metric in metrics:
        row = now.get(metric)
        value = _number(row["value"]) if row is not None else None
        prev = _number(before[metric]["value"]) if metric in before else None
        if row is not None and "completeness" in row.index:  # lag-aware: judged like with like
            prev = _number(row["previous_value"])
        ly = _number(last_year[metric]["value"]) if metric in last_year else None
        target = _number(row["target"]) if row is not None else None
        on = None if row is None or pd.isna(row["on_target"]) else bool(row["on_target"])
        lines.append(KpiLine(
            metric=metric, value=value, target=target,
            vs_target=_ratio(value, target), on_target=on if target is not None else None,
            previous=prev, change=_ratio(value, prev), last_year=ly,
            change_last_year=_ratio(value, ly),
            provisional=row is not None and _flag(row["provisional"]),
            seen=_field(row, "seen", value), low=_field(row, "low"), high=_field(row, "high"),
            completeness=_field(row, "completeness"),
            previous_estimated=row is not None and "previous_estimated" in row.index
            and _flag(row["previous_estimated"])))
    return lines


def _field(row: pd.Series | None, name: str, default: float | None = None) -> float | None:
    """A lag-aware column of ``row`` (see :func:`kpi.maturity.lag_aware`), when present."""
    if row is None or name not in row.index:
        return default
    return _number(row[name])


def _flag(value: object) -> bool:
    return False if value is None or pd.isna(value) else bool(value)


def _ratio(value: float | None, reference: float | None) -> float | None:
    if value is None or reference is None or reference == 0:
        return None
    return value / reference - 1


def _direction(metric: str) -> str | None:
    return KPIS[metric].direction if metric in KPIS else MEASURES[metric].direction


def _total_findings(lines: list[KpiLine]) -> list[Finding]:
    found = []
    for line in lines:
        direction = _direction(line.metric)
        if line.value is None or direction is None:
            continue
        if line.on_target is not None and line.vs_target is not None:
            found.append(Finding("total_target", line.on_target, abs(line.vs_target) + 0.05,
                                 line.metric, "total", "", "", line.value, line.target,
                                 line.vs_target, low=line.low, high=line.high))
        if line.change is not None and abs(line.change) >= TOTAL_MIN_CHANGE:
            good = (line.change > 0) == (direction == "higher")
            found.append(Finding("total_change", good, abs(line.change) * 0.8, line.metric,
                                 "total", "", "", line.value, line.previous, line.change,
                                 low=line.low, high=line.high))
    return found


def _name(row: pd.Series) -> str:
    if row["level"] == "channel":
        return str(row["channel"])
    name = row.get("campaign_name")
    return str(name if name is not None and not pd.isna(name) else row["campaign_key"])


def _mover_findings(rows: pd.DataFrame, total_previous: float | None) -> list[Finding]:
    movers = rows[rows["metric"] == MOVER_METRIC]
    scale = max(total_previous or 0.0, 1.0)
    found = []
    for _, row in movers.iterrows():
        value, prev = _number(row["value"]), _number(row["previous_value"])
        if value is None or prev is None:
            continue
        delta = value - prev
        if abs(delta) < max(MOVER_MIN_CHANGE, 0.1 * prev):  # noise, not news
            continue
        found.append(Finding("mover", delta > 0, abs(delta) / scale, MOVER_METRIC, row["level"],
                             _name(row), str(row["channel"]), value, prev, _ratio(value, prev),
                             low=_field(row, "low"), high=_field(row, "high")))
    return found


def _goal(metrics: dict[str, pd.Series]) -> str | None:
    """The KPI a campaign is judged on, as ``kpi.budget.assess.choose_goal`` picks it: ROAS (else
    CPA) when it sells more than it generates leads, else CPL; only a KPI with a target."""
    leads = _number(metrics["leads"]["value"]) if "leads" in metrics else 0.0
    purchases = _number(metrics["purchases"]["value"]) if "purchases" in metrics else 0.0
    order = goal_kpis(leads or 0.0, purchases or 0.0)
    return next((m for m in order if m in metrics and _number(metrics[m]["target"])), None)


def _campaign_target_findings(rows: pd.DataFrame, total_cost: float | None) -> list[Finding]:
    found: list[Finding] = []
    campaigns = rows[rows["level"] == "campaign"]
    if campaigns.empty:
        return found
    for _, campaign in campaigns.groupby("series_key"):
        metrics = {r["metric"]: r for _, r in campaign.iterrows()}
        goal = _goal(metrics)
        cost = _number(metrics["cost"]["value"]) if "cost" in metrics else None
        if goal is None or not cost or not total_cost or cost / total_cost < MIN_COST_SHARE:
            continue
        row = metrics[goal]
        value, target = _number(row["value"]), float(row["target"])
        vs = _ratio(value, target)
        if value is None or vs is None or abs(vs) < 0.1:
            continue
        good = KPIS[goal].is_better(value, target)
        found.append(Finding("campaign_target", good, min(abs(vs), 1.0) * cost / total_cost,
                             goal, "campaign", _name(row), str(row["channel"]), value, target,
                             vs, cost, low=_field(row, "low"), high=_field(row, "high")))
    return found


def _candidates(values: pd.DataFrame, week: Period, grain: str = "week") -> list[Finding]:
    rows = _week_rows(values, grain)
    rows = rows[rows["period_start"] == week.start]
    lines = kpi_lines(values, week, grain=grain)
    by_metric = {line.metric: line for line in lines}
    conversions, cost = by_metric.get("conversions"), by_metric.get("cost")
    return (_total_findings(lines)
            + _mover_findings(rows[rows["level"].isin(["channel", "campaign"])],
                              conversions.previous if conversions else None)
            + _campaign_target_findings(rows, cost.value if cost else None))


def findings(values: pd.DataFrame, week: Period, per_side: int = FINDINGS_PER_SIDE, *,
             grain: str = "week") -> tuple[list[Finding], list[Finding]]:
    """(highlights, lowlights) for ``week``, one finding per subject: on each side the
    weightiest account-level facts (KPIs vs target, then vs the previous week; at most
    ``per_side``), then as many channel or campaign facts (movers in conversions, campaigns
    carrying real spend far from their target), so that the "why" follows the "what".

    With lag-aware values (:func:`kpi.maturity.lag_aware`) a fact is only written when it
    holds against the value's interval (:attr:`Finding.holds`); see :func:`too_early`."""
    candidates = [f for f in _candidates(values, week, grain) if f.holds]
    sides: tuple[list[Finding], list[Finding]] = ([], [])
    for side, good in zip(sides, (True, False), strict=True):
        for account_level in (True, False):
            chosen: list[Finding] = []
            seen: set[tuple[str, str]] = set()
            for f in sorted(candidates, key=lambda c: -c.weight):
                subject = (f.level, f.metric if account_level else f.name)
                if (f.good == good and (f.level == "total") == account_level
                        and subject not in seen and len(chosen) < per_side):
                    seen.add(subject)
                    chosen.append(f)
            side.extend(chosen)
    return sides


def too_early(values: pd.DataFrame, week: Period, limit: int = 4, *,
              grain: str = "week") -> list[Finding]:
    """The facts the point estimate would suggest but the interval does not support yet (the
    target or last week's value lies inside the interval): "too early to judge", weightiest
    first, one per subject."""
    early, seen = [], set()
    for f in sorted(_candidates(values, week, grain), key=lambda c: -c.weight):
        subject = (f.level, f.name, f.metric)
        if not f.holds and subject not in seen and len(early) < limit:
            seen.add(subject)
            early.append(f)
    return early
