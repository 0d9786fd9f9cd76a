"""The demo's Meta account as the Marketing API reports it on a given morning.

Meta keeps restating attributed conversions for about four weeks: a day's conversions (per ad
set, action type and attribution window) are split over report lags 0..27 by a seeded
multinomial, and lag L is seen from age L + 1 on, so counts only grow as the morning moves
later. Delivery (spend, impressions, clicks) is final the next morning.

Two shapes of the same numbers:
- :func:`adset_rows`: the ``meta_adset_daily`` rows our connector makes of them (leads =
  ``lead``, purchases = ``omni_purchase``, over 7-day click + 1-day view);
- :func:`action_cells`: per ad set, day, action type and window, the way the insights API
  lists ``actions`` / ``action_values`` (the fake Graph API serves these).

>>> import datetime as dt
>>> from pipelines.sources.demo.meta_simulate import simulate_meta
>>> m = simulate_meta(dt.date(2026, 3, 1), dt.date(2026, 3, 3), origin=dt.date(2026, 1, 1))
>>> seen = observe_meta(m, seed=7, as_of=dt.date(2026, 3, 4))
>>> bool((seen <= m.conversions).all()), bool((seen[0] >= 0).all())
(True, True)
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pipelines.sources.demo.meta_simulate import MetaTruth
from pipelines.sources.demo.meta_world import (
    COUNTED_WINDOWS,
    LEAD_PARTS,
    META_ACCOUNT_ID,
    META_CAMPAIGNS,
    PARTS,
    PURCHASE_PARTS,
    WINDOWS,
)

RESTATEMENT_DAYS = 28
LAG_NO = 4  # the third component of the lag draws' seed


def _lag_probabilities(same_day: float = 0.45, decay: float = 0.7) -> np.ndarray:
    """P(lag = 0..27): most conversions within the week, the rest restated over four."""
    tail = decay ** np.arange(RESTATEMENT_DAYS - 1)
    return np.concatenate([[same_day], (1 - same_day) * tail / tail.sum()])


META_LAG_PROBS = _lag_probabilities()


def _lag_parts(meta: MetaTruth, seed: int, i: int) -> np.ndarray:
    """Day ``i``'s final conversions split by report lag, (S, P, W, lags)."""
    ordinal = int(meta.days[i].astype(object).toordinal())
    rng = np.random.default_rng((seed, ordinal, LAG_NO))
    return rng.multinomial(meta.conversions[i], META_LAG_PROBS)


def observe_meta(meta: MetaTruth, seed: int, as_of: dt.date) -> np.ndarray:
    """Conversions per (day, ad set, part, window) as reported on the morning ``as_of``."""
    seen = meta.conversions.copy()
    for i, day in enumerate(meta.days.astype(object)):
        age = (as_of - day).days
        if age < RESTATEMENT_DAYS:
            seen[i] = _lag_parts(meta, seed, i)[..., : max(age, 0)].sum(axis=-1)
    return seen


def _ids(meta: MetaTruth) -> dict[str, np.ndarray]:
    camp = [META_CAMPAIGNS[c] for c in meta.adset_campaign]
    return {"campaign_id": np.array([c.id for c in camp], dtype=object),
            "campaign_name": np.array([c.name for c in camp], dtype=object),
            "objective": np.array([c.objective for c in camp], dtype=object),
            "adset_id": np.array([s.id for s in meta.adsets], dtype=object),
            "adset_name": np.array([s.name for s in meta.adsets], dtype=object)}


