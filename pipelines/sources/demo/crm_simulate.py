"""The demo CRM's whole life table: every contact the simulated leads make, with the moment it
reaches each stage, its deal (amount, close, outcome) and, for a few, a GDPR erasure.

Each day's contacts are drawn from one generator per (seed, date ordinal, 4)
(:data:`.crm_world.STREAM_NO`), from that day's lead counts in the simulation's truth: a day's
contacts depend on that day alone, not on the history's end, and the other streams' draws do not
move. Times are whole seconds in UTC. Stage delays are Gamma (days to weeks); a deal is created
at SQL and closes 2-10 weeks after the lead (later when its last stage came late).

>>> import datetime as dt
>>> from pipelines.sources.demo.simulate import simulate
>>> life = life_table(simulate(dt.date(2026, 3, 1), dt.date(2026, 3, 10), seed=7))
>>> bool((life.mql_at.dropna() > life.created_at[life.mql_at.notna()]).all())
True
>>> sorted(life.outcome.dropna().unique())
['lost', 'won']
>>> later = life_table(simulate(dt.date(2026, 3, 1), dt.date(2026, 3, 20), seed=7))
>>> life.equals(later[later.lead_date <= dt.date(2026, 3, 10)].reset_index(drop=True))
True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.sources.demo.crm_world import (
    AMOUNTS,
    CHANNEL_SOURCE,
    CONTACT_SHARE,
    ERASURE_RATE,
    STREAM_NO,
    UTM_ID_SHARE,
    UTM_NAME_SHARE,
    Funnel,
    OriginKind,
    funnel_of,
)
from pipelines.sources.demo.meta_world import META_CAMPAIGNS
from pipelines.sources.demo.simulate import Truth
from pipelines.sources.demo.world import CONVERSION_ACTIONS, KEY_EVENTS, TIME_ZONE

DAY_S = 86_400


@dataclass(frozen=True)
class Origin:
    """Where a contact comes from: a Google Ads or Meta campaign, or a GA4 channel."""

    kind: OriginKind
    platform: str | None  # google_ads / meta_ads; None for a GA4 channel
    campaign_id: str | None
    key: str  # campaign ID, or the channel's session source
    funnel: Funnel
    source: str  # HubSpot's original source
    drill_1: str | None
    medium: str | None = None


def origins(truth: Truth) -> tuple[tuple[Origin, ...], np.ndarray]:
    """Every origin and its leads per day, (D, O): the truth's final counts."""
    out: list[Origin] = []
    cols: list[np.ndarray] = []
    form = [i for i, a in enumerate(CONVERSION_ACTIONS) if a.category == "SUBMIT_LEAD_FORM"]
    phone = [i for i, a in enumerate(CONVERSION_ACTIONS) if a.category == "PHONE_CALL_LEAD"]
    for kind, actions in (("google_form", form), ("google_phone", phone)):
        per_campaign = truth.to_campaigns(truth.conversions[:, :, actions].sum(axis=-1))
        for c, campaign in enumerate(truth.campaigns):
            phone_call = kind == "google_phone"
            out.append(Origin(kind, "google_ads", campaign.id, campaign.id,
                              funnel_of(kind, campaign.id, campaign.theme),
                              "OFFLINE" if phone_call else "PAID_SEARCH",
                              "CRM_UI" if phone_call else "google"))
            cols.append(per_campaign[:, c])
    meta = truth.meta
    for part, kind in ((0, "meta_pixel"), (1, "meta_form")):
        seven = meta.conversions[:, :, part, 1]  # the 7-day click window: final leads
        for c, campaign in enumerate(META_CAMPAIGNS):
            if campaign.is_sales:
                continue
            out.append(Origin(kind, "meta_ads", campaign.id, campaign.id,
                              funnel_of(kind, campaign.id), "PAID_SOCIAL", "Facebook"))
            cols.append(seven[:, meta.adset_campaign == c].sum(axis=1))
    lead = KEY_EVENTS.index("generate_lead")
    first = len(truth.campaigns)
    for n, channel in enumerate(truth.channels):
        drill = {"organic": channel.source, "referral": f"https://{channel.source}/",
                 "email": channel.source}.get(channel.medium)
        out.append(Origin("channel", None, None, channel.source, funnel_of(
            "channel", channel.source), CHANNEL_SOURCE.get(channel.medium, "OTHER_CAMPAIGNS"),
            drill, channel.medium))
        cols.append(truth.ga4_events[:, first + n, lead])
    return tuple(out), np.stack(cols, axis=1).astype(np.int64)


def _local_midnight_utc(day: dt.date) -> int:
    """Seconds since 1970 of 00:00 in Brussels on ``day`` (UTC)."""
    return int(pd.Timestamp(day).tz_localize(TIME_ZONE).timestamp())


