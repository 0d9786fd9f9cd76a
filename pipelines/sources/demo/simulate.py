"""The demo account's daily truth: every metric as it will finally be reported, days x entities.

Randomness is drawn from one generator per (seed, date ordinal), so a date's values do not
depend on the history's end or on the window later pulled; the rest of a day's state (launches,
pauses, budget changes, renames: day offsets from the history's first day, the ``origin``; the
calendar and the newsletter edition: the date itself) is a function of the date alone. So any
range of days can be simulated on its own and equals the same days of the whole history
(tested): a pull of a few days costs those days, not the history. Demand, spend and conversions
are computed with whole-array numpy; only the draws loop over days.

An *entity unit* is an ad group, or the campaign itself when it has none (Performance Max); units
are ordered by campaign, so campaign totals are ``np.add.reduceat`` over ``campaign_starts``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from pipelines.sources.demo.calendar import calendar_factors
from pipelines.sources.demo.email_simulate import simulate_email_ga4
from pipelines.sources.demo.email_world import FR_NEWSLETTER
from pipelines.sources.demo.meta_simulate import MetaTruth, simulate_meta
from pipelines.sources.demo.meta_world import MEDIUM, ga4_entities
from pipelines.sources.demo.world import (
    CHANNELS,
    CONVERSION_ACTIONS,
    KEY_EVENTS,
    NEWSLETTER_SEND_SESSIONS,
    NOT_SET,
    AdGroup,
    Campaign,
    Channel,
    catalogue,
)

_ENGAGEMENT = {"SEARCH": 0.66, "SHOPPING": 0.62, "PERFORMANCE_MAX": 0.6, "DISPLAY": 0.56,
               "VIDEO": 0.55}
SIGMA_DEMAND, SIGMA_CPC, SIGMA_CTR, SIGMA_AOV, SIGMA_CHANNEL = 0.15, 0.1, 0.1, 0.12, 0.1


@dataclass(frozen=True, eq=False)
class Truth:
    """Final values per day (axis 0); money in micros or cents as integers."""

    start: dt.date  # the first simulated day (seeds count ordinals from it)
    seed: int
    days: np.ndarray  # datetime64[D], (D,)
    offsets: np.ndarray  # (D,) day offsets from the history's first day (the origin)
    campaigns: tuple[Campaign, ...]
    unit_campaign: np.ndarray  # (U,) campaign index of each unit
    unit_ad_group: tuple[AdGroup | None, ...]  # (U,)
    campaign_starts: np.ndarray  # (C,) first unit of each campaign
    budget_micros: np.ndarray  # (D, C)
    cost_micros: np.ndarray  # (D, U)
    clicks: np.ndarray  # (D, U)
    impressions: np.ndarray  # (D, U)
    conversions: np.ndarray  # (D, U, A) per CONVERSION_ACTIONS
    aov_cents: np.ndarray  # (D, U) value of one purchase
    # GA4 entities (G = C + N + M + 1): Ads campaigns (google / cpc), CHANNELS, the Meta
    # campaigns per publisher (facebook or instagram / paid_social), then the French
    # newsletter (lettre / email, see ga4_dims and email_simulate).
    ga4_sessions: np.ndarray  # (D, G)
    ga4_engaged: np.ndarray  # (D, G)
    ga4_events: np.ndarray  # (D, G, E) per KEY_EVENTS
    ga4_value_cents: np.ndarray  # (D, G) purchase revenue
    newsletter: tuple[str, ...]  # (D,) the newsletter edition (YYYY-MM) read that day
    meta: MetaTruth  # the Meta ad account on the same days
    channels: tuple[Channel, ...] = CHANNELS  # the non-paid GA4 channels simulated
    fr_newsletter: tuple[str, ...] = ()  # (D,) the French newsletter's edition read that day

    def ga4_dims(self) -> list[tuple[str, str, str]]:
        """(session source, medium, campaign ID) of every GA4 entity, in axis order."""
        return ([("google", "cpc", c.id) for c in self.campaigns]
                + [(ch.source, ch.medium, NOT_SET) for ch in self.channels]
                + [(publisher, MEDIUM, c.id) for c, publisher in ga4_entities()]
                + [(FR_NEWSLETTER.utm_source, "email", NOT_SET)])

    @property
    def n_email_entities(self) -> int:
        """The newsletter entities at the end of the GA4 axis (no orders come from them)."""
        return 1

    def to_campaigns(self, per_unit: np.ndarray) -> np.ndarray:
        """Sum a (D, U, ...) array over each campaign's units -> (D, C, ...)."""
        return np.add.reduceat(per_unit, self.campaign_starts, axis=1)


def _lognormal(z: np.ndarray, sigma: float) -> np.ndarray:
    """Mean-one lognormal factors from standard normal draws."""
    return np.exp(sigma * z - sigma**2 / 2)


