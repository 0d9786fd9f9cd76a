"""The demo's Meta account, day by day, as finally reported (after Meta's restatement).

Like :mod:`.simulate`, every random draw comes from a generator per (seed, date ordinal), here
with its own stream number (3), so the Meta days do not depend on the history's end, on the
window pulled, or on the Google Ads draws. Units are ad sets; GA4 entities are the
(campaign, publisher) pairs of :func:`.meta_world.ga4_entities`.

>>> import datetime as dt
>>> m = simulate_meta(dt.date(2026, 3, 1), dt.date(2026, 3, 7), seed=7, origin=dt.date(2026, 1, 1))
>>> m.conversions.shape  # days, ad sets, parts, windows
(7, 8, 4, 4)
>>> bool((m.conversions[..., 0] <= m.conversions[..., 1]).all())  # 1d_click within 7d_click
True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from pipelines.sources.demo.calendar import calendar_factors
from pipelines.sources.demo.meta_world import (
    META_CAMPAIGNS,
    PARTS,
    WINDOWS,
    MetaAdSet,
    MetaCampaign,
    ga4_entities,
)
from pipelines.sources.demo.world import KEY_EVENTS

STREAM_NO = 3  # the third component of the per-day generator's seed
SESSION_RATE = 0.8  # GA4 sessions per link click (slow mobile pages lose a fifth)
ENGAGEMENT = 0.5
SIGNUP_RATE = 0.003  # newsletter sign-ups per session


@dataclass(frozen=True, eq=False)
class MetaTruth:
    """Final Meta values per day (axis 0) and ad set (axis 1); money in cents."""

    days: np.ndarray  # datetime64[D], (D,)
    adsets: tuple[MetaAdSet, ...]  # (S,)
    adset_campaign: np.ndarray  # (S,) index into META_CAMPAIGNS
    spend_cents: np.ndarray  # (D, S)
    impressions: np.ndarray
    reach: np.ndarray
    clicks: np.ndarray  # all clicks
    link_clicks: np.ndarray
    conversions: np.ndarray  # (D, S, PARTS, WINDOWS)
    aov_cents: np.ndarray  # (D, S) value of one purchase
    ga4_sessions: np.ndarray  # (D, G) per ga4_entities()
    ga4_engaged: np.ndarray
    ga4_events: np.ndarray  # (D, G, KEY_EVENTS)
    ga4_value_cents: np.ndarray  # (D, G)

    @property
    def campaigns(self) -> tuple[MetaCampaign, ...]:
        return META_CAMPAIGNS


def _lognormal(z: np.ndarray, sigma: float) -> np.ndarray:
    return np.exp(sigma * z - sigma**2 / 2)


def simulate_meta(start: dt.date, end: dt.date, seed: int = 7, traffic_scale: float = 1.0,
                  origin: dt.date | None = None) -> MetaTruth:
    """Every Meta day of [start, end] in a history beginning on ``origin`` (default start)."""
    origin = start if origin is None else origin
    days = np.arange(np.datetime64(start), np.datetime64(end) + 1)
    offset = (start - origin).days + np.arange(len(days))
    adsets = tuple(s for c in META_CAMPAIGNS for s in c.adsets)
    camp = np.array([i for i, c in enumerate(META_CAMPAIGNS) for _ in c.adsets])
    n_sets = len(adsets)

    def per_set(values: list[float]) -> np.ndarray:
        return np.array(values, dtype=float)[camp]

    weights = np.array([s.weight for s in adsets])
    share = weights / np.bincount(camp, weights)[camp]
    factors = calendar_factors(days)
    season = np.stack([factors[META_CAMPAIGNS[c].theme] for c in camp], axis=1)  # (D, S)
    live = offset[:, None] >= per_set([c.launch_day for c in META_CAMPAIGNS])[None, :]

    rngs = [np.random.default_rng((seed, o, STREAM_NO)) for o in origin.toordinal() + offset]
    z = np.stack([r.standard_normal(4 * n_sets) for r in rngs])
    z_spend, z_cpm, z_ctr, z_aov = (z[:, k * n_sets:(k + 1) * n_sets] for k in range(4))
    # Meta spends the campaign's budget (a little more on strong days, up to 25 % over).
    pace = np.clip(season**0.3 * _lognormal(z_spend, 0.08), 0.7, 1.25)
    budget = per_set([c.budget for c in META_CAMPAIGNS]) * share * traffic_scale
    spend_cents = np.round(budget * pace * live * 100).astype(np.int64)
    cpm = per_set([c.cpm for c in META_CAMPAIGNS]) * _lognormal(z_cpm, 0.1)
    impressions = np.round(spend_cents / 100 / cpm * 1000).astype(np.int64)
    link_ctr = per_set([c.link_ctr for c in META_CAMPAIGNS]) * _lognormal(z_ctr, 0.12)
    frequency = per_set([c.frequency for c in META_CAMPAIGNS])
    aov_cents = np.round(per_set([c.aov for c in META_CAMPAIGNS]) * 100
                         * _lognormal(z_aov, 0.12)).astype(np.int64)

    sales = np.array([c.is_sales for c in META_CAMPAIGNS])[camp]
    onsite = per_set([c.onsite_share for c in META_CAMPAIGNS])
    # Parts: pixel lead, instant-form lead, pixel purchase, shop purchase; (S, P) shares.
    part_share = np.where(sales[:, None], [0, 0, 1, 0], [1, 0, 0, 0]) * (1 - onsite[:, None])
    part_share += np.where(sales[:, None], [0, 0, 0, 1], [0, 1, 0, 0]) * onsite[:, None]
    click_rate = per_set([c.click_rate for c in META_CAMPAIGNS])
    view_rate = per_set([c.view_rate for c in META_CAMPAIGNS])

    entities = ga4_entities()
    ent_of_set = np.array([next(g for g, (c, p) in enumerate(entities)
                                if c is META_CAMPAIGNS[camp[s]] and p == adsets[s].publisher)
                           for s in range(n_sets)])
    ga4_share = per_set([c.ga4_share for c in META_CAMPAIGNS])
    n_days, n_ent = len(days), len(entities)
    link_clicks = np.empty((n_days, n_sets), dtype=np.int64)
    conversions = np.zeros((n_days, n_sets, len(PARTS), len(WINDOWS)), dtype=np.int64)
    sessions = np.empty((n_days, n_sets), dtype=np.int64)
    engaged = np.empty_like(sessions)
    seen = np.zeros((n_days, n_sets, 2), dtype=np.int64)  # GA4-credited leads, purchases
    signups = np.empty_like(sessions)
    for i, rng in enumerate(rngs):
        link_clicks[i] = rng.binomial(impressions[i], np.minimum(link_ctr[i], 1.0))
        mean_click = link_clicks[i] * click_rate * season[i] ** 0.5
        mean_view = impressions[i] / 1000 * view_rate * season[i] ** 0.5
        seven = rng.poisson(mean_click[:, None] * part_share)  # (S, P)
        conversions[i, :, :, 1] = seven
        conversions[i, :, :, 0] = rng.binomial(seven, 0.7)
        conversions[i, :, :, 2] = seven + rng.poisson(0.15 * mean_click[:, None] * part_share)
        conversions[i, :, :, 3] = rng.poisson(mean_view[:, None] * part_share)
        sessions[i] = rng.binomial(link_clicks[i], SESSION_RATE)
        engaged[i] = rng.binomial(sessions[i], ENGAGEMENT)
        # GA4 sees the site's own conversions (pixel parts, click-through) it credits to Meta.
        seen[i] = rng.binomial(seven[:, [0, 2]], ga4_share[:, None])
        signups[i] = rng.binomial(sessions[i], SIGNUP_RATE)
    reach = np.round(impressions / frequency).astype(np.int64)
    clicks = np.round(link_clicks * 1.7).astype(np.int64)

    def to_entities(per_set_values: np.ndarray) -> np.ndarray:
        out = np.zeros((n_days, n_ent, *per_set_values.shape[2:]), dtype=per_set_values.dtype)
        np.add.at(out, (slice(None), ent_of_set), per_set_values)
        return out

    events = np.zeros((n_days, n_sets, len(KEY_EVENTS)), dtype=np.int64)
    events[:, :, KEY_EVENTS.index("generate_lead")] = seen[:, :, 0]
    events[:, :, KEY_EVENTS.index("purchase")] = seen[:, :, 1]
    events[:, :, KEY_EVENTS.index("sign_up")] = signups
    return MetaTruth(
        days=days, adsets=adsets, adset_campaign=camp, spend_cents=spend_cents,
        impressions=impressions, reach=np.minimum(reach, impressions), clicks=clicks,
        link_clicks=link_clicks, conversions=conversions, aov_cents=aov_cents,
        ga4_sessions=to_entities(sessions), ga4_engaged=to_entities(engaged),
        ga4_events=to_entities(events), ga4_value_cents=to_entities(seen[:, :, 1] * aov_cents),
    )
