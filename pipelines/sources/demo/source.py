"""The demo source: the simulated truth as the APIs would report it on the morning after ``end``.

Ads conversions arrive over 0-30 days after the click date (an integer split per day, so counts
only grow as ``as_of`` moves later); GA4 restates its last two days. Rows whose metrics are all
zero are left out, as the APIs do.

>>> from pipelines.sources.base import Window
>>> from pipelines.sources.streams import ADS_CAMPAIGN_DAILY
>>> src = DemoSource(DemoSettings(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
>>> str(src.settings.as_of)
'2026-04-01 04:00:00+00:00'
>>> extract = src.pull(ADS_CAMPAIGN_DAILY, Window(dt.date(2026, 3, 30), dt.date(2026, 4, 2)))
>>> sorted(set(extract.frame["date"].astype(str)))
['2026-03-30', '2026-03-31']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from pipelines.privacy import pseudonymise
from pipelines.sources.base import Extract, Window
from pipelines.sources.demo.anomalies import plant
from pipelines.sources.demo.click_view import click_rows
from pipelines.sources.demo.crm_world import DEMO_KEY
from pipelines.sources.demo.email_world import FR_NEWSLETTER
from pipelines.sources.demo.history import ads_action_history, ga4_history
from pipelines.sources.demo.history import within as history_rows
from pipelines.sources.demo.meta_frames import adset_rows, meta_history, observe_meta
from pipelines.sources.demo.meta_world import META_ACCOUNT_ID, ga4_entities
from pipelines.sources.demo.simulate import Truth, simulate
from pipelines.sources.demo.world import (
    CHANNELS,
    CONVERSION_ACTIONS,
    CURRENCY_CODE,
    CUSTOMER_ID,
    KEY_EVENTS,
    PROPERTY_ID,
    TIME_ZONE,
)
from pipelines.sources.streams import Stream

LAG_DAYS = 31  # a conversion arrives 0..30 days after its click date
RESTATEMENT = {1: 0.96, 2: 0.99}  # GA4 completeness by days before as_of; final from 3 on


def lag_probabilities(same_day: float = 0.55, decay: float = 0.806) -> np.ndarray:
    """P(lag = 0..30): ``same_day`` at lag 0, the rest geometric (about 90 % within 7 days)."""
    tail = decay ** np.arange(LAG_DAYS - 1)
    return np.concatenate([[same_day], (1 - same_day) * tail / tail.sum()])


LAG_PROBS = lag_probabilities()


@dataclass(frozen=True)
class DemoSettings:
    """What to simulate; ``as_of`` (06:00 Brussels the morning after ``end``) is when it is seen."""

    start: dt.date
    end: dt.date
    seed: int = 7
    traffic_scale: float = 1.0
    extra_campaigns: int = 0
    customer_id: str = CUSTOMER_ID
    property_id: str = PROPERTY_ID
    anomalies: bool = False  # plant the alert detector's anomalies (:mod:`.anomalies`)
    anomaly_anchor: dt.date | None = None  # the plants' dates count back from it; default end

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"DemoSettings: end ({self.end}) is before start ({self.start})")
        if not self.traffic_scale > 0:
            raise ValueError(f"DemoSettings: traffic_scale must be > 0, got {self.traffic_scale}")
        if self.extra_campaigns < 0:
            raise ValueError(f"DemoSettings: extra_campaigns must be >= 0, got "
                             f"{self.extra_campaigns}")

    @property
    def as_of(self) -> dt.datetime:
        morning = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(6),
                                      tzinfo=ZoneInfo(TIME_ZONE))
        return morning.astimezone(dt.UTC)


def observe_conversions(truth: Truth, as_of: dt.date) -> np.ndarray:
    """Conversions per (day, unit, action) reported at ``as_of``: lag L is seen iff age > L."""
    observed = truth.conversions.copy()
    ordinals = truth.start.toordinal() + np.arange(len(truth.days))
    for i in np.flatnonzero(as_of.toordinal() - ordinals < LAG_DAYS):
        age = as_of.toordinal() - int(ordinals[i])
        rng = np.random.default_rng((truth.seed, int(ordinals[i]), 1))
        parts = rng.multinomial(truth.conversions[i], LAG_PROBS)  # (U, A, LAG_DAYS)
        observed[i] = parts[..., : max(age, 0)].sum(axis=-1)
    return observed


def ga4_completeness(truth: Truth, as_of: dt.date) -> np.ndarray:
    """Share of each day's final GA4 numbers already processed at ``as_of``, (D,)."""
    age = as_of.toordinal() - (truth.start.toordinal() + np.arange(len(truth.days)))
    out = np.where(age > 0, 1.0, 0.0)
    for days_before, share in RESTATEMENT.items():
        out[age == days_before] = share
    return out


