"""Shapes of real accounts the demo account does not have, for the fakes to serve: an Ads account
without any conversion, a GA4 property without purchase events, an account in another currency,
days without rows in some streams or in all.

A :class:`Shape` rewrites a demo stream's frame the way the real API would report such an
account (``server.set_shape(shape, account)``); the servers apply it before they filter, page or
group, so the real clients see it through the real protocols.

>>> import datetime as dt
>>> frame = pd.DataFrame({"date": [dt.date(2026, 3, 1), dt.date(2026, 3, 2)],
...                       "currency_code": "EUR", "impressions": [10, 0], "clicks": [1, 0],
...                       "cost_micros": [5, 0], "conversions": [1.0, 2.0],
...                       "conversions_value": [9.5, 3.0]})
>>> shaped = Shape(no_conversions=True, currency_code="USD").apply("ads_campaign_daily", frame)
>>> shaped[["date", "currency_code", "clicks", "conversions"]]
         date currency_code  clicks  conversions
0  2026-03-01           USD       1          0.0
>>> len(Shape(empty_days=(dt.date(2026, 3, 2),)).apply("ads_campaign_daily", frame))
1
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

_DELIVERY = ("impressions", "clicks", "cost_micros")  # what an Ads row has without conversions
_CONVERSIONS = ("conversions", "conversions_value")


@dataclass(frozen=True)
class Shape:
    """How one account or property differs from the demo's.

    ``currency_code``: the account's (property's) currency instead of EUR; ``no_conversions``:
    an Ads account without any conversion action (zero conversions; no row segmented by
    action; rows left all zero are not returned, as the API does); ``without_events``: GA4 key
    events the property never receives (e.g. ``("purchase",)``); ``empty_days``: days without
    any row in ``empty_streams`` (every stream when empty).
    """

    currency_code: str | None = None
    no_conversions: bool = False
    without_events: tuple[str, ...] = ()
    empty_days: tuple[dt.date, ...] = ()
    empty_streams: tuple[str, ...] = ()

    def apply(self, stream: str, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` (rows of ``stream``, demo columns) as this account would report it."""
        keep = pd.Series(True, index=frame.index)
        if self.empty_days and (not self.empty_streams or stream in self.empty_streams):
            keep &= ~frame["date"].isin(self.empty_days)
        if self.without_events and "event_name" in frame.columns:
            keep &= ~frame["event_name"].isin(self.without_events)
        if self.no_conversions and stream.startswith("ads_"):
            if stream == "ads_conversion_action_daily":
                keep &= False
            else:
                keep &= frame[list(_DELIVERY)].ne(0).any(axis=1)
        out = frame[keep]
        if self.no_conversions and stream.startswith("ads_"):
            out = out.assign(**{c: 0.0 for c in _CONVERSIONS if c in out.columns})
        if self.currency_code is not None and "currency_code" in out.columns:
            out = out.assign(currency_code=self.currency_code)
        return out.reset_index(drop=True)
