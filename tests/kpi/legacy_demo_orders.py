"""The demo orders as drawn before the nightly run became incremental (one random stream over the
whole history, so every end date draws its own demo): kept only to rebuild the datasets of the
nights the CLV regression tests pin (tests/kpi/clv_demo.py). The product's demo orders are
:mod:`pipelines.sources.orders.demo` (each day drawn from its own seed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.sources.demo.simulate import Truth, simulate
from pipelines.sources.demo.world import (
    CHANNELS,
    CONVERSION_ACTIONS,
    CURRENCY_CODE,
    KEY_EVENTS,
    TIME_ZONE,
    Channel,
    by_id,
)
from pipelines.sources.orders.demo import (
    _HOURS,
    LEAD_CLOSE_RATE,
    LEAD_DELAY_DAYS,
    NEW_CUSTOMER_SHARE,
    PROCESSES,
    REPEAT_CHANNELS,
    SEGMENTS,
)
from pipelines.sources.orders.schema import conform_orders

# The demo's GA4 channels before Meta had campaigns of its own: its traffic was three channels.
LEGACY_CHANNELS = (*CHANNELS,
                   Channel("facebook", "paid_social", "meta-prospecting-nl", 120, 0.45, 0.002,
                           0.002, 0.003),
                   Channel("facebook", "paid_social", "meta-prospecting-fr", 80, 0.44, 0.002,
                           0.002, 0.003),
                   Channel("instagram", "paid_social", "meta-retargeting-webshop", 40, 0.52,
                           0.001, 0.010, 0.001, 95, "webshop"))
_SALT = 0x0D0E5  # orders draw from their own stream of the seed, apart from the simulation's
_WEEK_S = 7 * 86_400


@dataclass(frozen=True, eq=False)
class _Acquisitions:
    """New customers: day index, source index (campaigns, then CHANNELS) and segment."""

    day: np.ndarray
    lead_day: np.ndarray  # the day the customer was won (the lead's day for installations)
    source: np.ndarray
    segment: np.ndarray  # index into SEGMENTS


def _acquisitions(truth: Truth, rng: np.random.Generator) -> _Acquisitions:
    """Draw new customers from the simulated purchases and leads of every campaign and channel."""
    kinds = np.array([a.kind for a in CONVERSION_ACTIONS])
    paid = truth.to_campaigns(truth.conversions)  # (D, C, A)
    n_camp = len(truth.campaigns)
    channel_events = truth.ga4_events[:, n_camp:n_camp + len(LEGACY_CHANNELS)]  # (D, N, E)
    purchases = np.concatenate([paid[:, :, kinds == "purchase"].sum(axis=2),
                                channel_events[:, :, KEY_EVENTS.index("purchase")]], axis=1)
    leads = np.concatenate([paid[:, :, kinds == "lead"].sum(axis=2),
                            channel_events[:, :, KEY_EVENTS.index("generate_lead")]], axis=1)
    won_shop = rng.binomial(purchases, NEW_CUSTOMER_SHARE)
    won_lead = rng.binomial(leads, LEAD_CLOSE_RATE)
    n_days, n_sources = purchases.shape
    cells = np.arange(purchases.size)  # day * n_sources + source
    shop_cell, lead_cell = np.repeat(cells, won_shop.ravel()), np.repeat(cells, won_lead.ravel())
    fixed, shape, scale = LEAD_DELAY_DAYS
    delay = fixed + np.floor(rng.gamma(shape, scale, lead_cell.size)).astype(np.int64)
    order_day = lead_cell // n_sources + delay
    seen = order_day < n_days  # a lead that closes after ``end`` has no order yet
    cell = np.concatenate([shop_cell, lead_cell[seen]])
    return _Acquisitions(
        day=np.concatenate([shop_cell // n_sources, order_day[seen]]),
        lead_day=cell // n_sources, source=cell % n_sources,
        segment=np.repeat([0, 1], [shop_cell.size, int(seen.sum())]),
    )


def _local_midnights_utc(start: dt.date, n_days: int) -> np.ndarray:
    """Seconds since the epoch (UTC) of each day's local midnight."""
    days = pd.date_range(start, periods=n_days, freq="D").tz_localize(TIME_ZONE)
    return days.tz_convert("UTC").as_unit("s").asi8


