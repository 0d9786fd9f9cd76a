"""The demo's Meta ad account (:mod:`pipelines.sources.demo.meta_world`) as a
:class:`tests.fakes.meta_server.MetaAccount`: the fake Graph API serves the very numbers the
demo source stores in ``meta_adset_daily``, seen on the morning ``as_of``.

Nothing is simulated here: the days come from ``simulate_meta`` (per-day draws, so any range
of days equals the same days of the whole history), the morning's restatement from
``observe_meta``, the rows and action cells from ``adset_rows`` and ``action_cells``.

The account serves the days of [settings.start, settings.end] before ``as_of`` (default: the
morning after ``settings.end``, as :class:`~pipelines.sources.demo.DemoSource` sees them), so a
long ``settings.end`` with a moving ``as_of`` behaves like a live account night after night
(:meth:`tests.fakes.meta_server.MetaServer.restate`).

>>> from pipelines.sources.demo import DemoSettings
>>> account = DemoMetaAccount(DemoSettings(dt.date(2026, 1, 1), dt.date(2026, 3, 31)))
>>> account.account_id == META_ACCOUNT_ID, account.morning
(True, datetime.date(2026, 4, 1))
>>> day = dt.date(2026, 3, 2)
>>> delivered, cells = account.delivery(day, day), account.cells(day, day)
>>> len(delivered), set(cells.adset_id) <= set(delivered.adset_id)
(8, True)
>>> account.delivery(dt.date(2026, 4, 1), dt.date(2026, 4, 5)).empty  # after the history
True
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.sources.demo import DemoSettings
from pipelines.sources.demo.meta_frames import CELL_COLUMNS, action_cells, adset_rows, observe_meta
from pipelines.sources.demo.meta_simulate import MetaTruth, simulate_meta
from pipelines.sources.demo.meta_world import META_ACCOUNT_ID, META_CAMPAIGNS
from pipelines.sources.demo.world import CURRENCY_CODE, TIME_ZONE

DELIVERY_COLUMNS = ("date", "account_id", "campaign_id", "campaign_name", "objective",
                    "adset_id", "adset_name", "impressions", "reach", "clicks", "link_clicks",
                    "spend")


@functools.lru_cache(maxsize=16)
def _observed(settings: DemoSettings, first: dt.date, last: dt.date,
              morning: dt.date) -> tuple[MetaTruth, np.ndarray]:
    """The Meta days ``first``..``last`` of the demo history and their conversions as reported
    on ``morning`` (the fake asks delivery and cells of one run's range in turn)."""
    meta = simulate_meta(first, last, settings.seed, settings.traffic_scale,
                         origin=settings.start)
    return meta, observe_meta(meta, settings.seed, morning)


@dataclass(frozen=True)
class DemoMetaAccount:
    """The demo's Meta ad account for the fake Graph API (the ``MetaAccount`` protocol)."""

    settings: DemoSettings
    as_of: dt.date | None = None  # the morning the account is seen on; default end + 1
    account_id: str = META_ACCOUNT_ID
    currency: str = CURRENCY_CODE
    time_zone: str = TIME_ZONE
    name: str = "Zonnig Huis – Meta"

    @property
    def morning(self) -> dt.date:
        return self.as_of or self.settings.end + dt.timedelta(days=1)

    def _range(self, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
        """The asked days the account has data for on ``morning``, if any."""
        first = max(start, self.settings.start)
        last = min(end, self.settings.end, self.morning - dt.timedelta(days=1))
        return (first, last) if first <= last else None

    def campaigns(self) -> list[dict[str, str]]:
        """Every campaign: id, name, objective, status (all active, as the demo stores)."""
        return [{"id": c.id, "name": c.name, "objective": c.objective, "status": "ACTIVE"}
                for c in META_CAMPAIGNS]

    def delivery(self, start: dt.date, end: dt.date) -> pd.DataFrame:
        """Per ad set and day that delivered: names, objective, and delivery numbers."""
        days = self._range(start, end)
        if days is None:
            return pd.DataFrame(columns=list(DELIVERY_COLUMNS))
        frame, _ = adset_rows(*_observed(self.settings, *days, self.morning))
        return frame[list(DELIVERY_COLUMNS)]

    def cells(self, start: dt.date, end: dt.date) -> pd.DataFrame:
        """Conversions per ad set, day, action type and window as reported on ``morning``."""
        days = self._range(start, end)
        if days is None:
            return pd.DataFrame(columns=list(CELL_COLUMNS))
        return action_cells(*_observed(self.settings, *days, self.morning))
