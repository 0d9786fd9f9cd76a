"""Turn a source's frame into exactly the Arrow table its stream declares, or say what is wrong.

>>> from pipelines.sources.streams import GA4_SESSIONS_DAILY as s
>>> row = dict(date=dt.date(2026, 1, 5), property_id="1", session_source="google",
...            session_medium="organic", session_campaign_id="(not set)",
...            session_campaign_name="(organic)", sessions=10, engaged_sessions=6,
...            currency_code="EUR", time_zone="Europe/Brussels",
...            extracted_at=pd.Timestamp("2026-01-06 05:00", tz="UTC"))
>>> to_arrow(pd.DataFrame([row]), s).num_rows
1
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from pipelines.sources.streams import Dtype, Stream

ARROW_TYPES: dict[Dtype, pa.DataType] = {
    "date": pa.date32(),
    "string": pa.string(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "boolean": pa.bool_(),
}

# Columns that may legitimately be null (everything else must be filled).
NULLABLE: frozenset[tuple[str, str]] = frozenset({("ads_conversion_action_daily", "ad_group_id"),
                                                  ("ads_click_view", "ad_group_id")})


class SchemaError(ValueError):
    """A frame does not match its stream; the message names the stream and the column."""


def arrow_schema(stream: Stream) -> pa.Schema:
    return pa.schema([(name, ARROW_TYPES[dtype]) for name, dtype in stream.columns])


def to_arrow(frame: pd.DataFrame, stream: Stream) -> pa.Table:
    """Check columns, cast types and reject nulls in required columns.

    Extra or missing columns, an uncastable value or a null key raise :class:`SchemaError`.
    """
    missing = [c for c in stream.column_names if c not in frame.columns]
    extra = [c for c in frame.columns if c not in stream.column_names]
    if missing or extra:
        raise SchemaError(
            f"{stream.name}: columns do not match the stream"
            + (f"; missing {missing}" if missing else "")
            + (f"; unexpected {extra}" if extra else "")
        )
    arrays = []
    for name, dtype in stream.columns:
        column = frame[name]
        if dtype == "date":
            column = pd.to_datetime(column).dt.date
        elif dtype == "timestamp":
            column = pd.to_datetime(column, utc=True)
        try:
            array = pa.array(column, type=ARROW_TYPES[dtype], from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError, TypeError) as exc:
            raise SchemaError(f"{stream.name}.{name}: cannot read as {dtype}: {exc}") from exc
        if array.null_count and (stream.name, name) not in NULLABLE:
            first = int(pd.Series(array.is_null().to_pandas()).idxmax())
            raise SchemaError(f"{stream.name}.{name}: empty value in row {first + 1}")
        arrays.append(array)
    return pa.Table.from_arrays(arrays, schema=arrow_schema(stream))
