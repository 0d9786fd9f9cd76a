"""Which GA4 report fills which stream, and how a response becomes the stream's rows.

Only additive metrics are asked for (sessions, engaged sessions, key events, event value):
users and other non-additive metrics must not be summed across days, so they are not stored.

>>> SESSIONS.columns["sessionSource"]
'session_source'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from google.analytics.data_v1beta import types

from pipelines.sources.base import Window
from pipelines.sources.streams import GA4_KEY_EVENTS_DAILY, GA4_SESSIONS_DAILY, Stream

_SESSION_DIMENSIONS = {
    "date": "date",
    "sessionSource": "session_source",
    "sessionMedium": "session_medium",
    "sessionCampaignId": "session_campaign_id",
    "sessionCampaignName": "session_campaign_name",
}


@dataclass(frozen=True)
class Report:
    """A runReport request shape: GA4 dimension/metric API names -> our column names."""

    stream: Stream
    dimensions: dict[str, str]
    metrics: dict[str, str]
    keep_if: str | None = None  # drop rows where this metric is zero

    @property
    def columns(self) -> dict[str, str]:
        return {**self.dimensions, **self.metrics}

    def request(self, property_id: str, window: Window, offset: int,
                limit: int) -> types.RunReportRequest:
        """One page, ordered by every dimension so that offset paging is deterministic."""
        return types.RunReportRequest(
            property=f"properties/{property_id}",
            dimensions=[types.Dimension(name=name) for name in self.dimensions],
            metrics=[types.Metric(name=name) for name in self.metrics],
            date_ranges=[types.DateRange(start_date=window.start.isoformat(),
                                         end_date=window.end.isoformat())],
            order_bys=[types.OrderBy(dimension=types.OrderBy.DimensionOrderBy(dimension_name=n))
                       for n in self.dimensions],
            offset=offset,
            limit=limit,
            keep_empty_rows=False,
            return_property_quota=True,
        )


SESSIONS = Report(
    GA4_SESSIONS_DAILY, dict(_SESSION_DIMENSIONS),
    {"sessions": "sessions", "engagedSessions": "engaged_sessions"},
)
KEY_EVENTS = Report(
    GA4_KEY_EVENTS_DAILY, {**_SESSION_DIMENSIONS, "eventName": "event_name"},
    {"keyEvents": "key_events", "eventValue": "event_value"}, keep_if="key_events",
)
REPORTS: dict[str, Report] = {r.stream.name: r for r in (SESSIONS, KEY_EVENTS)}


def rows_frame(report: Report, responses: list[types.RunReportResponse], property_id: str,
               extracted_at: dt.datetime) -> pd.DataFrame:
    """All pages of one report as the stream's frame (columns in stream order)."""
    names = list(report.columns.values())
    records = []
    for response in responses:
        for row in response.rows:
            values = [v.value for v in row.dimension_values] + [v.value for v in
                                                                 row.metric_values]
            records.append(dict(zip(names, values, strict=True)))
    frame = pd.DataFrame(records, columns=names)
    meta = responses[0].metadata if responses else None
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d").dt.date
    for column, dtype in report.stream.dtypes.items():
        if column in report.metrics.values():
            frame[column] = pd.to_numeric(frame[column]).astype(
                "int64" if dtype == "int64" else "float64")
    if report.keep_if:
        frame = frame[frame[report.keep_if] != 0]
    frame = frame.assign(
        property_id=property_id,
        currency_code=meta.currency_code if meta else "",
        time_zone=meta.time_zone if meta else "",
        extracted_at=pd.Timestamp(extracted_at),
    )
    return frame[list(report.stream.column_names)].reset_index(drop=True)


def quality_flags(responses: list[types.RunReportResponse]) -> dict[str, object]:
    """What GA4 said about the data: thresholding, sampling, '(other)' rows, quota left."""
    if not responses:
        return {}
    meta, quota = responses[0].metadata, responses[-1].property_quota
    return {
        "subject_to_thresholding": any(r.metadata.subject_to_thresholding for r in responses),
        "sampled": any(len(r.metadata.sampling_metadatas) for r in responses),
        "data_loss_from_other_row": any(r.metadata.data_loss_from_other_row for r in responses),
        "currency_code": meta.currency_code,
        "time_zone": meta.time_zone,
        "tokens_per_day_remaining": int(quota.tokens_per_day.remaining),
        "tokens_per_hour_remaining": int(quota.tokens_per_hour.remaining),
    }
