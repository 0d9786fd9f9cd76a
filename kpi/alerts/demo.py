"""The demo's Google Ads campaigns as the detector sees them each morning (tests, benchmark).

The truth is simulated once; each morning's view is the last days before it with the
conversions observed at that morning (the demo's own lag draws, :func:`observe_conversions`)
and GA4's processing share by age, so a run over many mornings costs one simulation.

>>> import datetime as dt
>>> from pipelines.sources.demo import DemoSettings
>>> h = DemoHistory(DemoSettings(dt.date(2026, 1, 1), dt.date(2026, 3, 31)))
>>> s = h.morning(dt.date(2026, 3, 1))
>>> str(s.days[-1]), len(s.keys)
('2026-02-28', 14)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from kpi.alerts.detect import WINDOW, Series
from pipelines.sources.demo import CONVERSION_ACTIONS, DemoSettings
from pipelines.sources.demo.anomalies import plant
from pipelines.sources.demo.simulate import Truth, simulate
from pipelines.sources.demo.source import (
    LAG_PROBS,
    RESTATEMENT,
    ga4_completeness,
    observe_conversions,
)


@dataclass
class DemoHistory:
    """One demo history (with its plants when ``settings.anomalies``)."""

    settings: DemoSettings
    _truth: Truth | None = field(default=None, repr=False)

    @property
    def truth(self) -> Truth:
        if self._truth is None:
            s = self.settings
            t = simulate(s.start, s.end, s.seed, s.traffic_scale, s.extra_campaigns)
            self._truth = plant(t, s.anomaly_anchor or s.end) if s.anomalies else t
        return self._truth

    def morning(self, as_of: dt.date) -> Series:
        """What the detector sees on the morning of ``as_of`` (days up to the day before)."""
        t = self.truth
        hi = (as_of - t.start).days
        lo = max(hi - WINDOW, 0)
        conv = observe_conversions(t, as_of)[lo:hi]
        c_conv = t.to_campaigns(conv.sum(axis=2)).astype(float)
        kinds = np.array([a.kind for a in CONVERSION_ACTIONS])
        leads = t.to_campaigns(conv[:, :, kinds == "lead"].sum(axis=2)).astype(float)
        orders = conv[:, :, kinds == "purchase"].sum(axis=2)
        revenue = t.to_campaigns(orders * t.aov_cents[lo:hi]) / 100
        n = len(t.campaigns)
        ga4 = np.floor(t.ga4_events[lo:hi, :n].sum(axis=2)
                       * ga4_completeness(t, as_of)[lo:hi, None])
        chans = tuple(c.channel_type for c in t.campaigns)
        return Series(
            days=t.days[lo:hi], keys=tuple(f"gads:{c.id}" for c in t.campaigns),
            accounts=("demo",) * n, channels=chans,
            values={"cost": t.to_campaigns(t.cost_micros)[lo:hi] / 1e6,
                    "clicks": t.to_campaigns(t.clicks)[lo:hi].astype(float),
                    "conversions": c_conv, "ga4_conversions": ga4, "leads": leads,
                    "purchases": t.to_campaigns(orders).astype(float), "revenue": revenue},
            completeness={"conversions": tuple(np.cumsum(LAG_PROBS)[:30]),
                          "ga4_conversions": tuple(RESTATEMENT.values())})
