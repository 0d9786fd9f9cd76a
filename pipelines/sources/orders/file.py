"""Orders from a CRM or webshop export: a CSV or Parquet file, pseudonymised as it is read.

Format (one row per order; column names are matched without regard to case, spaces or dashes):

=============  =========  ==================================================================
column         required   content
=============  =========  ==================================================================
customer_id    yes        the shop's customer identifier (an e-mail address is fine)
order_id       yes        unique per order; a row repeated exactly is read once
timestamp      yes        ISO 8601 (``2026-03-01T14:05:00+01:00``, ``…Z``, ``2026-03-01 14:05``
                          or ``2026-03-01``); without an offset it is local time in the
                          reporting time zone
revenue        yes        a number ≥ 0 with a decimal point (``129.95``)
currency       yes        ISO 4217 code (``EUR``), any case
email          no         used as the customer when ``customer_id`` is empty (guest orders)
source         no         UTM source (``utm_source`` is accepted as a name too), e.g. ``google``
medium         no         UTM medium (``utm_medium``), e.g. ``cpc``, ``email``
campaign       no         UTM campaign name (``utm_campaign``)
campaign_id    no         Google Ads campaign id (digits), e.g. from gclid matching
=============  =========  ==================================================================

A CSV is UTF-8 (a BOM is fine) with a header line, separated by commas, semicolons or tabs (read
from the header). Other columns are not read at all. Personal data (``customer_id`` and the first
column whose name contains "email") is replaced by keyed pseudonyms (:mod:`pipelines.privacy`)
straight after reading; the raw values never leave this module, and error messages never quote
them. Naive local times that fall in the autumn clock change are read as the first (summer-time)
occurrence, those in the spring gap are moved an hour later.

Problems raise :class:`OrdersFileError`, which names the file, the rows (counted from 1 after the
header: spreadsheet row N + 1) and the column, for every problem found, e.g.
``orders.csv: row 3, column 'timestamp': '05/03/2026 14:00' is not an ISO 8601 time``.

The result has the fixed schema of :mod:`pipelines.sources.orders.schema`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from babel.numbers import list_currencies

from pipelines.privacy import pseudonym_key, pseudonymise
from pipelines.sources.orders.schema import conform_orders, empty_orders

REQUIRED = ("customer_id", "order_id", "timestamp", "revenue", "currency")
OPTIONAL = ("source", "medium", "campaign", "campaign_id")
ALIASES = {"utm_source": "source", "utm_medium": "medium", "utm_campaign": "campaign"}
CSV_SUFFIXES = (".csv",)
PARQUET_SUFFIXES = (".parquet", ".pq")
# Every ISO 4217 code Babel knows (historic ones included) but "no currency" and "testing".
CURRENCIES: frozenset[str] = frozenset(list_currencies()) - {"XXX", "XTS"}
MAX_ROWS_SHOWN = 5
_OFFSET_MARK = r"[+\-Zz]"
_SPRING_GAP = pd.Timedelta(hours=1)  # a naive time in the spring clock change: an hour later
_NAN_WORDS = ("nan", "na", "n/a", "null", "none")
_INPUT_NAME = {"customer_key": "customer_id", "ordered_at": "timestamp"}


@dataclass(frozen=True)
class Problem:
    """One kind of bad value in one column: the rows (1-based) and what is wrong with the first.
    No rows for a problem with the file or a whole column."""

    column: str | None
    rows: tuple[int, ...]
    message: str

    def __str__(self) -> str:
        where = []
        if self.rows:
            where.append(f"row {self.rows[0]}")
        if self.column:
            where.append(f"column {self.column!r}")
        text = ", ".join(where) + (": " if where else "") + self.message
        more = self.rows[1:]
        if more:
            shown = ", ".join(map(str, more[:MAX_ROWS_SHOWN]))
            extra = len(more) - MAX_ROWS_SHOWN
            text += f" (also row{'s' if len(more) > 1 else ''} {shown}"
            text += f" and {extra} more)" if extra > 0 else ")"
        return text


class OrdersFileError(ValueError):
    """An orders file that cannot be read as it is: names the file, the rows and the column."""

    def __init__(self, path: Path, problems: list[Problem] | Problem) -> None:
        self.path = path
        self.problems = tuple(problems) if isinstance(problems, list) else (problems,)
        if len(self.problems) == 1:
            text = f"{path}: {self.problems[0]}"
        else:
            text = f"{path}: {len(self.problems)} problems\n" + "\n".join(
                f"  {p}" for p in self.problems)
        super().__init__(text)


def _column_name(raw: object) -> str:
    """``" Customer ID"`` -> ``customer_id``; ``utm_source`` -> ``source``."""
    name = re.sub(r"[^0-9a-z]+", "_", str(raw).strip().lower()).strip("_")
    return ALIASES.get(name, name)


def _is_email(name: str) -> bool:
    return "email" in name or "e_mail" in name


def _wanted(names: list[str], path: Path) -> dict[str, str]:
    """Raw column name -> our name, for the columns we read (the first e-mail column only)."""
    wanted: dict[str, str] = {}
    email_seen = False
    for raw in names:
        name = _column_name(raw)
        if _is_email(name):
            if email_seen:
                continue
            email_seen, name = True, "email"
        if name not in REQUIRED + OPTIONAL + ("email",):
            continue
        if name in wanted.values():
            first = next(r for r, n in wanted.items() if n == name)
            raise OrdersFileError(path, Problem(name, (), f"two columns read as {name!r}: "
                                                f"{first!r} and {raw!r}"))
        wanted[raw] = name
    missing = [c for c in REQUIRED if c not in wanted.values()]
    if missing:
        raise OrdersFileError(path, Problem(
            missing[0], (), f"missing ({'columns' if len(missing) > 1 else 'column'} "
            f"{', '.join(map(repr, missing))} required; the file has "
            f"{', '.join(map(repr, map(str, names)))})"))
    return wanted


def _delimiter(path: Path) -> str:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = handle.readline()
    return max(",;\t", key=header.count)


def _read_csv(path: Path, sep: str, columns: list[str]) -> pd.DataFrame:
    """All values as strings ("" when empty). Arrow's reader is fast, but its errors quote the
    offending line; on any error the file is read again row by row for an error that does not."""
    try:
        return pacsv.read_csv(
            path, parse_options=pacsv.ParseOptions(delimiter=sep),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(columns, pa.string()), include_columns=columns,
                strings_can_be_null=False, quoted_strings_can_be_null=False),
        ).to_pandas()
    except pa.ArrowInvalid:
        pass
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=sep)
        header = next(reader)
        rows = (row for row in reader if row)  # blank lines are skipped, not counted
        for row_no, row in enumerate(rows, start=1):
            if len(row) != len(header):
                raise OrdersFileError(path, Problem(None, (row_no,), (
                    f"{len(row)} fields where the header has {len(header)} (a separator "
                    f"{sep!r} inside a value needs double quotes around the value)")))
    frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, na_filter=False,
                        encoding="utf-8-sig", index_col=False)
    return frame[columns]


def _read_raw(path: Path) -> pd.DataFrame:
    """The columns we use, under our names: strings for CSV, stored types for Parquet."""
    suffix = path.suffix.lower()
    try:
        if suffix in CSV_SUFFIXES:
            sep = _delimiter(path)
            header = pd.read_csv(path, sep=sep, nrows=0, encoding="utf-8-sig").columns.tolist()
            wanted = _wanted(header, path)
            frame = _read_csv(path, sep, list(wanted))
        elif suffix in PARQUET_SUFFIXES:
            wanted = _wanted(pq.read_schema(path).names, path)
            frame = pq.read_table(path, columns=list(wanted)).to_pandas()
        else:
            raise OrdersFileError(path, Problem(None, (), f"cannot read {suffix or 'a file'} "
                                                f"without a suffix; use .csv or .parquet"))
    except UnicodeDecodeError:
        raise OrdersFileError(path, Problem(None, (), "not UTF-8 text; export the CSV as UTF-8"))\
            from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise OrdersFileError(path, Problem(None, (), f"cannot read as CSV: {exc}")) from None
    except (pa.ArrowException, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise OrdersFileError(path, Problem(None, (), "no such file")) from None
        raise OrdersFileError(path, Problem(None, (), f"cannot read as Parquet: "
                                            f"{type(exc).__name__}")) from None
    return frame.rename(columns=wanted)


def _text(column: pd.Series) -> pd.Series:
    """Stripped strings, whole floats without ``.0``; empty -> NaN."""
    if pd.api.types.is_float_dtype(column):
        column = column.astype("Int64") if column.dropna().map(float.is_integer).all() else column
    if not pd.api.types.is_string_dtype(column) or column.dtype == object:
        column = column.astype("str")
    text = column.str.strip()
    return text.where(text.str.len() > 0)


def _rows(mask: pd.Series | np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) + 1 for i in np.flatnonzero(np.asarray(mask)))


def _rows_of(index: pd.Index) -> tuple[int, ...]:
    return tuple(int(i) + 1 for i in index)


def _shown(value: object, limit: int = 40) -> str:
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _timestamps(column: pd.Series, tz: ZoneInfo, problems: list[Problem]) -> pd.Series:
    """UTC times; naive values are local times in ``tz``."""
    name = "timestamp"
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        parsed = column.dt.tz_convert("UTC")
        empty = parsed.isna()
    elif pd.api.types.is_datetime64_dtype(column):
        parsed = column.dt.tz_localize(tz, ambiguous=np.ones(len(column), dtype=bool),
                                       nonexistent=_SPRING_GAP).dt.tz_convert("UTC")
        empty = parsed.isna()
    else:
        text = _text(column)
        empty = text.isna()
        # After the date (10 characters), only an offset has a sign or a Z.
        aware = text.str.slice(10).str.contains(_OFFSET_MARK, regex=True, na=False)
        parsed = pd.Series(pd.NaT, index=column.index, dtype="datetime64[us, UTC]")
        if aware.any():
            parsed[aware] = pd.to_datetime(text[aware], format="ISO8601", utc=True,
                                           errors="coerce")
        naive_text = text[~aware & ~empty]
        if len(naive_text):
            naive = pd.to_datetime(naive_text, format="ISO8601", errors="coerce")
            parsed[naive.index] = naive.dt.tz_localize(
                tz, ambiguous=np.ones(len(naive), dtype=bool), nonexistent=_SPRING_GAP,
            ).dt.tz_convert("UTC")
        bad = parsed.isna() & ~empty
        if bad.any():
            first = text[bad].iloc[0]
            problems.append(Problem(name, _rows(bad), f"{_shown(first)} is not an ISO 8601 "
                                    f"time (e.g. 2026-03-01T14:05:00+01:00 or 2026-03-01 14:05)"))
    if empty.any():
        problems.append(Problem(name, _rows(empty), "empty"))
    return parsed.astype("datetime64[us, UTC]")


def _revenue(column: pd.Series, problems: list[Problem]) -> pd.Series:
    name = "revenue"
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        values, unreadable = column.astype("float64"), pd.Series(False, index=column.index)
    else:
        text = _text(column)
        values = pd.to_numeric(text, errors="coerce").astype("float64")
        unreadable = values.isna() & text.notna() & ~text.str.lower().isin(_NAN_WORDS)
        if unreadable.any():
            first = text[unreadable].iloc[0]
            hint = " (use a point as the decimal separator)" if "," in first else ""
            problems.append(Problem(name, _rows(unreadable), f"{_shown(first)} is not a "
                                    f"number{hint}"))
    checks = (
        (values.isna() & ~unreadable, lambda v: "empty (or NaN)"),
        (np.isinf(values), lambda v: f"{v} is not a finite amount"),
        (values < 0, lambda v: f"negative revenue {v}; revenue must be ≥ 0"),
    )
    for mask, say in checks:
        mask = pd.Series(np.asarray(mask, dtype=bool), index=column.index)
        if mask.any():
            problems.append(Problem(name, _rows(mask), say(values[mask].iloc[0])))
    return values


def _currency(column: pd.Series, problems: list[Problem]) -> pd.Series:
    code = _text(column).str.upper()
    if code.isna().any():
        problems.append(Problem("currency", _rows(code.isna()), "empty"))
    unknown = code.notna() & ~code.isin(CURRENCIES)
    if unknown.any():
        problems.append(Problem("currency", _rows(unknown), f"unknown currency code "
                                f"{_shown(code[unknown].iloc[0])}; use an ISO 4217 code such "
                                f"as EUR"))
    return code


def _campaign_id(column: pd.Series, problems: list[Problem]) -> pd.Series:
    ids = _text(column)
    bad = ids.notna() & ~ids.str.fullmatch(r"\d+", na=False)
    if bad.any():
        problems.append(Problem("campaign_id", _rows(bad), f"{_shown(ids[bad].iloc[0])} is not "
                                f"a Google Ads campaign id (digits only)"))
    return ids


def _customer_keys(frame: pd.DataFrame, key: bytes, problems: list[Problem]) -> pd.Series:
    """Pseudonyms of customer_id, else of the e-mail address; pops the raw columns."""
    has_email = "email" in frame.columns
    keys = pseudonymise(frame.pop("customer_id"), key)
    if has_email:
        email = frame.pop("email")
        if keys.isna().any():
            keys = keys.fillna(pseudonymise(email[keys.isna()], key))
    if keys.isna().any():
        problems.append(Problem("customer_id", _rows(keys.isna()),
                                "empty customer_id" + (" and email" if has_email else "")))
    return keys


def _deduplicate(orders: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    """Drop exact repeats; an order id with different content is a problem."""
    if not orders["order_id"].duplicated().any():
        return orders
    content = [c for c in orders.columns if c != "order_date"]
    orders = orders[~orders.duplicated(subset=content, keep="first")]
    clash = orders["order_id"].duplicated(keep=False) & orders["order_id"].notna()
    if clash.any():
        first_id = orders.loc[clash, "order_id"].iloc[0]
        group = orders[orders["order_id"] == first_id]
        differ = [_INPUT_NAME.get(c, c) for c in content
                  if group[c].nunique(dropna=False) > 1]
        others = orders.loc[clash, "order_id"].nunique() - 1
        more = f"; {others} more order ids repeat with different content" if others else ""
        problems.append(Problem("order_id", _rows_of(group.index), f"order {_shown(first_id)} "
                                f"is repeated with different {', '.join(differ)}{more}"))
    return orders


def read_orders(path: str | Path, *, key: bytes | None = None,
                time_zone: str = "Europe/Brussels") -> pd.DataFrame:
    """Read, check and pseudonymise an orders file (CSV or Parquet, by suffix).

    ``key`` is the pseudonym key (default: ``CAMPAIGN_KPI_PSEUDONYM_KEY``, see
    :func:`pipelines.privacy.pseudonym_key`); ``time_zone`` is the reporting time zone: naive
    times are read in it and ``order_date`` is cut in it. Raises :class:`OrdersFileError`
    listing every problem found.
    """
    path = Path(path)
    try:
        tz = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"read_orders: unknown time zone {time_zone!r} (e.g. Europe/Brussels)")\
            from None
    key = pseudonym_key() if key is None else key
    if not path.is_file():
        raise OrdersFileError(path, Problem(None, (), "no such file"))
    frame = _read_raw(path).reset_index(drop=True)
    if frame.empty:
        return empty_orders()
    problems: list[Problem] = []
    customer_key = _customer_keys(frame, key, problems)  # removes the personal columns
    order_id = _text(frame["order_id"])
    if order_id.isna().any():
        problems.append(Problem("order_id", _rows(order_id.isna()), "empty"))
    ordered_at = _timestamps(frame["timestamp"], tz, problems)
    revenue = _revenue(frame["revenue"], problems)
    currency = _currency(frame["currency"], problems)
    optional = {c: _text(frame[c]) if c in frame.columns else pd.Series(np.nan, index=frame.index)
                for c in OPTIONAL}
    if "campaign_id" in frame.columns:
        optional["campaign_id"] = _campaign_id(frame["campaign_id"], problems)
    orders = pd.DataFrame({
        "customer_key": customer_key, "order_id": order_id,
        "ordered_at": ordered_at, "revenue": revenue, "currency": currency, **optional,
    })
    orders = _deduplicate(orders, problems)
    if problems:
        raise OrdersFileError(path, problems)
    local = orders["ordered_at"].dt.tz_convert(tz)
    orders["order_date"] = local.dt.date
    return conform_orders(orders)
