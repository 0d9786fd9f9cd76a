"""What the demo's nightly pulls would have seen on every past night, generated directly.

A demo backfill is one pull seen on the morning after its end; a real account would have been
pulled every night and re-read each restatement window. The demo's conversion lag is simulated
(:func:`..source.observe_conversions`: a day's conversions split over lags 0..30 by a seeded
multinomial, lag L seen from age L + 1 on) and GA4's processing is a fixed share by age, so the
value every night saw follows from the truth alone; these functions return it as revision rows
(key, date, measure, value, seen_on): one row per change, as :mod:`pipelines.warehouse.revisions`
stores them.

>>> from pipelines.sources.demo.source import DemoSettings, DemoSource
>>> src = DemoSource(DemoSettings(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
>>> from pipelines.sources.demo.source import LAG_PROBS
>>> rows = ads_action_history(src.truth, LAG_PROBS)
>>> bool((rows["seen_on"] > rows["date"]).all()), int(rows["age"].max()) <= 31
(True, True)
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pipelines.sources.demo.simulate import Truth
from pipelines.sources.demo.world import CONVERSION_ACTIONS, KEY_EVENTS


def _lag_parts(truth: Truth, i: int, probs: np.ndarray) -> np.ndarray:
    """Day ``i``'s conversions split by lag, (U, A, lags): the same draw the source uses."""
    ordinal = truth.start.toordinal() + i
    rng = np.random.default_rng((truth.seed, ordinal, 1))
    return rng.multinomial(truth.conversions[i], probs)


