"""The ``goals:`` and ``risks:`` sections of the configuration (read by
:class:`pipelines.config.Config`).

A goal is SMART: a measure (a volume such as leads, or a ratio KPI such as cpl), a target, an
optional condition ("500 leads at CPL <= 40"), a scope (a channel or a campaign, else the
account), an owner and a period: ``start`` + ``deadline``, or ``every: month | quarter`` (judged
each night on the current period).

>>> g = Goal(name="Leads Q1", measure="leads", target=500, kpi="cpl", kpi_target=40,
...          every="quarter")
>>> g.period(dt.date(2026, 2, 14)), g.level
((datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)), 'total')
>>> try:
...     Goal(name="x", measure="lead", target=5, every="month")
... except ValueError as error:
...     print("did you mean 'leads'?" in str(error))
True
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from kpi.registry import KPIS, MEASURES

# Volumes a goal can count (summed per day at every level); ratio goals use KPIS.
VOLUMES = ("leads", "purchases", "conversions", "revenue", "cost", "clicks", "impressions",
           "sessions", "paid_leads", "paid_purchases", "paid_conversions", "paid_revenue")
RISK_OWNERS = ("goal", "pacing", "alert", "srm", "data_quality")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _did_you_mean(given: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(given, list(choices), n=1, cutoff=0.5)
    return f"; did you mean {close[0]!r}?" if close else f" (one of {', '.join(choices)})"


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _month_end(day: dt.date, months: int) -> dt.date:
    """The last day of the month ``months - 1`` after ``day``'s month."""
    year, month = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + year, month + 1, 1) - dt.timedelta(days=1)


class Goal(_Strict):
    """One SMART goal; see the module docstring."""

    name: str = Field(min_length=1, max_length=120)
    measure: str
    target: float = Field(gt=0)
    kpi: str | None = None  # the condition's KPI, e.g. cpl
    kpi_target: float | None = Field(None, gt=0)
    channel: str | None = None
    campaign: str | None = None  # a campaign's name or key (gads:123)
    owner: str | None = None
    start: dt.date | None = None
    deadline: dt.date | None = None
    every: Literal["month", "quarter"] | None = None

    @field_validator("measure")
    @classmethod
    def _measure(cls, value: str) -> str:
        if value in VOLUMES or value in KPIS:
            return value
        known = [*VOLUMES, *KPIS]
        if value in MEASURES:
            raise ValueError(f"{value!r} cannot be a goal's measure{_did_you_mean(value, known)}")
        raise ValueError(f"unknown measure {value!r}{_did_you_mean(value, known)}")

    @field_validator("kpi")
    @classmethod
    def _kpi(cls, value: str | None) -> str | None:
        if value is not None and value not in KPIS:
            raise ValueError(f"unknown KPI {value!r}{_did_you_mean(value, list(KPIS))}")
        return value

    @model_validator(mode="after")
    def _shape(self) -> Goal:
        if (self.kpi is None) != (self.kpi_target is None):
            raise ValueError("a condition needs both kpi and kpi_target (e.g. kpi: cpl, "
                             "kpi_target: 40)")
        if self.kpi is not None and self.measure in KPIS:
            raise ValueError(f"measure {self.measure!r} is already a ratio: put its limit in "
                             "target and leave kpi / kpi_target out")
        if self.channel and self.campaign:
            raise ValueError("give channel or campaign, not both")
        if self.every is not None and (self.start or self.deadline):
            raise ValueError("give every (month | quarter) or start + deadline, not both")
        if self.every is None and (self.start is None or self.deadline is None):
            missing = "deadline" if self.start else "start"
            raise ValueError(f"missing {missing}: a goal needs start + deadline, or every: "
                             "month | quarter")
        if self.start and self.deadline and self.deadline < self.start:
            raise ValueError(f"deadline {self.deadline} is before start {self.start}; did you "
                             f"mean {self.deadline.replace(year=self.start.year + 1)}?")
        return self

    @property
    def level(self) -> str:
        return "campaign" if self.campaign else "channel" if self.channel else "total"

    def period(self, as_of: dt.date) -> tuple[dt.date, dt.date]:
        """(start, deadline) judged on ``as_of``: fixed, or the month / quarter holding it."""
        if self.every == "month":
            return as_of.replace(day=1), _month_end(as_of, 1)
        if self.every == "quarter":
            first = _quarter_start(as_of)
            return first, _month_end(first, 3)
        assert self.start is not None and self.deadline is not None
        return self.start, self.deadline


class RiskSettings(_Strict):
    """Who owns which kind of risk: ``owners`` per kind, else ``owner``.

    >>> RiskSettings(owner="Ann", owners={"srm": "Bo"}).owner_of("srm")
    'Bo'
    >>> RiskSettings(owner="Ann").owner_of("pacing")
    'Ann'
    """

    owner: str | None = None
    owners: dict[str, str] = {}

    @field_validator("owners")
    @classmethod
    def _kinds(cls, owners: dict[str, str]) -> dict[str, str]:
        for kind in owners:
            if kind not in RISK_OWNERS:
                raise ValueError(f"unknown risk kind {kind!r}{_did_you_mean(kind, RISK_OWNERS)}")
        return owners

    def owner_of(self, kind: str) -> str | None:
        return self.owners.get(kind, self.owner)


def unique_names(goals: tuple[Goal, ...]) -> tuple[Goal, ...]:
    """``goals`` if no two share a name, else a ValueError naming it.

    >>> unique_names((Goal(name="a", measure="cost", target=1, every="month"),)) != ()
    True
    """
    seen: set[str] = set()
    for n, goal in enumerate(goals):
        if goal.name in seen:
            raise ValueError(f"goals.{n}: two goals named {goal.name!r}; did you mean "
                             f"{goal.name + ' 2'!r}?")
        seen.add(goal.name)
    return goals


Goals = Annotated[tuple[Goal, ...], AfterValidator(unique_names)]
