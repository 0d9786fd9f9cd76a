"""Choose the sources for each platform from the configuration: the offline demo, or the real
GA4 and Google Ads connectors (one source per property or customer account)."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

from pipelines.config import Config
from pipelines.sources.base import Source
from pipelines.sources.retry import RetryPolicy

PLATFORMS = ("google_ads", "ga4", "meta_ads")
CONNECTORS = PLATFORMS  # the platforms ``check-connection`` tries


def yesterday(config: Config) -> dt.date:
    """Yesterday in the reporting time zone: the newest complete day."""
    now = dt.datetime.now(zoneinfo.ZoneInfo(config.reporting.time_zone))
    return now.date() - dt.timedelta(days=1)


def demo_end(config: Config) -> dt.date:
    """The demo's last day of data: configured, or yesterday in the reporting time zone."""
    return config.demo.end if config.demo.end is not None else yesterday(config)


@functools.lru_cache(maxsize=4)
def _demo_source(settings) -> Source:
    """One generated demo account per settings (both platforms read the same simulation)."""
    from pipelines.sources.demo import DemoSource

    return DemoSource(settings)


def forget_demo_sources() -> None:
    """Drop the demo accounts generated so far: a process that runs one client after another
    (``campaign-kpi agency``) would otherwise keep up to four of them (about 1.2 GB each at
    300 campaigns × 3 years) while the next clients run."""
    _demo_source.cache_clear()


def retry_policy(config: Config) -> RetryPolicy:
    r = config.sources.retry
    return RetryPolicy(max_retries=r.max_retries, initial_s=r.initial_seconds,
                       maximum_s=r.max_seconds, deadline_s=r.deadline_seconds)


def ga4_settings(config: Config):
    """How to reach the configured GA4 property (a ``Ga4Settings``)."""
    from pipelines.sources.ga4 import Ga4Settings

    settings = config.sources.ga4
    return Ga4Settings(
        property_id=settings.property_id, credentials_file=settings.credentials_file,
        endpoint=settings.endpoint, transport=settings.transport,
        anonymous=settings.anonymous, page_size=settings.page_size,
        retry=retry_policy(config))


def meta_ads_settings(config: Config, account_id: str):
    """How to reach one configured Meta ad account (a ``MetaAdsSettings``)."""
    from pipelines.sources.meta_ads import MetaAdsSettings
    from pipelines.sources.meta_ads.report_run import RunSettings

    s = config.sources.meta_ads
    return MetaAdsSettings(
        account_id=account_id, access_token_env=s.access_token_env,
        access_token_file=s.access_token_file, api_version=s.api_version, endpoint=s.endpoint,
        attribution_windows=s.attribution_windows, lead_action_types=s.lead_action_types,
        purchase_action_types=s.purchase_action_types, chunk_days=s.chunk_days,
        runs=RunSettings(page_size=s.page_size, timeout_s=s.report_timeout_seconds,
                         poll_s=s.poll_seconds, failed_run_retries=s.failed_run_retries),
        retry=retry_policy(config))


def experiments_as_of(config: Config) -> dt.date:
    """The last day experiments are evaluated for: the demo's end, or yesterday."""
    return demo_end(config) if config.sources.experiments.kind == "demo" else yesterday(config)


def make_sources(config: Config, platform: str) -> tuple[Source, ...]:
    """The configured sources for ``platform`` ("google_ads", "ga4" or "meta_ads"; none when
    its kind is "none"). The demo is one account seen through all three platforms."""
    settings = getattr(config.sources, platform)
    if settings.kind == "none":
        return ()
    if settings.kind == "meta_ads":
        from pipelines.sources.meta_ads import MetaAdsSource

        return tuple(MetaAdsSource(meta_ads_settings(config, account_id))
                     for account_id in settings.account_ids)
    if settings.kind == "demo":
        from pipelines.sources.demo import DemoSettings

        return (_demo_source(DemoSettings(
            start=config.history_start, end=demo_end(config), seed=config.demo.seed,
            traffic_scale=config.demo.traffic_scale,
            extra_campaigns=config.demo.extra_campaigns,
            anomalies=config.demo.anomalies)),)
    if settings.kind == "google_ads":
        from pipelines.sources.google_ads import GoogleAdsSettings, GoogleAdsSource

        return tuple(GoogleAdsSource(GoogleAdsSettings(
            customer_id=customer_id, login_customer_id=settings.login_customer_id,
            credentials_file=settings.credentials_file, api_version=settings.api_version,
            endpoint=settings.endpoint, anonymous=settings.anonymous,
            retry=retry_policy(config))) for customer_id in settings.customer_ids)
    if settings.kind == "ga4":
        from pipelines.sources.ga4 import Ga4Source

        return (Ga4Source(ga4_settings(config)),)
    raise ValueError(f"sources.{platform}.kind: unknown source kind {settings.kind!r}")


def lookback_days(config: Config, platform: str) -> int:
    """How many days a run re-pulls for ``platform`` (its restatement window)."""
    if platform == "google_ads":
        return config.sources.google_ads.conversion_window_days
    if platform == "meta_ads":
        return config.sources.meta_ads.restatement_days
    return config.sources.ga4.restatement_days
