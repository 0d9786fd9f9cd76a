"""The e-mail stream: one row per campaign send, keyed by the campaign's ID and updated in place
(a send's report keeps growing for weeks: late opens and clicks, unsubscribes), like the CRM's
entities. A pull returns the sends of its re-read window; the store upserts them by key.

No recipient data: only the send's counts, its audience (list) and its internal title.

>>> EMAIL_CAMPAIGNS.key, EMAIL_CAMPAIGNS.table
(('campaign_id',), 'raw_email_campaigns')
>>> "unique_opens_excl_machine" in EMAIL_CAMPAIGNS.column_names
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from pipelines.sources.streams import RawTable

EmailDtype = Literal["string", "int64", "timestamp", "date"]


@dataclass(frozen=True)
class EmailStream(RawTable):
    """The e-mail table: its columns in order, its key and the column a pull's window is on."""

    name: str
    columns: tuple[tuple[str, EmailDtype], ...]
    key: tuple[str, ...]
    description: str
    source: str = "email"


EMAIL_CAMPAIGNS = EmailStream(
    name="email_campaigns",
    columns=(
        ("campaign_id", "string"),  # Mailchimp's campaign ID
        ("send_time", "timestamp"),  # UTC
        ("send_date", "date"),  # the send's date in time_zone
        ("time_zone", "string"),  # the reporting time zone send_date is in
        ("list_id", "string"),  # the audience
        ("list_name", "string"),
        ("language", "string"),  # nl / fr / en: configured per audience, else the audience's
        ("title", "string"),  # the campaign's internal title (settings.title)
        ("emails_sent", "int64"),
        ("hard_bounces", "int64"),
        ("soft_bounces", "int64"),
        ("deliveries", "int64"),  # emails_sent - hard - soft - syntax errors
        ("unique_opens", "int64"),  # machine opens (Apple Mail Privacy Protection) included
        ("unique_opens_excl_machine", "int64"),  # proxy_excluded_unique_opens; null: not given
        ("unique_clicks", "int64"),
        ("unsubscribes", "int64"),
        ("abuse_reports", "int64"),
        ("utm_campaign", "string"),  # tracking.google_analytics; null when GA tagging is off
        ("extracted_at", "timestamp"),
    ),
    key=("campaign_id",),
    description="Mailchimp Marketing API, GET /reports and /campaigns (regular campaigns sent "
    "in the re-read window): counts per send as reported so far.",
)


def typed(frame: pd.DataFrame, stream: EmailStream = EMAIL_CAMPAIGNS) -> pd.DataFrame:
    """``frame`` with exactly ``stream``'s columns, in order, in pandas' nullable types, sorted
    by key.

    >>> out = typed(pd.DataFrame({c: [None] for c in EMAIL_CAMPAIGNS.column_names}))
    >>> out["emails_sent"].dtype, out["send_time"].dtype
    (Int64Dtype(), datetime64[us, UTC])
    """
    result = stream.nullable(frame)
    return result.sort_values(list(stream.key), kind="stable").reset_index(drop=True)
