"""Flights: named periods of one or more campaigns, set in the configuration (``flights:``).

A flight ends the day after its ``end``; its post-campaign review then covers its campaigns
from ``start`` to ``end``. Campaigns are named by key (``gads:2087345005``) or exact name.

>>> f = Flight(name="Winteractie warmtepompen", campaigns=["Search – Warmtepompen – NL"],
...            start="2026-01-05", end="2026-02-15")
>>> f.days, f.slug
(42, 'flight-winteractie-warmtepompen')
>>> Flight(name="x", campaigns=["a"], start="2026-02-01", end="2026-01-01")
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for Flight
  Value error, end: 2026-01-01 is before start 2026-02-01; did you mean end: 2026-02-01 or later?...
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Flight(BaseModel):
    """One flight: its name, its campaigns (keys or exact names), its first and last day."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    campaigns: tuple[str, ...] = Field(min_length=1)
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _order(self) -> Flight:
        if self.end < self.start:
            raise ValueError(f"end: {self.end} is before start {self.start}; did you mean "
                             f"end: {self.start} or later?")
        return self

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def slug(self) -> str:
        """The flight's folder name: ``flight-`` and its name in lower-case ASCII."""
        ascii_ = unicodedata.normalize("NFKD", self.name).encode("ascii", "ignore").decode()
        return "flight-" + (re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-") or "unnamed")


def unique_names(flights: tuple[Flight, ...]) -> tuple[Flight, ...]:
    """``flights`` when no two share a folder name; else ValueError naming them."""
    seen: dict[str, str] = {}
    for f in flights:
        if f.slug in seen:
            raise ValueError(f"flights: {seen[f.slug]!r} and {f.name!r} have the same name; "
                             "give each flight its own name")
        seen[f.slug] = f.name
    return flights
