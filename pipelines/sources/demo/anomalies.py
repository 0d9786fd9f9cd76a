"""Planted anomalies for the alert detector: a broken tag, a spend spike, a campaign paused.

Behind the demo setting ``anomalies`` (off by default, on in the example config). Dates count
back from an ``anchor`` (the demo's end unless given), so any end date carries the same story:

* a broken conversion tag: one campaign's conversions (Ads and GA4 key events) are 0 on the
  three days ``anchor - 6 .. anchor - 4`` while its clicks and sessions stay normal;
* a spend spike: one campaign spends three times its simulated cost on ``anchor - 13`` (clicks
  and sessions double: a bid or budget typed with an extra zero);
* a campaign paused by mistake: one campaign has no traffic at all from ``anchor - 20`` on.

Which campaigns is drawn from the demo's own stream 6 (``(seed, 6)``), among steady search and
shopping campaigns that carry no other planted truth; the other draws do not move, and every day
outside a plant keeps its simulated values.

>>> [p.kind for p in plants(dt.date(2026, 3, 31), 7)]
['broken_tag', 'spend_spike', 'stopped_spending']
>>> plants(dt.date(2026, 3, 31), 7)[0].first
datetime.date(2026, 3, 25)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np

from pipelines.sources.demo.simulate import Truth

STREAM_NO = 6  # the demo's rng stream for the plants (Meta 3, CRM 4, email 5)
# Steady campaigns with volume and no other planted truth (budget-limited, renamed, late launch,
# Performance Max, the inefficient display campaign keep theirs).
BROKEN_TAG_CANDIDATES = ("2087345003", "2087345004", "2087345008")
OTHER_CANDIDATES = ("2087345001", "2087345002", "2087345003", "2087345004", "2087345008",
                    "2087345014")
SPIKE_FACTOR, SPIKE_CLICKS = 3.0, 2.0


@dataclass(frozen=True)
class Plant:
    """One planted anomaly: its kind, the Google Ads campaign ID, the first and last day."""

    kind: str  # broken_tag | spend_spike | stopped_spending
    campaign_id: str
    first: dt.date
    last: dt.date | None  # None: lasts to the end of the history


def plants(anchor: dt.date, seed: int) -> tuple[Plant, ...]:
    """The three plants of a demo ending on ``anchor`` with ``seed`` (stream 6)."""
    rng = np.random.default_rng((seed, STREAM_NO))
    broken = str(rng.choice(BROKEN_TAG_CANDIDATES))
    rest = [c for c in OTHER_CANDIDATES if c != broken]
    spike, paused = (str(c) for c in rng.choice(rest, size=2, replace=False))
    day = dt.timedelta(days=1)
    return (Plant("broken_tag", broken, anchor - 6 * day, anchor - 4 * day),
            Plant("spend_spike", spike, anchor - 13 * day, anchor - 13 * day),
            Plant("stopped_spending", paused, anchor - 20 * day, None))


def plant(truth: Truth, anchor: dt.date) -> Truth:
    """``truth`` with the plants of ``anchor`` applied to the days it covers (a new Truth)."""
    days = truth.days.astype(object)
    ids = [c.id for c in truth.campaigns]
    cost, clicks, impr = truth.cost_micros.copy(), truth.clicks.copy(), truth.impressions.copy()
    conv = truth.conversions.copy()
    sessions, engaged = truth.ga4_sessions.copy(), truth.ga4_engaged.copy()
    events, value = truth.ga4_events.copy(), truth.ga4_value_cents.copy()
    for p in plants(anchor, truth.seed):
        if p.campaign_id not in ids:
            continue
        c = ids.index(p.campaign_id)
        units = truth.unit_campaign == c
        rows = np.array([p.first <= d and (p.last is None or d <= p.last) for d in days],
                        dtype=bool)
        if not rows.any():
            continue
        r = np.flatnonzero(rows)[:, None]
        u = np.flatnonzero(units)[None, :]
        if p.kind == "broken_tag":
            conv[r, u] = 0
            events[rows, c] = 0
            value[rows, c] = 0
        elif p.kind == "spend_spike":
            cost[r, u] = np.round(cost[r, u] * SPIKE_FACTOR / 10_000).astype(np.int64) * 10_000
            clicks[r, u] = np.round(clicks[r, u] * SPIKE_CLICKS).astype(np.int64)
            impr[r, u] = np.round(impr[r, u] * SPIKE_CLICKS).astype(np.int64)
            sessions[rows, c] = np.round(sessions[rows, c] * SPIKE_CLICKS).astype(np.int64)
            engaged[rows, c] = np.round(engaged[rows, c] * SPIKE_CLICKS).astype(np.int64)
        else:
            cost[r, u] = clicks[r, u] = impr[r, u] = 0
            conv[r, u] = 0
            sessions[rows, c] = engaged[rows, c] = 0
            events[rows, c] = 0
            value[rows, c] = 0
    return dataclasses.replace(
        truth, cost_micros=cost, clicks=clicks, impressions=impr, conversions=conv,
        ga4_sessions=sessions, ga4_engaged=engaged, ga4_events=events, ga4_value_cents=value)