def _repeat_times(lam: np.ndarray, drop: np.ndarray, horizon: np.ndarray,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """BG/NBD repeat purchases seen before ``horizon`` (weeks after the first order): customer
    indices and times. Exponential gaps at rate ``lam``; dropout with ``drop`` after each."""
    who, when = [], []
    t = np.zeros(lam.size)
    idx = np.arange(lam.size)
    while idx.size:
        t[idx] += rng.exponential(1.0 / lam[idx])
        idx = idx[t[idx] < horizon[idx]]
        who.append(idx)
        when.append(t[idx].copy())
        idx = idx[rng.random(idx.size) >= drop[idx]]
    return np.concatenate(who), np.concatenate(when)


def _draw(start: dt.date, end: dt.date, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(customers, orders): the per-customer truth and every order seen up to ``end``."""
    if end < start:
        raise ValueError(f"demo_orders: end ({end}) is before start ({start})")
    truth = simulate(start, end, seed, channels=LEGACY_CHANNELS)
    rng = np.random.default_rng((seed, _SALT))
    acq = _acquisitions(truth, rng)
    n, n_days = acq.day.size, len(truth.days)
    midnight = _local_midnights_utc(start, n_days + 1)
    segment = np.array(SEGMENTS)[acq.segment]
    params = {k: np.array([getattr(PROCESSES[s], k) for s in SEGMENTS])[acq.segment]
              for k in ("r", "alpha", "a", "b", "p", "q", "v")}
    lam = rng.gamma(params["r"], 1.0 / params["alpha"])  # per week
    drop = rng.beta(params["a"], params["b"])
    nu = rng.gamma(params["q"], 1.0 / params["v"])
    hours = np.empty(n, np.int64)
    for k, s in enumerate(SEGMENTS):
        mine = acq.segment == k
        hours[mine] = rng.choice(24, size=int(mine.sum()), p=_HOURS[s] / _HOURS[s].sum())
    first_s = midnight[acq.day] + hours * 3600 + rng.integers(0, 3600, n)
    order = np.argsort(first_s, kind="stable")  # customer numbers follow first purchases
    acq = _Acquisitions(acq.day[order], acq.lead_day[order], acq.source[order],
                        acq.segment[order])
    segment, lam, drop, nu, first_s = (x[order] for x in (segment, lam, drop, nu, first_s))
    params = {k: v[order] for k, v in params.items()}
    horizon = (midnight[n_days] - first_s) / _WEEK_S
    who, weeks = _repeat_times(lam, drop, horizon, rng)
    keys = np.array([f"c_{i:06d}" for i in range(1, n + 1)], dtype=object)
    # Orders: first ones, then repeats.
    cust = np.concatenate([np.arange(n), who])
    at_s = np.concatenate([first_s, first_s[who] + np.round(weeks * _WEEK_S).astype(np.int64)])
    revenue = np.round(rng.gamma(params["p"][cust], 1.0 / nu[cust]), 2)
    utm = _utm(truth, acq, who, at_s[n:], midnight, rng)
    customers = pd.DataFrame({
        "customer_key": keys, "segment": segment,
        "first_order_at": pd.to_datetime(first_s, unit="s", utc=True),
        "purchase_rate": lam, "dropout_probability": drop, "spend_rate": nu,
        "won_on": pd.Series(truth.days[acq.lead_day]).dt.date,
        **{f"acquired_{k}": v[:n] for k, v in utm.items()},
    })
    orders = pd.DataFrame({
        "customer_key": keys[cust],
        "ordered_at": pd.to_datetime(at_s, unit="s", utc=True),
        "revenue": revenue, "currency": CURRENCY_CODE, **utm,
    })
    orders = orders.sort_values("ordered_at", kind="stable").reset_index(drop=True)
    orders["order_id"] = [f"ZH-{i:07d}" for i in range(1, len(orders) + 1)]
    orders["order_date"] = orders["ordered_at"].dt.tz_convert(TIME_ZONE).dt.date
    return customers, conform_orders(orders)


def _utm(truth: Truth, acq: _Acquisitions, who: np.ndarray, repeat_s: np.ndarray,
         midnight: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """source / medium / campaign / campaign_id of first orders then repeat orders."""
    campaigns, n_camp = truth.campaigns, len(truth.campaigns)
    rows: list[tuple[str, str, str | None, str | None]] = []
    for source, day in zip(acq.source.tolist(), acq.lead_day.tolist(), strict=True):
        if source < n_camp:
            c = campaigns[source]
            rows.append(("google", "cpc", c.name_on(day), c.id))
        else:
            ch = LEGACY_CHANNELS[source - n_camp]
            name = ch.campaign.replace("{month}", truth.newsletter[day])
            rows.append((ch.source, ch.medium, name, None))
    shares = np.array([ch[-1] for ch in REPEAT_CHANNELS])
    pick = rng.choice(len(REPEAT_CHANNELS), size=who.size, p=shares / shares.sum())
    day = np.minimum(np.searchsorted(midnight, repeat_s, side="right") - 1, len(truth.days) - 1)
    for k, d in zip(pick.tolist(), day.tolist(), strict=True):
        source, medium, name, campaign_id = REPEAT_CHANNELS[k][:4]
        if campaign_id is not None:
            name = by_id(campaign_id).name_on(d)
        elif name is not None:
            name = name.replace("{month}", truth.newsletter[d])
        rows.append((source, medium, name, campaign_id))
    columns = list(zip(*rows, strict=True)) if rows else [(), (), (), ()]
    return {name: np.array(values, dtype=object)
            for name, values in zip(("source", "medium", "campaign", "campaign_id"), columns,
                                    strict=True)}


def demo_orders(start: dt.date, end: dt.date, seed: int = 7) -> pd.DataFrame:
    """Every legacy demo order from ``start`` to ``end`` (Brussels dates)."""
    return _draw(start, end, seed)[1]
