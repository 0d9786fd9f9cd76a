"""What each pull saw: the values of the restated measures, one row per change.

A source re-reads its restatement window every night (Ads conversions for 30 days, Meta's for
28, GA4 for 3), and the raw tables keep only the latest answer. ``raw_revisions`` keeps the
history the lag curves need: per stream x scope x key x day x measure, the value a pull saw on
the night ``seen_on`` and its ``age`` (days from the day to that night). Only changes are stored
(a value equal to the previous night's adds nothing), so re-running a night adds nothing; a
second pull on the same night replaces that night's rows. A key that disappears is stored as 0.

Only the measures that restate and that the curves read are kept (:data:`REVISED`): the
conversions per conversion action, Meta's leads, purchases and purchase value per ad set,
GA4's key events and sessions. Campaign and ad group totals
repeat the conversion-action figures and are left out.

>>> REVISED["ads_conversion_action_daily"]
('conversions', 'conversions_value')
>>> revision_key_columns(STREAMS["ga4_key_events_daily"])
('session_source', 'session_medium', 'session_campaign_id', 'session_campaign_name', 'event_name')
>>> seen_on(dt.datetime(2026, 11, 23, 5, tzinfo=dt.UTC), "Europe/Brussels")
datetime.date(2026, 11, 23)
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pandas as pd
import pyarrow as pa

from pipelines.sources.base import Extract
from pipelines.sources.streams import STREAMS, Stream  # noqa: F401  (STREAMS: the doctest)

REVISIONS_TABLE = "raw_revisions"
REVISIONS_SCHEMA = pa.schema([
    ("stream", pa.string()),
    ("scope", pa.string()),
    ("key", pa.string()),       # the stream's key without date and scope, joined by "|"
    ("date", pa.date32()),      # the day the values describe
    ("measure", pa.string()),
    ("value", pa.float64()),
    ("seen_on", pa.date32()),   # the night of the pull, in the source's time zone
    ("age", pa.int32()),        # seen_on - date, in days
])
REVISIONS_KEY = ("stream", "scope", "key", "date", "measure", "seen_on")
REVISED: dict[str, tuple[str, ...]] = {
    "ads_conversion_action_daily": ("conversions", "conversions_value"),
    "ga4_key_events_daily": ("key_events", "event_value"),
    "ga4_sessions_daily": ("sessions", "engaged_sessions"),
    "meta_adset_daily": ("leads", "purchases", "purchase_value"),
}
HISTORY_COLUMNS = ("key", "date", "measure", "value", "seen_on")  # an Extract's ``history``
_SCOPES = {"google_ads": "customer_id", "ga4": "property_id", "meta_ads": "account_id"}
_SAME = 1e-9  # values closer than this are the same value


def revision_key_columns(stream: Stream) -> tuple[str, ...]:
    """The stream's natural key without the date and the account/property."""
    return tuple(c for c in stream.key if c not in ("date", _SCOPES[stream.source]))


def seen_on(extracted_at: dt.datetime, time_zone: str) -> dt.date:
    """The night a pull belongs to: its date in the source's time zone."""
    return extracted_at.astimezone(zoneinfo.ZoneInfo(time_zone)).date()


def key_strings(frame: pd.DataFrame, stream: Stream) -> pd.Series:
    """One string per row naming its key (null parts as empty strings)."""
    columns = revision_key_columns(stream)
    parts = [frame[c].astype(object).where(frame[c].notna(), "").astype(str) for c in columns]
    key = parts[0]
    for part in parts[1:]:
        key = key + "|" + part
    return key


def observed(extract: Extract, table: pa.Table) -> pd.DataFrame:
    """The extract's revised measures in long form: key, date, measure, value."""
    measures = REVISED.get(extract.stream.name, ())
    columns = [*revision_key_columns(extract.stream), "date", *measures]
    frame = table.select(columns).to_pandas()
    frame["key"] = key_strings(frame, extract.stream)
    long = frame.melt(id_vars=["key", "date"], value_vars=list(measures),
                      var_name="measure", value_name="value")
    long["value"] = long["value"].astype(float).fillna(0.0)
    return long.groupby(["key", "date", "measure"], as_index=False)["value"].sum()


def changes(current: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``current`` (key, date, measure, value) that differ from ``before`` (the latest
    value known before this night); keys in ``before`` missing from ``current`` become 0.

    >>> now = pd.DataFrame({"key": ["a", "b"], "date": [1, 1], "measure": ["m", "m"],
    ...                     "value": [2.0, 5.0]})
    >>> old = pd.DataFrame({"key": ["a", "c"], "date": [1, 1], "measure": ["m", "m"],
    ...                     "value": [2.0, 3.0]})
    >>> changes(now, old).sort_values("key").to_dict("list")
    {'key': ['b', 'c'], 'date': [1, 1], 'measure': ['m', 'm'], 'value': [5.0, 0.0]}
    """
    ids = ["key", "date", "measure"]
    merged = current.merge(before, on=ids, how="outer", suffixes=("", "_before"))
    value = merged["value"].fillna(0.0)
    prior = merged["value_before"]
    new = prior.isna() & (value != 0)
    moved = prior.notna() & ((value - prior.fillna(0.0)).abs() > _SAME)
    out = merged.loc[new | moved, ids].copy()
    out["value"] = value[new | moved].to_numpy()
    return out.reset_index(drop=True)


def as_rows(frame: pd.DataFrame, stream: str, scope: str, night: dt.date | None) -> pa.Table:
    """Revision rows in the table's schema; ``night`` fills a missing ``seen_on``."""
    out = frame.copy()
    if night is not None:
        out["seen_on"] = night
    dates = pd.to_datetime(out["date"])
    nights = pd.to_datetime(out["seen_on"])
    return pa.table({
        "stream": [stream] * len(out), "scope": [scope] * len(out),
        "key": out["key"].astype(str).tolist(),
        "date": dates.dt.date.tolist(), "measure": out["measure"].astype(str).tolist(),
        "value": out["value"].astype(float).tolist(),
        "seen_on": nights.dt.date.tolist(),
        "age": (nights - dates).dt.days.astype("int32").tolist(),
    }, schema=REVISIONS_SCHEMA)


def tracked(extract: Extract) -> bool:
    """Whether this extract's stream keeps a revision history."""
    return extract.stream.name in REVISED


def time_zone_of(extract: Extract) -> str:
    return str(extract.metadata.get("time_zone") or "UTC")


