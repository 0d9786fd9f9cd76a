"""The demo's newsletter sends and the French newsletter's GA4 traffic.

Randomness has its own stream number (5), like Meta's (3): a send's final figures come from the
generator ``(seed, send date ordinal, 5, 1 + newsletter index)``, a day's French GA4 traffic
from ``(seed, date ordinal, 5)``. So nothing else the demo draws moves, a send does not depend on
the history's end, and any range of days equals the same days of a longer history.

A send's report grows after it goes out (late data, as Mailchimp's does): machine opens (Apple
Mail Privacy Protection fetches on delivery) within hours, people's opens, clicks and
unsubscribes over days (half in 10 hours, 99 % in 3 days); bounces and sends at once.

>>> import datetime as dt
>>> sends = observed_sends(dt.date(2026, 3, 1), dt.date(2026, 3, 31), seed=7,
...                        as_of=dt.datetime(2026, 4, 1, 4, tzinfo=dt.UTC))
>>> sends["campaign_id"].tolist()
['a1b2c3202603', 'f4e5d6202603']
>>> bool((sends["unique_clicks"] <= sends["unique_opens_excl_machine"]).all())
True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from pipelines.sources.demo.calendar import calendar_factors
from pipelines.sources.demo.email_world import (
    FR_BASELINE_SESSIONS,
    FR_NEWSLETTER,
    NEWSLETTERS,
    READ_DECAY,
    SESSIONS_PER_CLICK,
    Newsletter,
)
from pipelines.sources.demo.world import KEY_EVENTS, TIME_ZONE

STREAM_NO = 5
FR_ENGAGEMENT = 0.70
FR_RATES = (0.003, 0.012, 0.0)  # generate_lead, purchase, sign_up per session
FR_AOV = 85.0
PEOPLE_HALF_LIFE_H = 10.0  # people's opens, clicks, unsubscribes
MACHINE_HALF_LIFE_H = 2.0  # Apple's proxy fetches on delivery


@dataclass(frozen=True)
class Send:
    """One send's final figures."""

    newsletter: Newsletter
    day: dt.date  # local send date
    send_time: dt.datetime  # UTC
    emails_sent: int
    hard_bounces: int
    soft_bounces: int
    machine_opens: int  # unique opens by the privacy proxy only
    people_opens: int  # unique opens excluding machine opens
    unique_clicks: int
    unsubscribes: int
    abuse_reports: int

    @property
    def campaign_id(self) -> str:
        return self.newsletter.campaign_id(self.day)

    @property
    def deliveries(self) -> int:
        return self.emails_sent - self.hard_bounces - self.soft_bounces


def season(day: dt.date) -> float:
    """Readers' interest in an edition: the webshop's mean calendar factor over the four weeks
    it is read (December's gift ideas draw more clicks), as the Dutch newsletter's GA4 traffic
    follows it.

    >>> season(dt.date(2026, 12, 1)) > 1.1 > season(dt.date(2026, 3, 3))
    True
    """
    days = np.arange(np.datetime64(day), np.datetime64(day) + 28)
    return float(calendar_factors(days)["webshop"].mean())


def _lognormal(rng: np.random.Generator, sigma: float) -> float:
    return float(np.exp(sigma * rng.standard_normal() - sigma**2 / 2))


def send_figures(newsletter: Newsletter, day: dt.date, seed: int = 7,
                 traffic_scale: float = 1.0) -> Send:
    """The final figures of ``newsletter``'s send on ``day`` (a function of both alone)."""
    n = NEWSLETTERS.index(newsletter)
    rng = np.random.default_rng((seed, day.toordinal(), STREAM_NO, 1 + n))
    sent = max(round(newsletter.audience * traffic_scale * _lognormal(rng, 0.02)), 1)
    hard = int(rng.binomial(sent, newsletter.hard_bounce))
    soft = int(rng.binomial(sent - hard, newsletter.soft_bounce))
    delivered = sent - hard - soft
    opens = int(rng.binomial(delivered, min(newsletter.open_rate * _lognormal(rng, 0.05), 1)))
    machine = int(rng.binomial(opens, newsletter.machine_share))
    people = opens - machine
    per_person = newsletter.click_rate / (newsletter.open_rate * (1 - newsletter.machine_share))
    clicks = int(rng.binomial(people, min(per_person * season(day) * _lognormal(rng, 0.08),
                                          1.0)))
    unsubscribes = int(rng.binomial(delivered, newsletter.unsubscribe_rate))
    abuse = int(rng.binomial(delivered, newsletter.abuse_rate))
    local = dt.datetime.combine(day, dt.time(newsletter.send_hour), tzinfo=ZoneInfo(TIME_ZONE))
    return Send(newsletter, day, local.astimezone(dt.UTC), sent, hard, soft, machine, people,
                clicks, unsubscribes, abuse)