def _day_names(truth: Truth) -> np.ndarray:
    """(D, C + N) object array: each Ads campaign's name that day, then GA4 campaign names."""
    offset = truth.offsets
    cols = [np.where(offset >= c.rename[0], c.rename[1], c.name).astype(object) if c.rename
            else np.full(len(offset), c.name, dtype=object) for c in truth.campaigns]
    for ch in CHANNELS:
        if "{month}" in ch.campaign:
            cols.append(np.array([ch.campaign.format(month=n) for n in truth.newsletter],
                                 dtype=object))
        else:
            cols.append(np.full(len(offset), ch.campaign, dtype=object))
    cols += [np.full(len(offset), c.name, dtype=object) for c, _ in ga4_entities()]
    cols.append(np.array([FR_NEWSLETTER.utm_campaign.format(month=n)
                          for n in truth.fr_newsletter], dtype=object))
    return np.stack(cols, axis=1)


def simulated_days(settings: DemoSettings, window: Window) -> tuple[dt.date, dt.date]:
    """The days a pull of ``window`` simulates: the window inside [start, end]; when they do not
    overlap, the nearest day of the history (its rows are then left out), so that an empty
    extract has the columns and types of a full one.

    >>> s = DemoSettings(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    >>> simulated_days(s, Window(dt.date(2026, 3, 30), dt.date(2026, 4, 2)))
    (datetime.date(2026, 3, 30), datetime.date(2026, 3, 31))
    >>> simulated_days(s, Window(dt.date(2026, 5, 1), dt.date(2026, 5, 2)))
    (datetime.date(2026, 3, 31), datetime.date(2026, 3, 31))
    """
    inside = window.clip(settings.start, settings.end)
    if inside is not None:
        return inside.start, inside.end
    nearest = settings.end if window.start > settings.end else settings.start
    return nearest, nearest


