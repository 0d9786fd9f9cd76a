"""Translate the validated configuration into the plain values the pure packages take."""

from __future__ import annotations

from kpi.model import ModelRules
from kpi.rollup import TargetRow
from pipelines.config import Config


def model_rules(config: Config) -> ModelRules:
    conversions = config.conversions
    return ModelRules(
        reporting_currency=config.reporting.currency,
        fx_rates=dict(config.reporting.fx_rates),
        lead_actions=conversions.lead.ads_conversion_actions,
        purchase_actions=conversions.purchase.ads_conversion_actions,
        lead_events=conversions.lead.ga4_events,
        purchase_events=conversions.purchase.ga4_events,
        attribution=conversions.attribution,
        ads_channel_types=dict(config.channels.ads_channel_types),
        ga4_rules=tuple((r.channel, r.source, r.medium) for r in config.channels.ga4_rules),
        other_channel=config.channels.other,
        meta_channel=config.channels.meta_ads_channel,
    )


def target_rows(config: Config) -> tuple[TargetRow, ...]:
    return tuple(TargetRow(t.kpi, t.value, t.channel, t.campaign) for t in config.targets)