def sends_between(start: dt.date, end: dt.date, seed: int = 7,
                  traffic_scale: float = 1.0) -> list[Send]:
    """Every send dated in [start, end], by date then newsletter."""
    out, month = [], start.replace(day=1)
    while month <= end:
        for newsletter in NEWSLETTERS:
            day = newsletter.send_day(month.year, month.month)
            if start <= day <= end:
                out.append(send_figures(newsletter, day, seed, traffic_scale))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return sorted(out, key=lambda s: (s.day, NEWSLETTERS.index(s.newsletter)))


def _seen(count: int, hours: float, half_life: float) -> int:
    """How much of ``count`` the report shows ``hours`` after the send."""
    return int(np.floor(count * (1 - 0.5 ** (max(hours, 0.0) / half_life)))) if hours > 0 else 0


def observed_sends(start: dt.date, end: dt.date, seed: int = 7, traffic_scale: float = 1.0,
                   as_of: dt.datetime | None = None) -> pd.DataFrame:
    """The ``email_campaigns`` rows of the sends dated in [start, end] that went out before
    ``as_of``, as their reports read at ``as_of`` (default: final)."""
    rows = []
    for s in sends_between(start, end, seed, traffic_scale):
        hours = 1e6 if as_of is None else (as_of - s.send_time).total_seconds() / 3600
        if hours <= 0:
            continue
        people = _seen(s.people_opens, hours, PEOPLE_HALF_LIFE_H)
        nl = s.newsletter
        rows.append({
            "campaign_id": s.campaign_id, "send_time": pd.Timestamp(s.send_time),
            "send_date": s.day, "time_zone": TIME_ZONE, "list_id": nl.list_id,
            "list_name": nl.list_name, "language": nl.language,
            "title": nl.title.format(month=f"{s.day:%Y-%m}"), "emails_sent": s.emails_sent,
            "hard_bounces": s.hard_bounces, "soft_bounces": s.soft_bounces,
            "deliveries": s.deliveries,
            "unique_opens": people + _seen(s.machine_opens, hours, MACHINE_HALF_LIFE_H),
            "unique_opens_excl_machine": people,
            "unique_clicks": min(_seen(s.unique_clicks, hours, PEOPLE_HALF_LIFE_H), people),
            "unsubscribes": _seen(s.unsubscribes, hours, PEOPLE_HALF_LIFE_H),
            "abuse_reports": _seen(s.abuse_reports, hours, PEOPLE_HALF_LIFE_H),
            "utm_campaign": nl.utm_campaign.format(month=f"{s.day:%Y-%m}"),
        })
    columns = ["campaign_id", "send_time", "send_date", "time_zone", "list_id", "list_name",
               "language", "title", "emails_sent", "hard_bounces", "soft_bounces", "deliveries",
               "unique_opens", "unique_opens_excl_machine", "unique_clicks", "unsubscribes",
               "abuse_reports", "utm_campaign"]
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True, eq=False)
class EmailGa4:
    """The French newsletter's GA4 traffic per day (axis 0), one GA4 entity (axis 1)."""

    sessions: np.ndarray  # (D, 1)
    engaged: np.ndarray  # (D, 1)
    events: np.ndarray  # (D, 1, KEY_EVENTS)
    value_cents: np.ndarray  # (D, 1)
    editions: tuple[str, ...]  # (D,) the French edition (YYYY-MM) read that day


def simulate_email_ga4(days: np.ndarray, seed: int = 7, traffic_scale: float = 1.0) -> EmailGa4:
    """GA4 sessions of the French newsletter on ``days`` (datetime64[D]): each send's unique
    clicks times :data:`SESSIONS_PER_CLICK`, spread over the days after it (decaying by
    :data:`READ_DECAY`), plus a small baseline from older editions."""
    n = len(days)
    sessions = np.zeros((n, 1), dtype=np.int64)
    engaged = np.zeros_like(sessions)
    events = np.zeros((n, 1, len(KEY_EVENTS)), dtype=np.int64)
    value = np.zeros((n, 1), dtype=np.int64)
    editions, finals = [], {}
    for i, day in enumerate(days.astype(object)):
        send = FR_NEWSLETTER.last_send_on(day)
        if send not in finals:
            finals[send] = send_figures(FR_NEWSLETTER, send, seed, traffic_scale).unique_clicks
        k = (day - send).days
        lam = (finals[send] * SESSIONS_PER_CLICK * (1 - READ_DECAY) * READ_DECAY**k
               + FR_BASELINE_SESSIONS * traffic_scale)
        rng = np.random.default_rng((seed, day.toordinal(), STREAM_NO))
        sessions[i, 0] = rng.poisson(lam)
        engaged[i, 0] = rng.binomial(sessions[i, 0], FR_ENGAGEMENT)
        events[i, 0] = rng.binomial(sessions[i, 0], FR_RATES)
        aov = FR_AOV * 100 * float(np.exp(0.12 * rng.standard_normal() - 0.0072))
        value[i, 0] = round(events[i, 0, KEY_EVENTS.index("purchase")] * aov)
        editions.append(f"{send:%Y-%m}")
    return EmailGa4(sessions, engaged, events, value, tuple(editions))