def _day(truth: Truth, i: int, found: tuple[Origin, ...], leads: np.ndarray) -> pd.DataFrame:
    """The contacts whose lead falls on day ``i``, with their whole future."""
    day = truth.days[i].astype(object)
    rng = np.random.default_rng((truth.seed, day.toordinal(), STREAM_NO))
    share = np.array([CONTACT_SHARE[o.kind] for o in found])
    counts = rng.binomial(leads, share)
    which = np.repeat(np.arange(len(found)), counts)
    n = len(which)
    u = rng.random((n, 9))
    delay = rng.gamma(2.0, 1.0, (n, 3)) * np.array([1.5, 3.0, 4.0]) * DAY_S
    f = np.array([[o.funnel.mql, o.funnel.sql, o.funnel.opportunity, o.funnel.won]
                  for o in found]).reshape(-1, 4)[which]
    created = _local_midnight_utc(day) + (7 * 3600 + u[:, 0] * 15 * 3600).astype(np.int64)
    mql = u[:, 1] < f[:, 0]
    sql = mql & (u[:, 2] < f[:, 1])
    opp = sql & (u[:, 3] < f[:, 2])
    won = opp & (u[:, 4] < f[:, 3])
    mql_at = created + delay[:, 0].astype(np.int64)
    sql_at = mql_at + delay[:, 1].astype(np.int64)
    opp_at = sql_at + delay[:, 2].astype(np.int64)
    deal_at = sql_at + (1800 + u[:, 5] * 4 * 3600).astype(np.int64)
    last = np.where(opp, opp_at, deal_at)
    close = np.maximum(created + ((14 + u[:, 6] * 56) * DAY_S).astype(np.int64), last + DAY_S)
    themes = [found[w].funnel.theme for w in which]
    themes = [t if t in AMOUNTS else ("heat_pump" if x < 0.5 else "solar")
              for t, x in zip(themes, u[:, 7], strict=True)]
    lo = np.array([AMOUNTS[t][0] for t in themes]).reshape(-1)
    hi = np.array([AMOUNTS[t][1] for t in themes]).reshape(-1)
    amount = np.round((lo + u[:, 8] * (hi - lo)) / 50) * 50
    tail = rng.random((n, 3))
    erased = np.where(tail[:, 0] < ERASURE_RATE,
                      created + ((14 + tail[:, 1] * 106) * DAY_S).astype(np.int64), -1)
    ids = [f"{day.toordinal()}{k:04d}" for k in range(n)]
    name = {c.id: c.name_on(int(truth.offsets[i])) for c in truth.campaigns}
    name |= {c.id: c.name for c in META_CAMPAIGNS}
    edition = truth.newsletter[i]
    utm, gclid, fbclid, drill_2 = [], [], [], []
    for k, w in enumerate(which):
        o = found[w]
        tagged = o.kind in ("google_form", "meta_pixel")
        pick = tail[k, 2]
        utm.append(None if not tagged else o.campaign_id if pick < UTM_ID_SHARE
                   else name[o.campaign_id] if pick < UTM_ID_SHARE + UTM_NAME_SHARE else None)
        if o.medium == "email":
            utm[-1] = f"nieuwsbrief-{edition}"
        gclid.append(f"Cj0KCQdemo{ids[k]}" if o.kind == "google_form" else None)
        fbclid.append(f"IwARdemo{ids[k]}" if o.kind == "meta_pixel" else None)
        drill_2.append(o.campaign_id if o.kind == "meta_form" else None)

    def moments(seconds: np.ndarray, keep: np.ndarray) -> pd.Series:
        return pd.Series(pd.to_datetime(np.where(keep, seconds, 0), unit="s", utc=True)
                         ).where(keep)

    everyone = np.ones(n, dtype=bool)
    return pd.DataFrame({
        "contact_id": ids, "lead_date": day,
        "platform": [found[w].platform for w in which],
        "campaign_id": [found[w].campaign_id for w in which],
        "origin": [found[w].kind for w in which], "origin_key": [found[w].key for w in which],
        "created_at": moments(created, everyone), "mql_at": moments(mql_at, mql),
        "sql_at": moments(sql_at, sql), "opportunity_at": moments(opp_at, opp),
        "customer_at": moments(close, won),
        "deal_id": [f"9{i_}" if s else None for i_, s in zip(ids, sql, strict=True)],
        "deal_created_at": moments(deal_at, sql),
        "expected_close_at": moments(deal_at + 30 * DAY_S, sql),
        "closed_at": moments(close, sql),
        "outcome": np.where(won, "won", np.where(sql, "lost", None)),
        "amount": np.where(sql, amount, np.nan), "theme": themes,
        "original_source": [found[w].source for w in which],
        "drill_1": [found[w].drill_1 for w in which], "drill_2": drill_2,
        "utm_campaign": utm, "gclid": gclid, "fbclid": fbclid,
        "erased_at": moments(erased, erased >= 0),
    })


def life_table(truth: Truth) -> pd.DataFrame:
    """Every contact of the truth's days (lead date order), with its whole future."""
    found, leads = origins(truth)
    parts = [_day(truth, i, found, leads[i]) for i in range(len(truth.days))]
    return pd.concat(parts, ignore_index=True)


def crm_truth(life: pd.DataFrame) -> pd.DataFrame:
    """Per platform, campaign and lead date: leads, MQLs, SQLs, won deals and won revenue
    (EUR), as they finally turn out (whatever a morning has seen of them yet). GA4 channels
    have no platform or campaign."""
    frame = life.assign(
        leads=1, mqls=life.mql_at.notna().astype(int), sqls=life.sql_at.notna().astype(int),
        won_deals=(life.outcome == "won").astype(int),
        won_revenue=np.where(life.outcome == "won", life.amount, 0.0),
        platform=life.platform.fillna(""), campaign_id=life.campaign_id.fillna(""))
    measures = ["leads", "mqls", "sqls", "won_deals", "won_revenue"]
    return (frame.groupby(["platform", "campaign_id", "origin_key", "lead_date"], as_index=False)
            [measures].sum())
