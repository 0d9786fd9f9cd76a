"""Choose the source for each platform from the configuration."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from pipelines.config import Config
from pipelines.sources.base import Source


def demo_end(config: Config, today: dt.date | None = None) -> dt.date:
    """The demo's last day of data: configured, or yesterday in the reporting time zone."""
    if config.demo.end is not None:
        return config.demo.end
    now = dt.datetime.now(zoneinfo.ZoneInfo(config.reporting.time_zone))
    return (today or now.date()) - dt.timedelta(days=1)


def make_source(config: Config, platform: str) -> Source:
    """The configured source for ``platform`` ("google_ads" or "ga4")."""
    kind = getattr(config.sources, platform).kind
    if kind == "demo":
        from pipelines.sources.demo import DemoSettings, DemoSource

        return DemoSource(
            DemoSettings(
                start=config.history_start,
                end=demo_end(config),
                seed=config.demo.seed,
                traffic_scale=config.demo.traffic_scale,
                extra_campaigns=config.demo.extra_campaigns,
            )
        )
    raise ValueError(f"sources.{platform}.kind: unknown source kind {kind!r}")


def lookback_days(config: Config, platform: str) -> int:
    """How many days a run re-pulls for ``platform`` (its restatement window)."""
    if platform == "google_ads":
        return config.sources.google_ads.conversion_window_days
    return config.sources.ga4.restatement_days
