"""The demo's newsletters as an e-mail source: the sends of
:mod:`pipelines.sources.demo.email_simulate`, their reports as read on the morning after the
demo's last day (``DemoSettings.as_of``), in the shape the Mailchimp connector returns.

>>> import datetime as dt
>>> from pipelines.sources.demo import DemoSettings
>>> source = DemoEmailSource(DemoSettings(dt.date(2026, 1, 1), dt.date(2026, 3, 31)))
>>> source.pull()["campaign_id"].tolist()[:2]
['a1b2c3202601', 'a1b2c3202602']
>>> len(source.pull(since=dt.datetime(2026, 3, 31, tzinfo=dt.UTC)))  # re-reads 30 days
2
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pipelines.sources.demo import DemoSettings
from pipelines.sources.demo.email_simulate import observed_sends
from pipelines.sources.email.streams import typed


class DemoEmailSource:
    """The demo account's Mailchimp, as seen at ``settings.as_of``."""

    name = "demo"

    def __init__(self, settings: DemoSettings, reread_days: int = 30):
        self.settings, self.reread_days = settings, reread_days

    def read_from(self, since: dt.datetime | None) -> dt.datetime | None:
        return None if since is None else since - dt.timedelta(days=self.reread_days)

    def pull(self, since: dt.datetime | None = None) -> pd.DataFrame:
        """The sends from ``since - reread_days`` (all when None), as reported at as_of."""
        s, start = self.settings, self.read_from(since)
        rows = observed_sends(s.start, s.end, s.seed, s.traffic_scale, s.as_of)
        if start is not None:
            rows = rows[rows["send_time"] >= pd.Timestamp(start)]
        frame = typed(rows.assign(extracted_at=pd.Timestamp(s.as_of)))
        frame.attrs = {"read_from": None if start is None else start.isoformat(),
                       "read_until": s.as_of.isoformat()}
        return frame
