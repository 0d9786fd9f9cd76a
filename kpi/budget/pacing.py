"""Budget pacing: actual media spend against the plan, per plan line and as-of date.

Definitions (see the team notes on budget pacing):

- The *planned daily profile* spreads a line's media budget over its days in proportion to a
  weight per day: flat by default, or one weight per weekday (Monday first).
- *expected to date* = planned spend of the days up to and including ``as_of``;
  *pacing* = spend to date ÷ expected to date.
- *Status* by pacing: 95–105 % ``on_track``; 85–95 % or 105–115 % ``watch``; below 85 % or
  above 115 % ``investigate``; ``direction`` says ``under`` or ``over``.
- *Projected spend* = spend to date + planned spend of the remaining days × the *run rate*, the
  ratio of actual to planned spend over the last ``recent_days`` days (7 by default: one whole
  week, so weekday patterns the profile does not capture cancel out). This follows the recent
  trend rather than the whole period's average (a campaign paused last week projects low), and
  with a flat profile and ``recent_days`` covering the whole period it is the textbook
  spend ÷ days elapsed × days in period. With no planned spend in the recent window the run rate
  falls back to the pacing to date, then to 1 (the plan).
- *Total cost* = media spend + production costs + agency fees. To date: the dated amounts of the
  costs file (when given). Projected: projected media + for each kind the larger of the planned
  amount and what the costs file already holds for the period.

>>> import datetime as dt
>>> import pandas as pd
>>> from kpi.budget.plan import parse_plan
>>> plan = parse_plan([{"month": "2026-11", "level": "account", "media_budget": 3000,
...                     "currency": "EUR"}])
>>> days = pd.date_range("2026-11-01", "2026-11-10")
>>> spend = pd.DataFrame({"date": days, "channel": "Paid Search", "campaign_key": "gads:1",
...                       "cost": [90.0] * 10})
>>> p = pace(plan, spend, dt.date(2026, 11, 10))[0]
>>> p.spend_to_date, p.expected_to_date, round(p.pacing, 2), p.status, p.direction
(900.0, 1000.0, 0.9, 'watch', 'under')
>>> round(p.projected_spend, 2)
2700.0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
import pandas as pd

from kpi.budget.plan import COST_KINDS, CostLine, PlanLine

Status = Literal["not_started", "on_track", "watch", "investigate"]
Direction = Literal["under", "over"]
ON_TRACK = (0.95, 1.05)
WATCH = (0.85, 1.15)
SPEND_COLUMNS = ("date", "channel", "campaign_key", "cost")


@dataclass(frozen=True)
class Pacing:
    """One plan line as of one day; money in the reporting currency."""

    line: PlanLine
    as_of: dt.date
    currency: str  # the reporting currency every amount below is in
    days_in_period: int
    days_elapsed: int
    media_budget: float
    spend_to_date: float
    expected_to_date: float
    pacing: float | None  # spend ÷ expected; None before the start, inf if unplanned spend
    run_rate: float  # recent actual ÷ recent planned, used for the projection
    projected_spend: float
    status: Status
    direction: Direction | None
    production_costs: float  # planned
    agency_fees: float  # planned
    other_costs_to_date: float  # production + agency from the costs file, up to as_of
    total_cost_to_date: float
    projected_total_cost: float

    @property
    def projected_pacing(self) -> float | None:
        """Projected media spend ÷ media budget."""
        return self.projected_spend / self.media_budget if self.media_budget else None

    @property
    def total_budget(self) -> float:
        return self.media_budget + self.production_costs + self.agency_fees


def status_of(pacing: float | None) -> tuple[Status, Direction | None]:
    """The pacing band and whether spend runs under or over plan.

    >>> status_of(0.95), status_of(1.1), status_of(0.84)
    (('on_track', None), ('watch', 'over'), ('investigate', 'under'))
    """
    if pacing is None:
        return "not_started", None
    direction: Direction | None = "under" if pacing < 1 else "over" if pacing > 1 else None
    if ON_TRACK[0] <= pacing <= ON_TRACK[1]:
        return "on_track", None
    if WATCH[0] <= pacing <= WATCH[1]:
        return "watch", direction
    return "investigate", direction


def daily_profile(line: PlanLine, weekday_weights: Sequence[float] | None = None) -> pd.Series:
    """Planned media spend per day of the line (in the line's currency), summing to its budget.

    >>> from kpi.budget.plan import parse_plan
    >>> line = parse_plan([{"period_start": "2026-11-02", "period_end": "2026-11-08",
    ...                     "level": "account", "media_budget": 600, "currency": "EUR"}])[0]
    >>> daily_profile(line, [1, 1, 1, 1, 1, 0.5, 0.5]).round(2).tolist()
    [100.0, 100.0, 100.0, 100.0, 100.0, 50.0, 50.0]
    """
    days = pd.date_range(line.period_start, line.period_end, freq="D")
    if weekday_weights is None:
        weights = np.ones(len(days))
    else:
        if len(weekday_weights) != 7 or min(weekday_weights) < 0:
            raise ValueError("weekday_weights: need 7 weights ≥ 0, Monday first, got "
                             f"{list(weekday_weights)}")
        weights = np.asarray(weekday_weights, dtype=float)[days.day_of_week]
    if weights.sum() <= 0:
        raise ValueError(f"plan row {line.row} ({line.label}): the weekday weights give its "
                         f"period {line.period_start} to {line.period_end} no days to spend on")
    return pd.Series(line.media_budget * weights / weights.sum(), index=days.date)


def _rate(currency: str, reporting_currency: str, fx_rates: Mapping[str, float],
          row: int) -> float:
    if currency == reporting_currency:
        return 1.0
    if currency not in fx_rates:
        raise ValueError(f"plan row {row}: no exchange rate from {currency} to "
                         f"{reporting_currency}; pass fx_rates={{'{currency}': ...}}")
    return float(fx_rates[currency])


def _in_scope(frame: pd.DataFrame, level: str, name: str) -> pd.Series:
    if level == "account":
        return pd.Series(True, index=frame.index)
    column = "channel" if level == "channel" else "campaign_key"
    return frame[column] == name


def _daily_spend(spend: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in SPEND_COLUMNS if c not in spend.columns]
    if missing:
        raise ValueError(f"actual spend: missing column(s) {', '.join(missing)}")
    frame = spend.loc[:, list(SPEND_COLUMNS)].copy()
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    frame["cost"] = frame["cost"].astype(float)
    return frame


def pace_line(line: PlanLine, spend: pd.DataFrame, as_of: dt.date, *,
              weekday_weights: Sequence[float] | None = None, recent_days: int = 7,
              costs: Sequence[CostLine] = (), reporting_currency: str = "EUR",
              fx_rates: Mapping[str, float] | None = None) -> Pacing:
    """Pacing of one plan line; ``spend`` holds daily cost in the reporting currency for days up
    to ``as_of`` (inclusive), with columns date, channel, campaign_key and cost."""
    fx = fx_rates or {}
    rate = _rate(line.currency, reporting_currency, fx, line.row)
    profile = daily_profile(line, weekday_weights) * rate
    last = min(as_of, line.period_end)
    elapsed = max(0, (last - line.period_start).days + 1)
    frame = _daily_spend(spend)
    mine = frame[_in_scope(frame, line.level, line.name)
                 & (frame["date"] >= line.period_start) & (frame["date"] <= last)]
    actual = mine.groupby("date")["cost"].sum().reindex(profile.index, fill_value=0.0)
    done = profile.index <= last
    spent, expected = float(actual[done].sum()), float(profile[done].sum())
    pacing = spent / expected if expected > 0 else None
    if pacing is None and elapsed and spent > 0:
        pacing = float("inf")  # spending where the plan expects nothing
    status, direction = status_of(pacing)
    recent = done & (profile.index > last - dt.timedelta(days=recent_days))
    planned_recent = float(profile[recent].sum())
    if planned_recent > 0:
        run_rate = float(actual[recent].sum()) / planned_recent
    else:
        run_rate = pacing if pacing is not None and np.isfinite(pacing) else 1.0
    projected = spent + float(profile[~done].sum()) * run_rate

    other = {kind: 0.0 for kind in COST_KINDS}
    booked = {kind: 0.0 for kind in COST_KINDS}  # the whole period, for the projection
    for cost in costs:
        if ((cost.level, cost.name) == (line.level, line.name)
                and line.period_start <= cost.date <= line.period_end):
            amount = cost.amount * _rate(cost.currency, reporting_currency, fx, cost.row)
            booked[cost.kind] += amount
            if cost.date <= last:
                other[cost.kind] += amount
    production, agency = line.production_costs * rate, line.agency_fees * rate
    other_to_date = sum(other.values())
    return Pacing(
        line=line, as_of=as_of, currency=reporting_currency, days_in_period=line.days,
        days_elapsed=elapsed,
        media_budget=line.media_budget * rate, spend_to_date=spent, expected_to_date=expected,
        pacing=pacing, run_rate=run_rate, projected_spend=projected, status=status,
        direction=direction, production_costs=production, agency_fees=agency,
        other_costs_to_date=other_to_date, total_cost_to_date=spent + other_to_date,
        projected_total_cost=(projected + max(production, booked["production"])
                              + max(agency, booked["agency"])),
    )


def pace(plan: Sequence[PlanLine], spend: pd.DataFrame, as_of: dt.date, *,
         weekday_weights: Sequence[float] | None = None, recent_days: int = 7,
         costs: Sequence[CostLine] = (), reporting_currency: str = "EUR",
         fx_rates: Mapping[str, float] | None = None) -> tuple[Pacing, ...]:
    """:func:`pace_line` for every plan line."""
    return tuple(
        pace_line(line, spend, as_of, weekday_weights=weekday_weights, recent_days=recent_days,
                  costs=costs, reporting_currency=reporting_currency, fx_rates=fx_rates)
        for line in plan)


def pacing_frame(rows: Sequence[Pacing]) -> pd.DataFrame:
    """A tidy frame: the plan line's fields, then the pacing figures, one row per line."""
    records = []
    for row in rows:
        record = asdict(row)
        line = record.pop("line")
        records.append({
            "level": line["level"], "name": line["name"], "period_start": line["period_start"],
            "period_end": line["period_end"], "plan_currency": line["currency"],
            **record, "projected_pacing": row.projected_pacing,
            "total_budget": row.total_budget,
        })
    return pd.DataFrame.from_records(records)
