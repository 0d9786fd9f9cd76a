"""The demo's newsletters (Mailchimp): a Dutch one, sent on the first Tuesday of each month, and
a French one, sent on the first Thursday, each to its own audience, tagged for GA4 with
``utm_medium=email`` and ``utm_campaign=<prefix>-YYYY-MM`` (Mailchimp's Google Analytics
tracking: ``tracking.google_analytics``).

The Dutch newsletter's GA4 traffic (source ``nieuwsbrief``) predates the sends and keeps its own
draws (:data:`~pipelines.sources.demo.world.CHANNELS`); its audience is sized so that its clicks
match those sessions. The French one's GA4 traffic is drawn here, from its clicks.

>>> [n.send_day(2026, 3).isoformat() for n in NEWSLETTERS]
['2026-03-03', '2026-03-05']
>>> NEWSLETTERS[1].edition_on(dt.date(2026, 3, 4)), NEWSLETTERS[1].edition_on(dt.date(2026, 3, 5))
('2026-02', '2026-03')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MAILCHIMP_SERVER = "us19"  # the demo account's data centre (the API key ends in -us19)


@dataclass(frozen=True)
class Newsletter:
    """One monthly newsletter: its audience and how it is tagged and received.

    Rates are of delivered e-mails, as the send finally reports them (about 30 days after)."""

    campaign_prefix: str  # Mailchimp campaign IDs: <prefix><YYYYMM>
    list_id: str
    list_name: str
    language: str  # the audience's language (nl / fr)
    title: str  # the campaign's internal title, "{month}" = YYYY-MM
    utm_source: str  # GA4 session source
    utm_campaign: str  # "{month}" = YYYY-MM
    weekday: int  # the send day: the first such weekday of the month (0 = Monday)
    send_hour: int  # local time
    audience: float  # subscribers sent to
    hard_bounce: float
    soft_bounce: float
    open_rate: float  # unique opens / delivered, machine opens included
    machine_share: float  # share of unique opens by Apple Mail Privacy Protection
    click_rate: float  # unique clicks / delivered
    unsubscribe_rate: float
    abuse_rate: float

    def send_day(self, year: int, month: int) -> dt.date:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(self.weekday - first.weekday()) % 7)

    def last_send_on(self, day: dt.date) -> dt.date:
        """The send whose edition is read on ``day`` (this month's once sent, else last
        month's)."""
        send = self.send_day(day.year, day.month)
        if day < send:
            prev = day.replace(day=1) - dt.timedelta(days=1)
            send = self.send_day(prev.year, prev.month)
        return send

    def edition_on(self, day: dt.date) -> str:
        return f"{self.last_send_on(day):%Y-%m}"

    def campaign_id(self, send: dt.date) -> str:
        return f"{self.campaign_prefix}{send:%Y%m}"


NEWSLETTERS: tuple[Newsletter, ...] = (
    Newsletter("a1b2c3", "5e1d7a9c0b", "Zonnig Huis – nieuwsbrief", "nl",
               "Nieuwsbrief {month}", "nieuwsbrief", "nieuwsbrief-{month}", 1, 8,
               58_000, 0.003, 0.009, 0.43, 0.58, 0.031, 0.0019, 0.0001),
    Newsletter("f4e5d6", "8c3b2a1f6e", "Zonnig Huis – lettre d'information", "fr",
               "Lettre d'information {month}", "lettre", "lettre-{month}", 3, 10,
               21_000, 0.004, 0.011, 0.39, 0.55, 0.026, 0.0024, 0.0001),
)
FR_NEWSLETTER = NEWSLETTERS[1]
SESSIONS_PER_CLICK = 1.3  # GA4 sessions per unique click (repeat clicks, returns by the link)
READ_DECAY = 0.55  # each day after the send brings this share of the day before's sessions
FR_BASELINE_SESSIONS = 6.0  # a day's sessions from older editions (archive, forwards)