def newsletter_boost(days: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Sessions multiplier after each monthly send (first Tuesday) and the edition read (YYYY-MM).

    Before a month's send day the previous month's edition is still the one being read.
    """
    channel = next(ch for ch in CHANNELS if "{month}" in ch.campaign)
    boost, editions = np.empty(len(days)), []
    for i, day in enumerate(days.astype(object)):
        first = day.replace(day=1)
        send = first + dt.timedelta(days=(1 - first.weekday()) % 7)
        if day < send:
            prev = (first - dt.timedelta(days=1)).replace(day=1)
            send = prev + dt.timedelta(days=(1 - prev.weekday()) % 7)
        boost[i] = 1 + NEWSLETTER_SEND_SESSIONS / channel.sessions * 0.55 ** (day - send).days
        editions.append(f"{send:%Y-%m}")
    return boost, editions


def budgets(campaigns: tuple[Campaign, ...], offsets: np.ndarray) -> np.ndarray:
    """Each campaign's daily budget (EUR) on each day offset, (D, C): ``Campaign.budget_on``.

    >>> from pipelines.sources.demo.world import CAMPAIGNS
    >>> b = budgets(CAMPAIGNS, np.array([89, 90]))
    >>> bool((b == [[c.budget_on(d) for c in CAMPAIGNS] for d in (89, 90)]).all())
    True
    """
    since = np.array([c.budget_change[0] if c.budget_change else np.iinfo(np.int64).max
                      for c in campaigns])
    before = np.array([float(c.budget) for c in campaigns])
    after = np.array([c.budget_change[1] if c.budget_change else c.budget for c in campaigns],
                     dtype=float)
    return np.where(offsets[:, None] >= since, after, before)


def simulate(
    start: dt.date, end: dt.date, seed: int = 7, traffic_scale: float = 1.0,
    extra_campaigns: int = 0, origin: dt.date | None = None,
    channels: tuple[Channel, ...] = CHANNELS,
) -> Truth:
    """Generate every day of [start, end] for the catalogue (plus extra campaigns), in a history
    that begins on ``origin`` (default ``start``): the same days of a longer history.

    ``channels`` are the non-paid GA4 channels (the tests rebuild older demos with theirs)."""
    origin = start if origin is None else origin
    if start < origin:
        raise ValueError(f"simulate: start ({start}) is before the history's origin ({origin})")
    campaigns = catalogue(extra_campaigns)
    days = np.arange(np.datetime64(start), np.datetime64(end) + 1)
    n_days = len(days)
    offset = (start - origin).days + np.arange(n_days)
    groups: list[AdGroup | None] = []
    unit_campaign, starts = [], []
    for c_idx, campaign in enumerate(campaigns):
        starts.append(len(groups))
        members = campaign.ad_groups or (None,)
        groups.extend(members)
        unit_campaign.extend([c_idx] * len(members))
    unit_c = np.array(unit_campaign)
    starts_arr = np.array(starts)
    n_units, n_camp, n_chan = len(groups), len(campaigns), len(channels)

    def by_campaign(values: list[float]) -> np.ndarray:
        return np.array(values)[unit_c]

    weights = np.array([g.weight if g else 1.0 for g in groups])
    share = weights / np.add.reduceat(weights, starts_arr)[unit_c]
    ref = by_campaign([c.demand for c in campaigns]) * share * traffic_scale  # EUR/day per unit
    launch = by_campaign([c.launch_day or 0 for c in campaigns])
    never = np.iinfo(np.int64).max
    paused = np.array([g.paused_from if g and g.paused_from is not None else never
                       for g in groups])
    active = (offset[:, None] >= launch) & (offset[:, None] < paused)
    factors = calendar_factors(days)
    season = np.stack([factors[campaigns[c].theme] for c in unit_c], axis=1)  # (D, U)
    budget = budgets(campaigns, offset)

    # Pass 1: noise that does not depend on other draws.
    rngs = [np.random.default_rng((seed, o)) for o in origin.toordinal() + offset]  # date ordinals
    z = np.stack([r.standard_normal(4 * n_units + 2 * n_chan) for r in rngs])
    cap_u = np.stack([r.random(n_camp) for r in rngs])
    z_demand, z_cpc, z_ctr, z_aov = (z[:, k * n_units:(k + 1) * n_units] for k in range(4))
    z_sessions, z_chan_aov = z[:, 4 * n_units:4 * n_units + n_chan], z[:, 4 * n_units + n_chan:]

    desired = ref * season * _lognormal(z_demand, SIGMA_DEMAND) * active
    desired_c = np.add.reduceat(desired, starts_arr, axis=1)
    spend_c = np.minimum(desired_c, budget * (0.9 + 0.1 * cap_u))
    ratio = np.divide(spend_c, desired_c, out=np.zeros_like(spend_c), where=desired_c > 0)
    cost_cents = np.round(desired * ratio[:, unit_c] * 100).astype(np.int64)
    cost = cost_cents / 100
    cpc = by_campaign([c.cpc for c in campaigns]) * _lognormal(z_cpc, SIGMA_CPC)
    clicks = np.round(cost / cpc).astype(np.int64)
    clicks = np.where(cost_cents > 0, np.maximum(clicks, 1), 0)
    ctr = by_campaign([c.ctr for c in campaigns]) * _lognormal(z_ctr, SIGMA_CTR)
    impressions = np.maximum(np.round(clicks / ctr).astype(np.int64), clicks)
    aov_cents = np.round(by_campaign([c.aov for c in campaigns]) * 100
                         * _lognormal(z_aov, SIGMA_AOV)).astype(np.int64)

    # Diminishing returns: conversions = (ref / cpa) * (cost / ref) ** b.
    cpa, b = by_campaign([c.cpa for c in campaigns]), by_campaign([c.returns for c in campaigns])
    expected = (ref / cpa) * (cost / ref) ** b
    mix = np.array([c.mix for c in campaigns])[unit_c]  # (U, A)
    lam = expected[:, :, None] * mix[None]

    # GA4 inputs.
    event_of = np.array([KEY_EVENTS.index(a.ga4_event) for a in CONVERSION_ACTIONS])
    ga4_rate = np.array([a.ga4_rate for a in CONVERSION_ACTIONS])
    purchase_action = next(i for i, a in enumerate(CONVERSION_ACTIONS) if a.kind == "purchase")
    session_rate = np.array([c.session_rate for c in campaigns])
    engagement = np.array([_ENGAGEMENT[c.channel_type] for c in campaigns]
                          + [ch.engagement for ch in channels])
    clicks_c = np.add.reduceat(clicks, starts_arr, axis=1)
    chan_lam = np.stack([ch.sessions * factors[ch.theme] for ch in channels], axis=1)
    boost, newsletter = newsletter_boost(days)
    chan_lam *= np.where([("{month}" in ch.campaign) for ch in channels], boost[:, None], 1.0)
    chan_lam = chan_lam * _lognormal(z_sessions, SIGMA_CHANNEL) * traffic_scale
    chan_rates = np.array([(ch.lead_rate, ch.purchase_rate, ch.signup_rate) for ch in channels])
    chan_aov = np.array([ch.aov * 100 for ch in channels]) * _lognormal(z_chan_aov, SIGMA_AOV)

    # Pass 2: draws that depend on the computed means.
    conversions = np.empty((n_days, n_units, len(CONVERSION_ACTIONS)), dtype=np.int64)
    unit_events = np.empty_like(conversions)
    sessions = np.empty((n_days, n_camp + n_chan), dtype=np.int64)
    engaged = np.empty_like(sessions)
    chan_events = np.empty((n_days, n_chan, len(KEY_EVENTS)), dtype=np.int64)
    for i, rng in enumerate(rngs):
        conversions[i] = rng.poisson(lam[i])
        unit_events[i] = rng.binomial(conversions[i], ga4_rate)
        sessions[i, :n_camp] = rng.binomial(clicks_c[i], session_rate)
        sessions[i, n_camp:] = rng.poisson(chan_lam[i])
        engaged[i] = rng.binomial(sessions[i], engagement)
        chan_events[i] = rng.binomial(sessions[i, n_camp:, None], chan_rates)

    paid_events = np.zeros((n_days, n_units, len(KEY_EVENTS)), dtype=np.int64)
    for a, e in enumerate(event_of):
        paid_events[:, :, e] += unit_events[:, :, a]
    paid_value = np.add.reduceat(unit_events[:, :, purchase_action] * aov_cents, starts_arr, axis=1)
    chan_value = np.round(chan_events[:, :, KEY_EVENTS.index("purchase")] * chan_aov)
    meta = simulate_meta(start, end, seed, traffic_scale, origin)
    email = simulate_email_ga4(days, seed, traffic_scale)
    return Truth(
        start=start, seed=seed, days=days, offsets=offset, campaigns=campaigns,
        unit_campaign=unit_c,
        unit_ad_group=tuple(groups), campaign_starts=starts_arr,
        budget_micros=np.round(budget * 1e6).astype(np.int64),
        cost_micros=cost_cents * 10_000, clicks=clicks, impressions=impressions,
        conversions=conversions, aov_cents=aov_cents,
        ga4_sessions=np.concatenate([sessions, meta.ga4_sessions, email.sessions], axis=1),
        ga4_engaged=np.concatenate([engaged, meta.ga4_engaged, email.engaged], axis=1),
        ga4_events=np.concatenate([np.add.reduceat(paid_events, starts_arr, axis=1),
                                   chan_events, meta.ga4_events, email.events], axis=1),
        ga4_value_cents=np.concatenate([paid_value, chan_value.astype(np.int64),
                                        meta.ga4_value_cents, email.value_cents], axis=1),
        newsletter=tuple(newsletter), meta=meta, channels=channels,
        fr_newsletter=email.editions,
    )
