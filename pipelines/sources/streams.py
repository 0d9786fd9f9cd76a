"""The raw streams every source writes: one declaration per stream, shared by the demo and the
real connectors, so nothing downstream can tell them apart.

Column names follow our snake_case reading of the API field (``metrics.cost_micros`` ->
``cost_micros``; GA4 ``sessionSource`` -> ``session_source``). Identifiers are strings; money
carries ``currency_code``; every date carries the source's ``time_zone``; ``extracted_at`` is the
UTC time of the pull.

>>> STREAMS["ads_campaign_daily"].key
('date', 'customer_id', 'campaign_id')
>>> "cost_micros" in STREAMS["ads_ad_group_daily"].column_names
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

Dtype = Literal["date", "string", "int64", "float64", "timestamp", "boolean"]

_PROVENANCE: tuple[tuple[str, Dtype], ...] = (
    ("currency_code", "string"),
    ("time_zone", "string"),
    ("extracted_at", "timestamp"),
)


class RawTable:
    """What a declared raw stream knows of its table, from its ``name`` and ``columns``
    (the daily streams here, the CRM's entity streams in :mod:`pipelines.sources.crm`)."""

    name: str
    columns: tuple[tuple[str, str], ...]

    @property
    def table(self) -> str:
        return f"raw_{self.name}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    @property
    def dtypes(self) -> dict[str, str]:
        return dict(self.columns)

    def nullable(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with exactly this table's columns, in order, in pandas' nullable types
        (:data:`NULLABLE`; timestamps parsed as UTC, dates as ``datetime.date``); a missing
        column is refused, named."""
        missing = [c for c in self.column_names if c not in frame.columns]
        if missing:
            raise ValueError(f"{self.name}: missing columns {missing}")
        out = {}
        for name, dtype in self.columns:
            column = frame[name]
            if dtype == "timestamp":
                column = pd.to_datetime(column, utc=True, format="ISO8601")
            elif dtype == "date":
                column = pd.to_datetime(column).dt.date if len(column) else column
            out[name] = column.astype(NULLABLE[dtype])
        return pd.DataFrame(out, index=frame.index)


# The pandas dtype of each declared column type where a null must stay a null (the CRM's and
# the e-mail tool's tables, read from JSON or a file).
NULLABLE: dict[str, str] = {"string": "string", "float64": "Float64", "int64": "Int64",
                            "timestamp": "datetime64[us, UTC]", "boolean": "boolean",
                            "date": "object"}


@dataclass(frozen=True)
class Stream(RawTable):
    """One raw table: its columns in order, its natural key and the source that fills it."""

    name: str
    source: Literal["google_ads", "ga4", "meta_ads"]
    columns: tuple[tuple[str, Dtype], ...]
    key: tuple[str, ...]
    description: str


ADS_CAMPAIGN_DAILY = Stream(
    name="ads_campaign_daily",
    source="google_ads",
    columns=(
        ("date", "date"),
        ("customer_id", "string"),
        ("campaign_id", "string"),
        ("campaign_name", "string"),
        ("campaign_status", "string"),
        ("channel_type", "string"),  # campaign.advertising_channel_type
        ("budget_micros", "int64"),  # campaign_budget.amount_micros (daily)
        ("impressions", "int64"),
        ("clicks", "int64"),
        ("cost_micros", "int64"),
        ("conversions", "float64"),
        ("conversions_value", "float64"),
        *_PROVENANCE,
    ),
    key=("date", "customer_id", "campaign_id"),
    description="GAQL FROM campaign, segments.date: campaign totals, Performance Max included.",
)

ADS_AD_GROUP_DAILY = Stream(
    name="ads_ad_group_daily",
    source="google_ads",
    columns=(
        ("date", "date"),
        ("customer_id", "string"),
        ("campaign_id", "string"),
        ("ad_group_id", "string"),
        ("ad_group_name", "string"),
        ("ad_group_status", "string"),
        ("impressions", "int64"),
        ("clicks", "int64"),
        ("cost_micros", "int64"),
        ("conversions", "float64"),
        ("conversions_value", "float64"),
        *_PROVENANCE,
    ),
    key=("date", "customer_id", "ad_group_id"),
    description="GAQL FROM ad_group, segments.date: campaigns with ad groups "
    "(not Performance Max).",
)

ADS_CONVERSION_ACTION_DAILY = Stream(
    name="ads_conversion_action_daily",
    source="google_ads",
    columns=(
        ("date", "date"),
        ("customer_id", "string"),
        ("campaign_id", "string"),
        ("ad_group_id", "string"),  # null for campaigns without ad groups (Performance Max)
        ("conversion_action_id", "string"),
        ("conversion_action_name", "string"),
        ("conversion_action_category", "string"),  # e.g. SUBMIT_LEAD_FORM, PURCHASE
        ("conversions", "float64"),
        ("conversions_value", "float64"),
        *_PROVENANCE,
    ),
    key=("date", "customer_id", "campaign_id", "ad_group_id", "conversion_action_id"),
    description="Conversions segmented by segments.conversion_action, per ad group "
    "(per campaign for Performance Max).",
)

ADS_CLICK_VIEW = Stream(
    name="ads_click_view",
    source="google_ads",
    columns=(
        ("date", "date"),  # the click's day, in the account's time zone
        ("customer_id", "string"),
        # click_view.gclid as a keyed pseudonym (pipelines.privacy, no kind prefix): the raw
        # gclid is never stored; the CRM's gclid_key is hashed the same way, so the two join.
        ("gclid_key", "string"),
        ("campaign_id", "string"),
        ("ad_group_id", "string"),  # null for campaigns without ad groups (Performance Max)
        *_PROVENANCE,
    ),
    key=("date", "customer_id", "gclid_key"),
    description="GAQL FROM click_view, one day per query, the last 90 days only: which "
    "campaign and ad group each click (gclid, pseudonymised) came from; matches CRM leads.",
)

GA4_SESSIONS_DAILY = Stream(
    name="ga4_sessions_daily",
    source="ga4",
    columns=(
        ("date", "date"),
        ("property_id", "string"),
        ("session_source", "string"),
        ("session_medium", "string"),
        ("session_campaign_id", "string"),  # Google Ads campaign ID for google / cpc
        ("session_campaign_name", "string"),
        ("sessions", "int64"),
        ("engaged_sessions", "int64"),
        *_PROVENANCE,
    ),
    key=(
        "date",
        "property_id",
        "session_source",
        "session_medium",
        "session_campaign_id",
        "session_campaign_name",
    ),
    description="runReport: date x session source / medium / campaign; additive metrics only.",
)

GA4_KEY_EVENTS_DAILY = Stream(
    name="ga4_key_events_daily",
    source="ga4",
    columns=(
        ("date", "date"),
        ("property_id", "string"),
        ("session_source", "string"),
        ("session_medium", "string"),
        ("session_campaign_id", "string"),
        ("session_campaign_name", "string"),
        ("event_name", "string"),
        ("key_events", "float64"),
        ("event_value", "float64"),
        *_PROVENANCE,
    ),
    key=(
        "date",
        "property_id",
        "session_source",
        "session_medium",
        "session_campaign_id",
        "session_campaign_name",
        "event_name",
    ),
    description="runReport: key events by event name (generate_lead, purchase, ...) and value.",
)

META_ADSET_DAILY = Stream(
    name="meta_adset_daily",
    source="meta_ads",
    columns=(
        ("date", "date"),  # date_start of a time_increment=1 row, in the ad account's time zone
        ("account_id", "string"),  # digits, without "act_"
        ("campaign_id", "string"),
        ("campaign_name", "string"),
        ("objective", "string"),  # OUTCOME_LEADS, OUTCOME_SALES, ...
        ("campaign_status", "string"),  # configured status: ACTIVE, PAUSED, ARCHIVED, DELETED
        ("adset_id", "string"),
        ("adset_name", "string"),
        ("impressions", "int64"),
        ("reach", "int64"),  # people reached that day: NOT additive over days or ad sets
        ("clicks", "int64"),  # all clicks
        ("link_clicks", "int64"),  # inline_link_clicks: clicks to the advertiser's destination
        ("spend", "float64"),  # in currency_code (major units, as Meta reports it)
        # Sums of the configured action types (sources.meta_ads.lead_action_types,
        # purchase_action_types) over the configured attribution windows, values from
        # action_values; the *_view columns are their view-through part (the 1d_view window).
        ("leads", "float64"),
        ("purchases", "float64"),
        ("purchase_value", "float64"),
        ("leads_view", "float64"),
        ("purchases_view", "float64"),
        ("purchase_value_view", "float64"),
        ("attribution_setting", "string"),  # the windows counted, e.g. "7d_click,1d_view"
        *_PROVENANCE,
    ),
    key=("date", "account_id", "adset_id"),
    description="Insights level=adset, time_increment=1 (async report runs): delivery, spend, "
    "and the configured leads and purchases with their attribution windows.",
)

META_STREAMS: dict[str, Stream] = {META_ADSET_DAILY.name: META_ADSET_DAILY}

STREAMS: dict[str, Stream] = {
    s.name: s
    for s in (
        ADS_CAMPAIGN_DAILY,
        ADS_AD_GROUP_DAILY,
        ADS_CONVERSION_ACTION_DAILY,
        ADS_CLICK_VIEW,
        GA4_SESSIONS_DAILY,
        GA4_KEY_EVENTS_DAILY,
        META_ADSET_DAILY,
    )
}


def streams_of(source: str) -> tuple[Stream, ...]:
    """The streams one source fills, in declaration order."""
    return tuple(s for s in STREAMS.values() if s.source == source)


def connector_streams(source: str) -> tuple[Stream, ...]:
    """The streams a connector can pull (``check-connection``).

    >>> [s.name for s in connector_streams("meta_ads")]
    ['meta_adset_daily']
    """
    return streams_of(source)
