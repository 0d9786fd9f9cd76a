"""The figures of one post-campaign review, from day rows of ``kpi_values`` (pure, no I/O).

- **Results**: measures summed over the covered days, KPIs as sum(numerator) / sum(denominator)
  (never a mean of daily ratios). The goal KPI is CPL when the campaign brings at least as many
  paid leads as paid purchases, else ROAS; its target is the one ``kpi_values`` applied.
- **Late conversions**: a day whose rows are still ``provisional`` (inside a source's
  re-pull window) may still gain conversions. The review is written anyway, says how many of
  its days are provisional, and the nightly asset rewrites it whenever the figures move, so
  it turns final by itself once the last day has matured.
- **Ad groups**: ranked on the goal KPI among those with at least :data:`MIN_RESULTS` goal
  conversions (fewer and one lead more or less moves the KPI by 10 % or more).
- **Costs in full**: media spend + production + agency fees. The subject's own plan lines
  (level ``campaign``), prorated to the days covered, or what the costs file booked for it
  when that is more; plus its share of channel and account plan fees, in proportion to its
  media spend in each line's days (:func:`costs_in_full`).

>>> import pandas as pd
>>> rows = pd.DataFrame({"level": "campaign", "metric": ["cost", "leads", "cpl"],
...     "kind": ["measure", "measure", "kpi"], "value": [300.0, 10.0, 30.0],
...     "numerator": [None, None, 300.0], "denominator": [None, None, 10.0],
...     "target": [None, None, 40.0], "provisional": False, "period_start": "2026-05-01",
...     "ad_group_name": None})
>>> t = totals(rows)
>>> t["cost"], t["cpl"], goal_kpi(t)
(300.0, 30.0, 'cpl')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from kpi.budget.plan import CostLine

MIN_RESULTS = 10
GOAL_MEASURES = {"cpl": "leads", "roas": "purchases"}  # their labels; counted as below
RESULTS = {"cpl": "cpl:den", "roas": "cpa:den"}  # paid leads, paid purchases: the KPIs' parts
SHOWN = ("cost", "impressions", "clicks", "ctr", "cpc", "leads", "cpl", "purchases", "cpa",
         "revenue", "roas")


def _day(value: object) -> dt.date:
    return pd.Timestamp(value).date()


def totals(rows: pd.DataFrame) -> dict[str, float]:
    """Measures summed and KPIs from summed parts over ``rows`` (one level's day rows)."""
    out: dict[str, float] = {}
    for metric, part in rows.groupby("metric", sort=True):
        if (part["kind"] == "kpi").all():
            num = float(part["numerator"].astype(float).sum())
            den = float(part["denominator"].astype(float).sum())
            out[f"{metric}:num"], out[f"{metric}:den"] = num, den
            out[str(metric)] = num / den if den else float("nan")
        else:
            out[str(metric)] = float(part["value"].astype(float).fillna(0).sum())
    return out


def goal_kpi(t: Mapping[str, float]) -> str:
    """CPL when paid leads are at least the paid purchases, else ROAS."""
    return "cpl" if t.get("cpl:den", 0.0) >= t.get("cpa:den", 0.0) else "roas"


@dataclass(frozen=True)
class AdGroupLine:
    """One ad group over the covered days: its spend, goal conversions and goal KPI."""

    name: str
    cost: float
    results: float
    kpi: float | None
    enough: bool  # at least MIN_RESULTS goal conversions


def ad_groups(rows: pd.DataFrame, kpi: str) -> tuple[AdGroupLine, ...]:
    """The ad groups (rows at level ``ad_group``) best first on ``kpi`` (those with too few
    results last)."""
    groups = rows[rows["level"] == "ad_group"]
    lines = []
    for name, part in groups.groupby("ad_group_name", sort=True):
        t = totals(part)
        value = t.get(kpi)
        results = t.get(RESULTS[kpi], 0.0)
        if not results and not t.get("cost"):
            continue  # no spend and no result: nothing to say about it
        lines.append(AdGroupLine(str(name), t.get("cost", 0.0), results,
                                 None if value is None or pd.isna(value) else value,
                                 results >= MIN_RESULTS))
    lower = kpi == "cpl"
    return tuple(sorted(lines, key=lambda g: (not (g.enough and g.kpi is not None),
                                              (g.kpi or 0.0) * (1 if lower else -1))))


@dataclass(frozen=True)
class Costs:
    """The covered days' costs in the reporting currency; ``notes`` name what was left out."""

    media: float
    production: float
    agency: float
    shared: float  # the subject's share of channel and account fees
    notes: tuple[str, ...] = ()

    @property
    def in_full(self) -> float:
        return self.media + self.production + self.agency + self.shared


def _overlap(start: dt.date, end: dt.date, a: dt.date, b: dt.date) -> int:
    return max(0, (min(end, b) - max(start, a)).days + 1)


def _rate(currency: str, reporting: str, fx: Mapping[str, float]) -> float | None:
    return 1.0 if currency == reporting else fx.get(currency)


def costs_in_full(keys: Sequence[str], start: dt.date, end: dt.date, media: pd.DataFrame,
                  plan: pd.DataFrame | None, booked: Sequence[CostLine], reporting: str = "EUR",
                  fx: Mapping[str, float] | None = None) -> Costs:
    """Costs in full of campaigns ``keys`` from ``start`` to ``end`` (see the module docstring).

    ``media`` has one row per campaign and day (campaign_key, channel, date, cost) for every
    campaign over the plan lines' days, so that a channel's spend can be shared out.

    >>> media = pd.DataFrame({"campaign_key": ["a", "b"], "channel": "Search",
    ...                       "date": [dt.date(2026, 5, 1)] * 2, "cost": [30.0, 70.0]})
    >>> plan = pd.DataFrame({"level": ["campaign", "channel"], "name": ["a", "Search"],
    ...     "period_start": [dt.date(2026, 5, 1)] * 2, "period_end": [dt.date(2026, 5, 2)] * 2,
    ...     "production_costs": [200.0, 0.0], "agency_fees": [0.0, 100.0], "currency": "EUR"})
    >>> c = costs_in_full(["a"], dt.date(2026, 5, 1), dt.date(2026, 5, 1), media, plan, ())
    >>> c.media, c.production, c.shared, c.in_full
    (30.0, 100.0, 15.0, 145.0)
    """
    fx, notes = fx or {}, []
    m = media.assign(date=pd.to_datetime(media["date"]).dt.date)
    inside = m[(m["date"] >= start) & (m["date"] <= end)]
    mine = inside[inside["campaign_key"].isin(keys)]
    planned = {"production": 0.0, "agency": 0.0}
    shared = 0.0
    for line in (plan.itertuples() if plan is not None and not plan.empty else ()):
        a, b = _day(line.period_start), _day(line.period_end)
        days = _overlap(start, end, a, b)
        rate = _rate(line.currency, reporting, fx)
        if not days:
            continue
        if rate is None:
            notes.append(f"{line.level} {line.name}: {line.currency}")
            continue
        share = days / ((b - a).days + 1) * rate
        if line.level == "campaign" and line.name in keys:
            planned["production"] += line.production_costs * share
            planned["agency"] += line.agency_fees * share
        elif line.level in ("channel", "account"):
            scope = m[(m["date"] >= max(start, a)) & (m["date"] <= min(end, b))]
            if line.level == "channel":
                scope = scope[scope["channel"] == line.name]
            spent = scope["cost"].sum()
            ours = scope[scope["campaign_key"].isin(keys)]["cost"].sum()
            if spent > 0:
                shared += (line.production_costs + line.agency_fees) * share * ours / spent
    done = {"production": 0.0, "agency": 0.0}
    for c in booked:
        rate = _rate(c.currency, reporting, fx)
        if c.level == "campaign" and c.name in keys and start <= c.date <= end:
            if rate is None:
                notes.append(f"{c.level} {c.name}: {c.currency}")
            else:
                done[c.kind] += c.amount * rate
    return Costs(float(mine["cost"].sum()), max(planned["production"], done["production"]),
                 max(planned["agency"], done["agency"]), float(shared), tuple(notes))


@dataclass(frozen=True)
class Facts:
    """Everything one review shows, as numbers (the dashboards format them)."""

    totals: Mapping[str, float]
    goal_kpi: str
    target: float | None
    provisional_days: int
    days_with_data: int
    ad_groups: tuple[AdGroupLine, ...]
    costs: Costs
    experiments: pd.DataFrame  # experiment_results rows of tests that ran in the covered days
    goals: pd.DataFrame  # goal_progress rows of the subject's campaigns (latest night)

    @property
    def results(self) -> float:
        return self.totals.get(RESULTS[self.goal_kpi], 0.0)

    def fingerprint(self) -> str:
        """What a rewrite depends on, rounded (cents, whole conversions in tenths)."""
        parts = [f"{k}={v:.2f}" for k, v in sorted(self.totals.items())
                 if ":" not in k and not pd.isna(v)]
        parts += [f"p={self.provisional_days}", f"full={self.costs.in_full:.2f}",
                  f"g={len(self.goals)}", f"e={len(self.experiments)}"]
        return ";".join(parts)


def overlapping(experiments: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The experiment rows of tests whose dates overlap ``start .. end``."""
    if experiments is None or experiments.empty:
        return pd.DataFrame()
    s = pd.to_datetime(experiments["start_date"]).dt.date
    e = pd.to_datetime(experiments["end_date"]).dt.date
    return experiments[(s <= end) & (e >= start)]


def campaign_goals(goals: pd.DataFrame | None, keys: Sequence[str]) -> pd.DataFrame:
    """The latest night's goal_progress rows whose series key names one of ``keys``."""
    if goals is None or goals.empty:
        return pd.DataFrame()
    mine = goals[goals["series_key"].astype(str).map(
        lambda s: len(s.split("|")) > 1 and s.split("|")[1] in keys)]
    return mine[mine["as_of"] == mine["as_of"].max()] if not mine.empty else mine


def facts(rows: pd.DataFrame, costs: Costs, experiments: pd.DataFrame,
          goals: pd.DataFrame) -> Facts:
    """The review's facts from the subject's day rows (levels campaign and ad_group)."""
    campaign = rows[rows["level"] == "campaign"]
    t = totals(campaign)
    kpi = goal_kpi(t)
    targets = campaign.loc[campaign["metric"] == kpi, "target"].dropna()
    dates = pd.to_datetime(campaign["period_start"]).dt.date
    provisional = campaign.loc[campaign["provisional"].fillna(False).astype(bool)]
    return Facts(t, kpi, float(targets.iloc[-1]) if len(targets) else None,
                 int(pd.to_datetime(provisional["period_start"]).dt.date.nunique()),
                 int(dates.nunique()), ad_groups(rows, kpi), costs, experiments, goals)