def adset_rows(meta: MetaTruth, seen: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """``meta_adset_daily`` rows (without provenance), ordered by day then ad set, for the ad
    sets that delivered that day; and each row's day index."""
    d, s = np.nonzero(meta.spend_cents > 0)
    counted = [WINDOWS.index(w) for w in COUNTED_WINDOWS]
    view = [WINDOWS.index(w) for w in COUNTED_WINDOWS if w.endswith("_view")]
    leads = [PARTS.index(p) for p in LEAD_PARTS]
    buys = [PARTS.index(p) for p in PURCHASE_PARTS]

    def total(parts: list[int], windows: list[int]) -> np.ndarray:
        return seen[:, :, parts][:, :, :, windows].sum(axis=(2, 3))

    value = meta.aov_cents / 100
    ids = {k: v[s] for k, v in _ids(meta).items()}
    frame = pd.DataFrame({
        "date": meta.days.astype(object)[d], "account_id": META_ACCOUNT_ID,
        "campaign_id": ids["campaign_id"], "campaign_name": ids["campaign_name"],
        "objective": ids["objective"], "campaign_status": "ACTIVE",
        "adset_id": ids["adset_id"], "adset_name": ids["adset_name"],
        "impressions": meta.impressions[d, s], "reach": meta.reach[d, s],
        "clicks": meta.clicks[d, s], "link_clicks": meta.link_clicks[d, s],
        "spend": meta.spend_cents[d, s] / 100,
        "leads": total(leads, counted)[d, s].astype(float),
        "purchases": total(buys, counted)[d, s].astype(float),
        "purchase_value": np.round(total(buys, counted) * value, 2)[d, s],
        "leads_view": total(leads, view)[d, s].astype(float),
        "purchases_view": total(buys, view)[d, s].astype(float),
        "purchase_value_view": np.round(total(buys, view) * value, 2)[d, s],
        "attribution_setting": ",".join(COUNTED_WINDOWS),
    })
    return frame, d


CELL_COLUMNS = ("date", "account_id", "campaign_id", "adset_id", "action_type", "window",
                "count_", "value")
AGGREGATES = {"lead": LEAD_PARTS, "omni_purchase": PURCHASE_PARTS, "purchase": PURCHASE_PARTS}


def action_cells(meta: MetaTruth, seen: np.ndarray) -> pd.DataFrame:
    """Per day, ad set, action type (parts and their aggregates) and window: the count and its
    value (purchases only), zero cells left out (:data:`CELL_COLUMNS`)."""
    d, s, p, w = np.nonzero(seen)
    value = np.where(np.isin(p, [PARTS.index(x) for x in PURCHASE_PARTS]),
                     seen[d, s, p, w] * meta.aov_cents[d, s] / 100, 0.0)
    ids = _ids(meta)
    parts = pd.DataFrame({"date": meta.days.astype(object)[d], "account_id": META_ACCOUNT_ID,
                          "campaign_id": ids["campaign_id"][s], "adset_id": ids["adset_id"][s],
                          "action_type": np.array(PARTS, dtype=object)[p],
                          "window": np.array(WINDOWS, dtype=object)[w],
                          "count_": seen[d, s, p, w], "value": np.round(value, 2)})
    wholes = []
    for whole, members in AGGREGATES.items():
        mine = parts[parts["action_type"].isin(members)]
        summed = mine.groupby(["date", "account_id", "campaign_id", "adset_id", "window"],
                              as_index=False)[["count_", "value"]].sum()
        wholes.append(summed.assign(action_type=whole))
    out = pd.concat([parts, *wholes], ignore_index=True)[list(CELL_COLUMNS)]
    out["value"] = out["value"].round(2)
    return out.sort_values(["date", "adset_id", "action_type", "window"],
                           ignore_index=True)


def meta_history(meta: MetaTruth, seed: int) -> pd.DataFrame:
    """Every change of leads, purchases and purchase value per (day, ad set) the nightly pulls
    saw (key = ad set ID, age = lag + 1), as :mod:`.history` gives them for Google Ads."""
    counted = [WINDOWS.index(w) for w in COUNTED_WINDOWS]
    leads = [PARTS.index(p) for p in LEAD_PARTS]
    buys = [PARTS.index(p) for p in PURCHASE_PARTS]
    ids = np.array([s.id for s in meta.adsets], dtype=object)
    frames = []
    for i in np.flatnonzero(meta.conversions.reshape(len(meta.days), -1).any(axis=1)):
        parts = _lag_parts(meta, seed, int(i))[:, :, counted].sum(axis=2)  # (S, P, lags)
        running = parts.cumsum(axis=-1)
        lead = running[:, leads].sum(axis=1)  # (S, lags)
        buy = running[:, buys].sum(axis=1)
        value = buy * meta.aov_cents[i][:, None] / 100
        for measure, grid, step in (("leads", lead, parts[:, leads].sum(axis=1)),
                                    ("purchases", buy, parts[:, buys].sum(axis=1)),
                                    ("purchase_value", value, parts[:, buys].sum(axis=1))):
            s, lag = np.nonzero(step)
            frames.append(pd.DataFrame({"key": ids[s], "measure": measure,
                                        "value": np.round(grid[s, lag], 2).astype(float),
                                        "age": lag + 1, "date": meta.days[i]}))
    if not frames:
        return pd.DataFrame({c: [] for c in ("key", "date", "measure", "value", "seen_on",
                                             "age")})
    rows = pd.concat(frames, ignore_index=True)
    dates = rows["date"].to_numpy(dtype="datetime64[D]")
    rows["seen_on"] = (dates + rows["age"].to_numpy().astype("timedelta64[D]")).astype(object)
    rows["date"] = dates.astype(object)
    return rows
