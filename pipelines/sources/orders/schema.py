"""The one shape of orders, whichever source made them (a CRM file, the demo).

One row per order. ``customer_key`` is a pseudonym (never a raw customer id or e-mail address);
``order_date`` is the order's date in the reporting time zone, ``ordered_at`` its UTC time;
``revenue`` is in ``currency`` (convert with an FX table before adding currencies up). The UTM
columns ``source``, ``medium``, ``campaign`` and the Google Ads ``campaign_id`` are missing (NaN)
when unknown.

>>> empty_orders().dtypes.astype(str).to_dict()["ordered_at"]
'datetime64[us, UTC]'
"""

from __future__ import annotations

import pandas as pd

from pipelines.sources.streams import Dtype

ORDER_COLUMNS: tuple[tuple[str, Dtype], ...] = (
    ("customer_key", "string"),
    ("order_id", "string"),
    ("order_date", "date"),
    ("ordered_at", "timestamp"),
    ("revenue", "float64"),
    ("currency", "string"),
    ("source", "string"),
    ("medium", "string"),
    ("campaign", "string"),
    ("campaign_id", "string"),
)
ORDER_COLUMN_NAMES: tuple[str, ...] = tuple(name for name, _ in ORDER_COLUMNS)
OPTIONAL_COLUMNS: tuple[str, ...] = ("source", "medium", "campaign", "campaign_id")
KEY: tuple[str, ...] = ("order_id",)

# pandas dtypes; dates are datetime.date objects (Arrow date32 once written).
_PANDAS: dict[Dtype, str] = {
    "string": "str", "date": "object", "timestamp": "datetime64[us, UTC]", "float64": "float64",
}


def conform_orders(frame: pd.DataFrame) -> pd.DataFrame:
    """Exactly ``ORDER_COLUMNS`` in order with their dtypes, sorted by time (stable: rows at the
    same time keep their order).

    >>> import datetime as dt
    >>> row = dict(customer_key="c_000001", order_id="1", order_date=dt.date(2026, 1, 5),
    ...            ordered_at="2026-01-05T09:00Z", revenue=10, currency="EUR", source=None,
    ...            medium=None, campaign=None, campaign_id=None)
    >>> conform_orders(pd.DataFrame([row])).loc[0, "revenue"]
    np.float64(10.0)
    """
    columns = {}
    for name, dtype in ORDER_COLUMNS:
        column = frame[name]
        if dtype == "timestamp":
            column = pd.to_datetime(column, utc=True)
        columns[name] = column.astype(_PANDAS[dtype])
    out = pd.DataFrame(columns)
    return out.sort_values("ordered_at", kind="stable").reset_index(drop=True)


def empty_orders() -> pd.DataFrame:
    """No orders, in the fixed schema."""
    return conform_orders(pd.DataFrame({name: [] for name in ORDER_COLUMN_NAMES}, dtype=object))