class DemoSource:
    """Deterministic offline stand-in for GA4 and Google Ads (see :mod:`.world`).

    A pull simulates only the days of its window (a day's rows depend on that day alone, as seen
    at ``as_of``): a nightly re-pull of a month costs a month, whatever the history's length.
    The last few ranges pulled are kept, so the streams of one platform share one simulation.
    """

    name = "demo"
    KEPT_RANGES: ClassVar[int] = 4

    def __init__(self, settings: DemoSettings):
        self.settings = settings
        self._truth: Truth | None = None
        self._ranges: dict[tuple[dt.date, dt.date], _Range] = {}

    @property
    def truth(self) -> Truth:
        """The whole history's truth (for inspection; pulls simulate their window only)."""
        if self._truth is None:
            self._truth = self._range(self.settings.start, self.settings.end).truth
        return self._truth

    def _range(self, first: dt.date, last: dt.date) -> _Range:
        key = (first, last)
        if key not in self._ranges:
            if len(self._ranges) >= self.KEPT_RANGES:
                del self._ranges[next(iter(self._ranges))]
            self._ranges[key] = _Range(self.settings, first, last)
        return self._ranges[key]

    def pull(self, stream: Stream, window: Window) -> Extract:
        """Rows of ``stream`` for the dates of ``window`` inside [start, end], as seen at as_of."""
        if stream.name not in _Range.BUILDERS:
            raise ValueError(f"demo source has no stream {stream.name!r}")
        days = self._range(*simulated_days(self.settings, window))
        frame, day = days.frame(stream)
        lo = (window.start - days.first).days
        hi = (window.end - days.first).days
        rows = frame.iloc[np.searchsorted(day, lo, "left"):np.searchsorted(day, hi, "right")]
        scope = {"google_ads": self.settings.customer_id, "ga4": self.settings.property_id,
                 "meta_ads": META_ACCOUNT_ID}[stream.source]
        history = days.history(stream.name)
        if history is not None:
            history = history_rows(history, window.start, window.end, days.as_of_date)
        return Extract(stream, window, rows.reset_index(drop=True), self.settings.as_of,
                       self._metadata(stream), scope, history)

    def _metadata(self, stream: Stream) -> dict[str, object]:
        if stream.source == "ga4":
            return {"subject_to_thresholding": False, "sampled": False,
                    "data_loss_from_other_row": False, "time_zone": TIME_ZONE,
                    "currency_code": CURRENCY_CODE}
        if stream.source == "meta_ads":
            return {"account_id": META_ACCOUNT_ID, "currency_code": CURRENCY_CODE,
                    "time_zone": TIME_ZONE}
        return {"customer_id": self.settings.customer_id, "currency_code": CURRENCY_CODE,
                "time_zone": TIME_ZONE}