def ads_action_history(truth: Truth, lag_probs: np.ndarray) -> pd.DataFrame:
    """Every change of conversions and conversion value per (day, ad group, action), with the
    night it was first seen (age = lag + 1) and the age; ``lag_probs`` = P(lag = 0, 1, ...).

    Rows come day by day: the day's conversions rows, then its purchase value rows. Only the
    seeded draws loop over days; the keys, values and dates are built once, as whole arrays.
    """
    camp_ids = np.array([c.id for c in truth.campaigns], dtype=object)[truth.unit_campaign]
    group_ids = np.array([g.id if g else "" for g in truth.unit_ad_group], dtype=object)
    action_ids = np.array([a.id for a in CONVERSION_ACTIONS], dtype=object)
    keys = (camp_ids[:, None] + "|" + group_ids[:, None] + "|" + action_ids[None, :]).ravel()
    n_actions = len(action_ids)
    purchase = [a.kind == "purchase" for a in CONVERSION_ACTIONS].index(True)
    days, cells, lags, counts, is_value = [], [], [], [], []
    for i in np.flatnonzero(truth.conversions.reshape(len(truth.days), -1).any(axis=1)):
        parts = _lag_parts(truth, int(i), lag_probs)
        u, a, lag = np.nonzero(parts)
        count = parts.cumsum(axis=-1)[u, a, lag]
        buy = a == purchase
        cell = u * n_actions + a
        days.append(np.full(len(u) + int(buy.sum()), i))
        cells += [cell, cell[buy]]
        lags += [lag, lag[buy]]
        counts += [count, count[buy]]
        is_value += [np.zeros(len(u), dtype=bool), np.ones(int(buy.sum()), dtype=bool)]
    if not days:
        return _dated([])
    day, cell, lag = np.concatenate(days), np.concatenate(cells), np.concatenate(lags)
    count, value_row = np.concatenate(counts).astype(float), np.concatenate(is_value)
    value = count * truth.aov_cents[day, cell // n_actions] / 100
    rows = pd.DataFrame({"key": keys[cell],
                         "measure": np.where(value_row, "conversions_value", "conversions")
                         .astype(object),
                         "value": np.where(value_row, value, count), "age": lag + 1,
                         "date": truth.days[day]})
    return _dated([rows])


def _ga4_keys(truth: Truth, names: np.ndarray) -> np.ndarray:
    """(D, C + N) key strings source|medium|campaign id|campaign name."""
    prefix = np.array(["|".join(d) + "|" for d in truth.ga4_dims()], dtype=object)
    return prefix[None, :] + names


def _changes(values: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
    """(ages, ...) -> where a cell has a row at that age and its value differs from the age
    before (every night's value is kept only when it changed). A cell has a row where its value
    is not 0, or where ``present`` says so; presence only grows with age (shares grow)."""
    present = values != 0 if present is None else present
    before = np.zeros_like(present[:1])
    earlier_same = np.concatenate([before, present[:-1] & (values[1:] == values[:-1])])
    return present & ~earlier_same


def ga4_history(truth: Truth, names: np.ndarray, stream: str,
                shares: dict[int, float]) -> pd.DataFrame:
    """GA4's first nights of every day: sessions or key events at ``shares`` (age -> share of
    the final figure processed; the last is 1), one row per change, ordered by key, date,
    measure and age. Built on the (age, day, entity[, event]) grids, keys ranked once."""
    codes, uniques = pd.factorize(_ga4_keys(truth, names).ravel())
    n_ent = names.shape[1]
    ages = np.array(list(shares), dtype=np.int64)
    share = np.array(list(shares.values()))
    parts = []  # (age index, day, key index, key rank, measure, value) per kept row
    if stream == "ga4_sessions_daily":
        key_strings = np.asarray(uniques, dtype=object)
        measures = {"engaged_sessions": truth.ga4_engaged, "sessions": truth.ga4_sessions}
        for m, final in enumerate(measures.values()):
            values = np.floor(final[None] * share[:, None, None])
            a, d, e = np.nonzero(_changes(values))
            key = codes[d * n_ent + e]
            parts.append((a, d, key, m, values[a, d, e]))
        measure_names = list(measures)
    else:
        purchase = KEY_EVENTS.index("purchase")
        key_strings = (np.asarray(uniques, dtype=object)[:, None] + "|"
                       + np.array(KEY_EVENTS, dtype=object)[None, :]).ravel()
        n_events = len(KEY_EVENTS)
        events = np.floor(truth.ga4_events[None] * share[:, None, None, None])
        final = truth.ga4_events[:, :, purchase]
        done = np.divide(events[..., purchase], final, out=np.zeros(events.shape[:3]),
                         where=final > 0)
        value = np.round(truth.ga4_value_cents * done) / 100
        a, d, e = np.nonzero(_changes(value, events[..., purchase] != 0))
        parts.append((a, d, codes[d * n_ent + e] * n_events + purchase, 0, value[a, d, e]))
        a, d, e, k = np.nonzero(_changes(events))
        parts.append((a, d, codes[d * n_ent + e] * n_events + k, 1, events[a, d, e, k]))
        measure_names = ["event_value", "key_events"]
    rank = np.empty(len(key_strings), dtype=np.int64)
    rank[np.argsort(key_strings, kind="stable")] = np.arange(len(key_strings))
    a, d, key, value = (np.concatenate([p[i] for p in parts]) for i in (0, 1, 2, 4))
    measure = np.concatenate([np.full(len(p[0]), p[3]) for p in parts])
    order = np.lexsort((a, measure, d, rank[key]))
    a, d, key, measure, value = a[order], d[order], key[order], measure[order], value[order]
    rows = pd.DataFrame({"key": key_strings[key],
                         "measure": np.array(measure_names, dtype=object)[measure],
                         "value": value.astype(float), "age": ages[a], "date": truth.days[d]})
    return _dated([rows])


def _dated(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenated rows with ``date`` as dates and ``seen_on`` = date + age."""
    if not frames:
        return pd.DataFrame({c: [] for c in ("key", "date", "measure", "value", "seen_on",
                                             "age")})
    rows = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    dates = rows["date"].to_numpy(dtype="datetime64[D]")
    rows["seen_on"] = (dates + rows["age"].to_numpy().astype("timedelta64[D]")).astype(object)
    rows["date"] = dates.astype(object)
    return rows


def within(rows: pd.DataFrame, first: dt.date, last: dt.date, night: dt.date) -> pd.DataFrame:
    """The rows for days ``first``..``last`` seen before ``night``."""
    keep = (rows["date"] >= first) & (rows["date"] <= last) & (rows["seen_on"] < night)
    return rows.loc[keep, ["key", "date", "measure", "value", "seen_on"]].reset_index(drop=True)
