"""The configured e-mail source: none, the demo's newsletters, or a Mailchimp account."""

from __future__ import annotations

from pipelines.config import Config
from pipelines.sources.email.demo import DemoEmailSource
from pipelines.sources.email.mailchimp.source import MailchimpSettings, MailchimpSource


def make_email_source(config: Config) -> DemoEmailSource | MailchimpSource | None:
    """``sources.email`` as a source with ``pull(since)``; None when its kind is none."""
    from pipelines.sources.factory import demo_end, retry_policy

    section = config.sources.email
    if section.kind == "none":
        return None
    if section.kind == "demo":
        from pipelines.sources.demo import DemoSettings

        return DemoEmailSource(DemoSettings(
            start=config.history_start, end=demo_end(config), seed=config.demo.seed,
            traffic_scale=config.demo.traffic_scale), reread_days=section.reread_days)
    return MailchimpSource(MailchimpSettings.from_config(
        section, retry_policy(config), config.reporting.time_zone))