class _Range:
    """The days ``first``..``last`` of the account as seen at ``as_of``: their truth, and each
    stream's rows built from it once (frame, day offset of each row from ``first``)."""

    BUILDERS: ClassVar[dict[str, str]] = {
        "ads_campaign_daily": "_ads_campaign", "ads_ad_group_daily": "_ads_ad_group",
        "ads_conversion_action_daily": "_ads_action", "ads_click_view": "_ads_click_view",
        "ga4_sessions_daily": "_ga4_sessions",
        "ga4_key_events_daily": "_ga4_events", "meta_adset_daily": "_meta_adset"}

    def __init__(self, settings: DemoSettings, first: dt.date, last: dt.date):
        self.settings, self.first = settings, first
        self.truth = simulate(first, last, settings.seed, settings.traffic_scale,
                              settings.extra_campaigns, origin=settings.start)
        if settings.anomalies:
            self.truth = plant(self.truth, settings.anomaly_anchor or settings.end)
        self._frames: dict[str, tuple[pd.DataFrame, np.ndarray]] = {}
        self._conv: tuple[np.ndarray, np.ndarray] | None = None
        self._histories: dict[str, pd.DataFrame] = {}
        self._meta_seen: np.ndarray | None = None

    @property
    def as_of_date(self) -> dt.date:
        return self.settings.end + dt.timedelta(days=1)

    def frame(self, stream: Stream) -> tuple[pd.DataFrame, np.ndarray]:
        """Every row of ``stream`` in this range, ordered by day, and each row's day offset."""
        if stream.name not in self._frames:
            frame, day = getattr(self, self.BUILDERS[stream.name])()
            self._frames[stream.name] = (frame[list(stream.column_names)], day)
        return self._frames[stream.name]

    def history(self, stream: str) -> pd.DataFrame | None:
        """What the nightly pulls before ``as_of`` would have seen (see :mod:`.history`)."""
        if stream not in self._histories:
            if stream == "ads_conversion_action_daily":
                self._histories[stream] = ads_action_history(self.truth, LAG_PROBS)
            elif stream == "meta_adset_daily":
                self._histories[stream] = meta_history(self.truth.meta, self.settings.seed)
            elif stream in ("ga4_sessions_daily", "ga4_key_events_daily"):
                shares = {**RESTATEMENT, max(RESTATEMENT) + 1: 1.0}
                self._histories[stream] = ga4_history(self.truth, _day_names(self.truth),
                                                      stream, shares)
            else:
                return None
        return self._histories[stream]

    # -- frame builders: (frame, day offset of each row), rows ordered by day ----------------

    def _observed(self) -> tuple[np.ndarray, np.ndarray]:
        """Observed conversions (D, U, A) and purchase value in cents (D, U)."""
        if self._conv is None:
            conv = observe_conversions(self.truth, self.as_of_date)
            purchase = [a.kind == "purchase" for a in CONVERSION_ACTIONS].index(True)
            self._conv = (conv, conv[:, :, purchase] * self.truth.aov_cents)
        return self._conv

    def _frame(self, day: np.ndarray, ids: dict[str, object],
               metrics: dict[str, np.ndarray]) -> pd.DataFrame:
        """One row per entry of ``day`` (day offsets), plus the provenance columns."""
        cols: dict[str, object] = {"date": self.truth.days.astype(object)[day], **ids, **metrics}
        cols |= {"currency_code": CURRENCY_CODE, "time_zone": TIME_ZONE,
                 "extracted_at": pd.Timestamp(self.settings.as_of)}
        return pd.DataFrame(cols)

    def _ads_campaign(self) -> tuple[pd.DataFrame, np.ndarray]:
        t = self.truth
        conv, value = self._observed()
        m = {"impressions": t.to_campaigns(t.impressions), "clicks": t.to_campaigns(t.clicks),
             "cost_micros": t.to_campaigns(t.cost_micros),
             "conversions": t.to_campaigns(conv.sum(axis=2)).astype(float),
             "conversions_value": t.to_campaigns(value) / 100}
        d, c = np.nonzero(np.any([v != 0 for v in m.values()], axis=0))
        camps = t.campaigns
        ids = {"customer_id": self.settings.customer_id,
               "campaign_id": np.array([x.id for x in camps], dtype=object)[c],
               "campaign_name": _day_names(t)[d, c], "campaign_status": "ENABLED",
               "channel_type": np.array([x.channel_type for x in camps], dtype=object)[c],
               "budget_micros": t.budget_micros[d, c]}
        return self._frame(d, ids, {k: v[d, c] for k, v in m.items()}), d

    def _ads_ad_group(self) -> tuple[pd.DataFrame, np.ndarray]:
        t = self.truth
        conv, value = self._observed()
        units = np.array([g is not None for g in t.unit_ad_group])
        m = {"impressions": t.impressions, "clicks": t.clicks, "cost_micros": t.cost_micros,
             "conversions": conv.sum(axis=2).astype(float), "conversions_value": value / 100}
        nonzero = np.any([v != 0 for v in m.values()], axis=0) & units
        d, u = np.nonzero(nonzero)
        as_of_day = (self.as_of_date - self.settings.start).days
        groups = t.unit_ad_group
        status = np.array([
            "PAUSED" if g and g.paused_from is not None and as_of_day >= g.paused_from
            else "ENABLED" for g in groups], dtype=object)
        ids = {"customer_id": self.settings.customer_id,
               "campaign_id": np.array([x.id for x in t.campaigns], dtype=object)[
                   t.unit_campaign[u]],
               "ad_group_id": np.array([g.id if g else None for g in groups], dtype=object)[u],
               "ad_group_name": np.array([g.name if g else None for g in groups],
                                         dtype=object)[u],
               "ad_group_status": status[u]}
        return self._frame(d, ids, {k: v[d, u] for k, v in m.items()}), d

    def _ads_action(self) -> tuple[pd.DataFrame, np.ndarray]:
        t = self.truth
        conv, value = self._observed()
        d, u, a = np.nonzero(conv)
        is_purchase = np.array([x.kind == "purchase" for x in CONVERSION_ACTIONS])[a]
        ids = {"customer_id": self.settings.customer_id,
               "campaign_id": np.array([x.id for x in t.campaigns], dtype=object)[
                   t.unit_campaign[u]],
               "ad_group_id": np.array([g.id if g else None for g in t.unit_ad_group],
                                       dtype=object)[u],
               "conversion_action_id": np.array([x.id for x in CONVERSION_ACTIONS],
                                                dtype=object)[a],
               "conversion_action_name": np.array([x.name for x in CONVERSION_ACTIONS],
                                                  dtype=object)[a],
               "conversion_action_category": np.array([x.category for x in CONVERSION_ACTIONS],
                                                      dtype=object)[a]}
        metrics = {"conversions": conv[d, u, a].astype(float),
                   "conversions_value": np.where(is_purchase, value[d, u], 0) / 100}
        return self._frame(d, ids, metrics), d

    def _ads_click_view(self) -> tuple[pd.DataFrame, np.ndarray]:
        """The clicks behind the demo CRM's Google Ads contacts (:mod:`.click_view`), their
        gclids pseudonymised with the demo CRM's key so the two join; every day of the range
        (the nightly pulls since the start would have kept them), not only the last 90."""
        clicks = click_rows(self.truth)
        d = np.array([(day - self.first).days for day in clicks["date"]], dtype=np.int64)
        ids = {"customer_id": self.settings.customer_id,
               "gclid_key": pseudonymise(clicks["gclid"].tolist(), DEMO_KEY),
               "campaign_id": clicks["campaign_id"].to_numpy(),
               "ad_group_id": clicks["ad_group_id"].to_numpy()}
        return self._frame(d, ids, {}), d

    def meta_seen(self) -> np.ndarray:
        """Meta's conversions (day, ad set, part, window) as reported on the morning after."""
        if self._meta_seen is None:
            self._meta_seen = observe_meta(self.truth.meta, self.settings.seed, self.as_of_date)
        return self._meta_seen

    def _meta_adset(self) -> tuple[pd.DataFrame, np.ndarray]:
        frame, d = adset_rows(self.truth.meta, self.meta_seen())
        frame = frame.assign(currency_code=CURRENCY_CODE, time_zone=TIME_ZONE,
                             extracted_at=pd.Timestamp(self.settings.as_of))
        return frame, d

    def _ga4_dims(self, d: np.ndarray, e: np.ndarray) -> dict[str, object]:
        t = self.truth
        dims = np.array(t.ga4_dims(), dtype=object)
        return {"property_id": self.settings.property_id, "session_source": dims[e, 0],
                "session_medium": dims[e, 1], "session_campaign_id": dims[e, 2],
                "session_campaign_name": _day_names(t)[d, e]}

    def _ga4_sessions(self) -> tuple[pd.DataFrame, np.ndarray]:
        t = self.truth
        share = ga4_completeness(t, self.as_of_date)[:, None]
        sessions = np.floor(t.ga4_sessions * share).astype(np.int64)
        engaged = np.floor(t.ga4_engaged * share).astype(np.int64)
        d, e = np.nonzero(sessions)
        metrics = {"sessions": sessions[d, e], "engaged_sessions": engaged[d, e]}
        return self._frame(d, self._ga4_dims(d, e), metrics), d

    def _ga4_events(self) -> tuple[pd.DataFrame, np.ndarray]:
        t = self.truth
        share = ga4_completeness(t, self.as_of_date)[:, None, None]
        events = np.floor(t.ga4_events * share)
        purchase = KEY_EVENTS.index("purchase")
        done = np.divide(events[:, :, purchase], t.ga4_events[:, :, purchase],
                         out=np.zeros(events.shape[:2]), where=t.ga4_events[:, :, purchase] > 0)
        value = np.round(t.ga4_value_cents * done) / 100
        d, e, k = np.nonzero(events)
        metrics = {"event_name": np.array(KEY_EVENTS, dtype=object)[k],
                   "key_events": events[d, e, k],
                   "event_value": np.where(k == purchase, value[d, e], 0.0)}
        return self._frame(d, self._ga4_dims(d, e), metrics), d
