"""Demo orders for Zonnig Huis: customers won by the demo's campaigns and channels, who then buy
again by a known BG/NBD process and spend by a known Gamma-Gamma model, so CLV fits on the demo
can be checked against the truth.

Acquisition follows the demo simulation (:func:`pipelines.sources.demo.simulate.simulate`, same
``seed``): each day, ``NEW_CUSTOMER_SHARE`` of a campaign's webshop purchases (Google Ads
conversions) are first orders of new *webshop* customers, and ``LEAD_CLOSE_RATE`` of its leads
become *installation* customers (solar panels, heat pumps) whose first order follows the lead
after 3 days plus a Gamma(2, 10 days) delay. Non-paid channels (google / organic, (direct),
the newsletter, referrals) and Meta's campaigns do the same with their GA4 key events. A first
order carries its acquisition's UTM values (paid: ``google`` / ``cpc``, the campaign's name that
day and its id); repeat orders come through ``REPEAT_CHANNELS``.

Per customer (time in weeks from the first order): purchase rate lambda ~ Gamma(shape r, rate
alpha); after each repeat order the customer drops out with probability p ~ Beta(a, b); each
order's value (the first included) ~ Gamma(shape p, rate nu) with nu ~ Gamma(shape q, rate v),
so the mean order value is p v / (q - 1). Orders after ``end`` are not seen. Customer keys are
``c_000001`` in order of first purchase, order ids ``ZH-0000001`` in order of time: there is no
personal data at all.

Each day's customers, and their whole lifetimes (repeat orders for ``LIFETIME_WEEKS`` after the
first), are drawn from one generator per (seed, day), like the simulation's: a day's orders do
not depend on the end, so a nightly run can write only the days it re-pulls
(``demo_orders(..., since=...)``) and get the very rows a full write would.

>>> import datetime as dt
>>> from pipelines.sources.orders.schema import ORDER_COLUMN_NAMES
>>> orders = demo_orders(dt.date(2026, 1, 1), dt.date(2026, 1, 31), seed=7)
>>> orders.columns.tolist() == list(ORDER_COLUMN_NAMES)
True
>>> round(PROCESSES["webshop"].mean_order_value, 2)
96.43
>>> later = demo_orders(dt.date(2026, 1, 1), dt.date(2026, 2, 28), seed=7)
>>> orders.equals(later[later["order_date"] <= dt.date(2026, 1, 31)])
True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from pipelines.sources.demo.meta_world import MEDIUM, ga4_entities
from pipelines.sources.demo.simulate import Truth, simulate
from pipelines.sources.demo.world import (
    CHANNELS,
    CONVERSION_ACTIONS,
    CURRENCY_CODE,
    KEY_EVENTS,
    TIME_ZONE,
    by_id,
)
from pipelines.sources.orders.schema import conform_orders

Segment = Literal["webshop", "installation"]
SEGMENTS: tuple[Segment, ...] = ("webshop", "installation")


@dataclass(frozen=True)
class CustomerProcess:
    """BG/NBD repeat purchases (r, alpha per week; a, b) and Gamma-Gamma spend (p, q, v)."""

    r: float
    alpha: float
    a: float
    b: float
    p: float
    q: float
    v: float

    @property
    def mean_order_value(self) -> float:
        return self.p * self.v / (self.q - 1)


PROCESSES: dict[Segment, CustomerProcess] = {
    # Accessories, thermostats, charging cables: about 2.5 orders a year while active.
    "webshop": CustomerProcess(r=0.85, alpha=18.0, a=0.7, b=3.2, p=6.0, q=3.8, v=45.0),
    # Solar panels and heat pumps: an extension or second installation now and then.
    "installation": CustomerProcess(r=0.25, alpha=40.0, a=1.2, b=2.0, p=9.0, q=7.0, v=5500.0),
}
TRUE_R = {s: c.r for s, c in PROCESSES.items()}
TRUE_ALPHA = {s: c.alpha for s, c in PROCESSES.items()}
TRUE_A = {s: c.a for s, c in PROCESSES.items()}
TRUE_B = {s: c.b for s, c in PROCESSES.items()}
TRUE_P = {s: c.p for s, c in PROCESSES.items()}
TRUE_Q = {s: c.q for s, c in PROCESSES.items()}
TRUE_V = {s: c.v for s, c in PROCESSES.items()}

NEW_CUSTOMER_SHARE = 0.8  # of webshop purchases: first orders (the rest are repeat buyers')
LEAD_CLOSE_RATE = 0.3  # of leads: signed installations
LEAD_DELAY_DAYS = (3, 2.0, 10.0)  # fixed days + Gamma(shape, scale) days from lead to order
# (source, medium, campaign, campaign id) of repeat orders and their shares.
REPEAT_CHANNELS: tuple[tuple[str, str, str | None, str | None, float], ...] = (
    ("(direct)", "(none)", "(direct)", None, 0.40),
    ("google", "organic", "(organic)", None, 0.25),
    ("nieuwsbrief", "email", "nieuwsbrief-{month}", None, 0.20),
    ("google", "cpc", None, "2087345001", 0.10),  # Search – Merk – NL
    ("google", "cpc", None, "2087345002", 0.05),  # Search – Marque – FR
)
# Local hour of day of an order: webshop evenings, installations signed in office hours.
_HOURS: dict[Segment, np.ndarray] = {
    "webshop": np.array([1, .5, .3, .2, .2, .3, .8, 1.5, 2.5, 3.5, 4, 4.5, 5, 4.5, 4, 4, 4,
                         4.5, 5, 6, 6.5, 6, 4.5, 2.5]),
    "installation": np.array([0, 0, 0, 0, 0, 0, 0, .5, 3, 5, 6, 6, 4, 5, 6, 6, 5, 3, 1, .5,
                              .3, .2, 0, 0]),
}
_SALT = 0x0D0E5  # orders draw from their own streams of the seed, apart from the simulation's
_WEEK_S = 7 * 86_400
LIFETIME_WEEKS = 260  # repeat orders are drawn for five years after the first (histories
#                       longer than that see no older customer buy again)
_HOUR_CDF = np.stack([np.cumsum(_HOURS[s]) / _HOURS[s].sum() for s in SEGMENTS])
_PARAMS = {k: np.array([getattr(PROCESSES[s], k) for s in SEGMENTS])
           for k in ("r", "alpha", "a", "b", "p", "q", "v")}
_REPEAT_SHARES = np.array([ch[-1] for ch in REPEAT_CHANNELS]) / sum(
    ch[-1] for ch in REPEAT_CHANNELS)


@dataclass(frozen=True, eq=False)
class _Won:
    """Every customer won from ``start`` to ``end`` (in the order drawn: by the day won, then as
    drawn that day) and every order of their lifetimes, seen or not (the seen ones are those
    before the end's midnight)."""

    won_day: np.ndarray  # the day index the customer was won (the lead's day for installations)
    source: np.ndarray  # index into the campaigns, then CHANNELS, then Meta's GA4 entities
    segment: np.ndarray  # index into SEGMENTS
    lam: np.ndarray
    drop: np.ndarray
    nu: np.ndarray
    first_s: np.ndarray  # first order, seconds since the epoch (int64 max: after the end)
    order_customer: np.ndarray  # per order: the customer's index (first orders come first)
    order_s: np.ndarray  # per order: seconds since the epoch (int64 max when not seen)
    order_revenue: np.ndarray
    order_pick: np.ndarray  # per order: index into REPEAT_CHANNELS, -1 for first orders


def _local_midnights_utc(start: dt.date, n_days: int) -> np.ndarray:
    """Seconds since the epoch (UTC) of each day's local midnight."""
    days = pd.date_range(start, periods=n_days, freq="D").tz_localize(TIME_ZONE)
    return days.tz_convert("UTC").as_unit("s").asi8


def _day(rng: np.random.Generator, purchases: np.ndarray, leads: np.ndarray) -> tuple:
    """The draws of one day, from that day's generator alone: new webshop customers among its
    purchases, signed installations among its leads (first order after a delay); each one's
    lambda, p and nu, the first order's time of day, and the repeat orders (a geometric number
    before dropping out, capped far above what the lifetime can hold: Poisson mean + 6 sd +
    12, exceeded about once in 10^9 lifetimes) with their exponential gaps, values and
    channels. Only the draws: the arithmetic on them is done for all days at once in
    :func:`_win`."""
    won_shop = rng.binomial(purchases, NEW_CUSTOMER_SHARE)
    won_lead = rng.binomial(leads, LEAD_CLOSE_RATE)
    sources = np.arange(purchases.size)
    source = np.concatenate([np.repeat(sources, won_shop), np.repeat(sources, won_lead)])
    n_shop, n = int(won_shop.sum()), source.size
    segment = (np.arange(n) >= n_shop).astype(np.int64)
    _, shape, scale = LEAD_DELAY_DAYS
    delay = rng.gamma(shape, scale, n - n_shop)
    lam = rng.gamma(_PARAMS["r"][segment], 1.0 / _PARAMS["alpha"][segment])  # per week
    drop = rng.beta(_PARAMS["a"][segment], _PARAMS["b"][segment])
    nu = rng.gamma(_PARAMS["q"][segment], 1.0 / _PARAMS["v"][segment])
    clock = rng.random(n)  # the first order's hour
    second = rng.integers(0, 3600, n)
    u = 1.0 - rng.random(n)  # in (0, 1]
    mean = lam * LIFETIME_WEEKS
    cap = np.ceil(mean + 6 * np.sqrt(mean) + 12)
    repeats = np.floor(np.log(u) / np.log1p(-np.clip(drop, 1e-300, 1 - 1e-16))) + 1
    count = np.minimum(repeats, cap).astype(np.int64)
    total = int(count.sum())
    gaps = rng.standard_exponential(total)
    who = np.repeat(np.arange(n), count)
    revenue = rng.gamma(_PARAMS["p"][segment][np.concatenate([np.arange(n), who])],
                        1.0 / nu[np.concatenate([np.arange(n), who])])
    pick = rng.choice(len(REPEAT_CHANNELS), size=total, p=_REPEAT_SHARES)
    return source, segment, delay, lam, drop, nu, clock, second, count, gaps, revenue, pick


def _win(truth: Truth, seed: int) -> _Won:
    """Draw every day's customers (one generator per (seed, day)) and place them in time."""
    kinds = np.array([a.kind for a in CONVERSION_ACTIONS])
    paid = truth.to_campaigns(truth.conversions)  # (D, C, A)
    # CHANNELS and Meta's GA4 entities; the French newsletter's (drawn later) brings no orders
    channel_events = truth.ga4_events[:, len(truth.campaigns):-truth.n_email_entities]
    purchases = np.concatenate([paid[:, :, kinds == "purchase"].sum(axis=2),
                                channel_events[:, :, KEY_EVENTS.index("purchase")]], axis=1)
    leads = np.concatenate([paid[:, :, kinds == "lead"].sum(axis=2),
                            channel_events[:, :, KEY_EVENTS.index("generate_lead")]], axis=1)
    n_days = len(truth.days)
    first_ordinal = truth.start.toordinal()
    days = [_day(np.random.default_rng((seed, _SALT, first_ordinal + d)), purchases[d],
                 leads[d]) for d in range(n_days)]
    (source, segment, lead_delay, lam, drop, nu, clock, second, count, gaps, revenue,
     pick) = (np.concatenate(column) for column in zip(*days, strict=True))
    per_day = np.array([day[0].size for day in days])
    won_day = np.repeat(np.arange(n_days), per_day)
    n = won_day.size
    fixed = LEAD_DELAY_DAYS[0]
    delay = np.zeros(n, np.int64)
    delay[segment == 1] = fixed + np.floor(lead_delay).astype(np.int64)
    hour = (clock[:, None] > _HOUR_CDF[segment]).sum(axis=1)
    midnight = _local_midnights_utc(truth.start, n_days + 1)
    order_day = won_day + delay
    seen = order_day < n_days  # a lead that closes after the end has no order yet
    never = np.iinfo(np.int64).max
    first_s = np.where(seen, midnight[np.minimum(order_day, n_days)] + hour * 3600 + second,
                       never)
    # Repeats: each customer's gaps, cumulated and divided by its rate.
    who = np.repeat(np.arange(n), count)
    elapsed = np.cumsum(gaps)
    before = np.concatenate([[0.0], elapsed])[np.cumsum(count) - count]
    with np.errstate(over="ignore"):  # a rate near 0: no repeat inside the lifetime
        weeks = (elapsed - before[who]) / np.maximum(lam[who], 1e-300)
    inside = seen[who] & (weeks <= LIFETIME_WEEKS)
    repeat_s = np.full(who.size, never)
    repeat_s[inside] = first_s[who[inside]] + np.round(weeks[inside] * _WEEK_S).astype(np.int64)
    repeat_s[repeat_s >= midnight[n_days]] = never
    # Each day drew its first orders' values, then its repeats'.
    block = per_day + np.array([day[8].sum() for day in days], dtype=np.int64)
    value_day = np.repeat(np.arange(n_days), block)
    first_value = (np.arange(value_day.size) - (np.cumsum(block) - block)[value_day]
                   < per_day[value_day])
    return _Won(
        won_day=won_day, source=source, segment=segment, lam=lam, drop=drop, nu=nu,
        first_s=first_s, order_customer=np.concatenate([np.arange(n), who]),
        order_s=np.concatenate([first_s, repeat_s]),
        order_revenue=np.round(np.concatenate([revenue[first_value], revenue[~first_value]]),
                               2),
        order_pick=np.concatenate([np.full(n, -1), pick]),
    )


@dataclass(frozen=True, eq=False)
class _Seen:
    """The customers and orders seen by the end, numbered as the whole history numbers them."""

    customers: np.ndarray  # indices into _Won's customers, by first order (c_000001 first)
    orders: np.ndarray  # indices into _Won's orders, by time (ZH-0000001 first)
    number: np.ndarray  # per _Won customer: its number (1-based; 0 when not seen)
    order_day: np.ndarray  # per seen order (in ``orders`` order): its day index


def _number(won: _Won, midnight_end: int, midnight: np.ndarray) -> _Seen:
    """Customers by (first order, as drawn), orders by (time, customer number, as drawn): an
    order seen by the end keeps its number when the end moves on."""
    seen_c = np.flatnonzero(won.first_s < midnight_end)
    customers = seen_c[np.argsort(won.first_s[seen_c], kind="stable")]
    number = np.zeros(won.first_s.size, np.int64)
    number[customers] = np.arange(1, customers.size + 1)
    seen_o = np.flatnonzero(won.order_s < midnight_end)
    orders = seen_o[np.lexsort((seen_o, number[won.order_customer[seen_o]],
                                won.order_s[seen_o]))]
    order_day = np.searchsorted(midnight, won.order_s[orders], side="right") - 1
    return _Seen(customers, orders, number, order_day)


def _draw(start: dt.date, end: dt.date, seed: int) -> tuple[Truth, _Won, _Seen]:
    if end < start:
        raise ValueError(f"demo_orders: end ({end}) is before start ({start})")
    truth = simulate(start, end, seed)
    won = _win(truth, seed)
    midnight = _local_midnights_utc(start, len(truth.days) + 1)
    return truth, won, _number(won, int(midnight[-1]), midnight)


def _first_utm(truth: Truth, source: int, day: int) -> tuple[str, str, str, str | None]:
    campaigns = truth.campaigns
    if source < len(campaigns):
        c = campaigns[source]
        return ("google", "cpc", c.name_on(day), c.id)
    if source - len(campaigns) < len(CHANNELS):
        ch = CHANNELS[source - len(campaigns)]
        return (ch.source, ch.medium, ch.campaign.replace("{month}", truth.newsletter[day]),
                None)
    meta, publisher = ga4_entities()[source - len(campaigns) - len(CHANNELS)]
    return (publisher, MEDIUM, meta.name, meta.id)


def _repeat_utm(truth: Truth, pick: int, day: int) -> tuple[str, str, str | None, str | None]:
    source, medium, name, campaign_id = REPEAT_CHANNELS[pick][:4]
    if campaign_id is not None:
        name = by_id(campaign_id).name_on(day)
    elif name is not None:
        name = name.replace("{month}", truth.newsletter[day])
    return (source, medium, name, campaign_id)


def _utm(truth: Truth, won: _Won, orders: np.ndarray,
         days: np.ndarray) -> dict[str, np.ndarray]:
    """source / medium / campaign / campaign_id of these orders (first orders: the acquisition
    that won the customer, on the day won; repeats: their channel on the order's day)."""
    rows = []
    for order, day in zip(orders.tolist(), days.tolist(), strict=True):
        pick = int(won.order_pick[order])
        if pick < 0:
            customer = int(won.order_customer[order])
            rows.append(_first_utm(truth, int(won.source[customer]),
                                   int(won.won_day[customer])))
        else:
            rows.append(_repeat_utm(truth, pick, day))
    columns = list(zip(*rows, strict=True)) if rows else [(), (), (), ()]
    return {name: np.array(values, dtype=object)
            for name, values in zip(("source", "medium", "campaign", "campaign_id"), columns,
                                    strict=True)}


def demo_customers(start: dt.date, end: dt.date, seed: int = 7) -> pd.DataFrame:
    """The truth behind :func:`demo_orders`, one row per customer: ``segment``,
    ``first_order_at``, ``purchase_rate`` (lambda, per week), ``dropout_probability``,
    ``spend_rate`` (nu), ``won_on`` (the day of the purchase or lead that won the customer) and
    ``acquired_source`` / ``_medium`` / ``_campaign`` / ``_campaign_id`` (the first order's)."""
    truth, won, seen = _draw(start, end, seed)
    c = seen.customers
    acquired = [_first_utm(truth, int(won.source[i]), int(won.won_day[i])) for i in c.tolist()]
    columns = list(zip(*acquired, strict=True)) if acquired else [(), (), (), ()]
    return pd.DataFrame({
        "customer_key": [f"c_{i:06d}" for i in range(1, c.size + 1)],
        "segment": np.array(SEGMENTS)[won.segment[c]],
        "first_order_at": pd.to_datetime(won.first_s[c], unit="s", utc=True),
        "purchase_rate": won.lam[c], "dropout_probability": won.drop[c],
        "spend_rate": won.nu[c],
        "won_on": pd.Series(truth.days[won.won_day[c]]).dt.date,
        **{f"acquired_{k}": np.array(v, dtype=object)
           for k, v in zip(("source", "medium", "campaign", "campaign_id"), columns,
                           strict=True)},
    })


def demo_orders(start: dt.date, end: dt.date, seed: int = 7,
                since: dt.date | None = None) -> pd.DataFrame:
    """The demo orders from ``start`` to ``end`` (Brussels dates), in the orders schema; with
    ``since``, only those dated ``since`` or later, exactly as the whole history has them (same
    customer keys and order ids). A day's orders do not depend on ``end``: a later end adds
    orders after the earlier end's last day and changes none before. The customers of every
    day are still drawn (repeat orders come from customers won at any time; cheap, vectorised),
    but only the orders asked for are dated, named and tagged."""
    truth, won, seen = _draw(start, end, seed)
    first_day = 0 if since is None else max((since - start).days, 0)
    keep = seen.order_day >= first_day
    orders, days = seen.orders[keep], seen.order_day[keep]
    at_s = won.order_s[orders]
    customer = seen.number[won.order_customer[orders]]
    frame = pd.DataFrame({
        "customer_key": [f"c_{i:06d}" for i in customer.tolist()],
        "order_id": [f"ZH-{i:07d}" for i in (np.flatnonzero(keep) + 1).tolist()],
        "order_date": (np.datetime64(start) + days).astype(object) if days.size
        else np.array([], dtype=object),
        "ordered_at": pd.to_datetime(at_s, unit="s", utc=True),
        "revenue": won.order_revenue[orders], "currency": CURRENCY_CODE,
        **_utm(truth, won, orders, days),
    })
    return conform_orders(frame)
