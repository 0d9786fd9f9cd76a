"""Another CRM by export (``sources.crm.kind: file``): ``contacts``, ``deals`` and
``contact_deals`` files (CSV or Parquet) in one folder, the CRM's whole current state, read and
pseudonymised as the HubSpot source pulls (same streams, same pseudonyms: ``contact:<id>``,
``deal:<id>``, click ids unprefixed). An optional ``archived`` file lists erased records.

Columns (names matched without regard to case, spaces or dashes; times ISO 8601, without an
offset in the reporting time zone; empty cells are missing values):

- ``contacts``: ``contact_id``, ``created_at``, ``modified_at`` (required); ``funnel_step``
  (lead, mql, sql, opportunity, customer), ``lead_at``, ``mql_at``, ``sql_at``,
  ``opportunity_at``, ``customer_at``, ``original_source``, ``source_drill_1``,
  ``source_drill_2``, ``utm_campaign``, ``gclid``, ``fbclid``.
- ``deals``: ``deal_id``, ``created_at``, ``modified_at``, ``outcome`` (won, lost, open)
  (required); ``closed_at``, ``pipeline``, ``deal_stage``, ``amount`` (a number >= 0, a point
  for decimals), ``currency_code`` (ISO 4217, required with an amount).
- ``contact_deals``: ``contact_id``, ``deal_id``.
- ``archived`` (optional): ``object_type`` (contact or deal), ``id``, ``archived_at``.

Other columns (an e-mail address, a name...) are never read. Problems raise
:class:`CrmFileError` naming the file, rows (counted from 1 after the header) and column, and for
a missing column the file's closest one, e.g. ``contacts.csv: column 'modified_at': missing (a
required column); the file has 'modifed_at': did you mean 'modified_at'?``. Raw IDs and click
ids never leave this module, and messages never quote them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from pipelines.privacy import pseudonym_key, pseudonymise
from pipelines.sources.crm.streams import STEPS, CrmStream, typed
from pipelines.sources.orders.file import CURRENCIES, Problem

FILES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # name -> (required, optional)
    "contacts": (("contact_id", "created_at", "modified_at"),
                 ("funnel_step", *(f"{s}_at" for s in STEPS), "original_source",
                  "source_drill_1", "source_drill_2", "utm_campaign", "gclid", "fbclid")),
    "deals": (("deal_id", "created_at", "modified_at", "outcome"),
              ("closed_at", "pipeline", "deal_stage", "amount", "currency_code")),
    "contact_deals": (("contact_id", "deal_id"), ()),
    "archived": (("object_type", "id", "archived_at"), ()),
}
SUFFIXES = (".csv", ".parquet")


class CrmFileError(ValueError):
    """A CRM export that cannot be read as it is: names the file, rows and column."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path, self.problems = path, tuple(problems)
        text = (f"{path.name}: {problems[0]}" if len(problems) == 1 else
                f"{path.name}: {len(problems)} problems\n" + "\n".join(f"  {p}" for p in problems))
        super().__init__(text)


def _name(raw: object) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(raw).strip().lower()).strip("_")


def find(folder: Path, name: str) -> Path | None:
    """``<name>.csv`` or ``<name>.parquet`` in ``folder`` (None when neither is there)."""
    return next((folder / f"{name}{s}" for s in SUFFIXES if (folder / f"{name}{s}").is_file()),
                None)


def read_table(path: Path, name: str) -> pd.DataFrame:
    """The file's known columns under our names, as text (empty -> NA); unknown or missing
    columns are problems, with the closest expected name."""
    required, optional = FILES[name]
    known = required + optional
    if path.suffix == ".csv":
        try:
            raw = pd.read_csv(path, sep=None, engine="python", dtype=str,
                              keep_default_na=False, encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise CrmFileError(path, [Problem(None, (), "not UTF-8 text; export the CSV as "
                                              "UTF-8")]) from None
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
            raise CrmFileError(path, [Problem(None, (), f"cannot read as CSV: "
                                              f"{type(exc).__name__}")]) from None
    else:
        raw = pq.read_table(path).to_pandas()
    columns: dict[Any, str] = {}
    for column in raw.columns:  # other columns (an e-mail address...) are never read
        if _name(column) in known and _name(column) not in columns.values():
            columns[column] = _name(column)
    problems = []
    for missing in (c for c in required if c not in columns.values()):
        close = difflib.get_close_matches(missing, [_name(c) for c in raw.columns], n=1)
        hint = f"; the file has {close[0]!r}: did you mean {missing!r}?" if close else ""
        problems.append(Problem(missing, (), f"missing (a required column){hint}"))
    if problems:
        raise CrmFileError(path, problems)
    frame = raw.rename(columns=columns)[list(columns.values())]
    text = frame.astype("string").apply(lambda c: c.str.strip())
    return text.mask(text == "").reset_index(drop=True)


def _rows(mask: pd.Series) -> tuple[int, ...]:
    return tuple(int(i) + 1 for i in np.flatnonzero(mask.to_numpy(dtype=bool)))


def _times(frame: pd.DataFrame, column: str, tz: str, problems: list[Problem]) -> pd.Series:
    text = frame[column] if column in frame else pd.Series(pd.NA, index=frame.index,
                                                           dtype="string")
    parsed = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us, UTC]")
    for i, value in text.dropna().items():
        try:
            moment = pd.to_datetime(value, format="ISO8601")
        except ValueError:
            continue
        parsed[i] = moment.tz_convert("UTC") if moment.tzinfo else moment.tz_localize(
            tz, ambiguous=True, nonexistent="shift_forward").tz_convert("UTC")
    bad = parsed.isna() & text.notna()
    if bad.any():
        problems.append(Problem(column, _rows(bad), f"{str(text[bad].iloc[0])[:40]!r} is not "
                                "an ISO 8601 time (e.g. 2026-03-01T14:05:00+01:00)"))
    return parsed


def _choice(frame: pd.DataFrame, column: str, allowed: tuple[str, ...],
            problems: list[Problem]) -> pd.Series:
    values = frame[column].str.lower() if column in frame else pd.Series(
        pd.NA, index=frame.index, dtype="string")
    bad = values.notna() & ~values.isin(allowed)
    if bad.any():
        problems.append(Problem(column, _rows(bad), f"{str(values[bad].iloc[0])[:40]!r}: use "
                                f"one of {', '.join(allowed)}"))
    return values


def _ids(frame: pd.DataFrame, column: str, problems: list[Problem]) -> pd.Series:
    ids = frame[column]
    if ids.isna().any():
        problems.append(Problem(column, _rows(ids.isna()), "empty"))
    return ids


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame else pd.Series(pd.NA, index=frame.index, dtype="string")


class FileCrm:
    """The CRM export in ``folder``; each pull reads the files whole (an export is the current
    state; the store's upsert keeps what did not change as it was)."""

    name = "file"

    def __init__(self, folder: Path, *, time_zone: str = "Europe/Brussels",
                 key: bytes | None = None, now: dt.datetime | None = None):
        self.folder, self.time_zone, self._key, self._now = Path(folder), time_zone, key, now

    @property
    def key(self) -> bytes:
        if self._key is None:
            self._key = pseudonym_key()
        return self._key

    def _keys(self, kind: str, ids: pd.Series) -> pd.Series:
        prefixed = pd.Series([None if pd.isna(i) else f"{kind}:{i}" for i in ids],
                             index=ids.index, dtype=object)
        return pseudonymise(prefixed, self.key)

    def _read(self, name: str) -> tuple[Path, pd.DataFrame] | None:
        path = find(self.folder, name)
        if path is None:
            if name == "archived":
                return None
            raise CrmFileError(self.folder / f"{name}.csv", [Problem(None, (), (
                f"no such file (nor {name}.parquet) in {self.folder}"))])
        return path, read_table(path, name)

    def pull(self, stream: CrmStream, since: dt.datetime | None) -> pd.DataFrame:
        """``stream``'s rows from the export (``since`` is not needed: the files are whole)."""
        until = self._now or dt.datetime.now(dt.UTC)
        tz, problems, attrs = self.time_zone, [], {}
        name = {"crm_contacts": "contacts", "crm_deals": "deals",
                "crm_contact_deals": "contact_deals", "crm_archived": "archived"}[stream.name]
        found = self._read(name)
        if found is None:
            frame = pd.DataFrame(columns=list(stream.column_names[:-1]))
        else:
            path, raw = found
            frame = self._frame(name, raw, tz, problems, attrs)
            doubled = frame.duplicated(list(stream.key)) & frame[list(stream.key)].notna().all(
                axis=1)
            if doubled.any():
                problems.append(Problem("/".join(FILES[name][0][:len(stream.key)]),
                                        _rows(doubled), "repeated (each record once)"))
            if problems:
                raise CrmFileError(path, problems)
        frame = typed(frame.assign(extracted_at=pd.Timestamp(until)), stream)
        frame = frame.sort_values(list(stream.key), kind="stable").reset_index(drop=True)
        frame.attrs = attrs | {"read_from": None, "read_until": until.isoformat()}
        return frame

    def _frame(self, name: str, raw: pd.DataFrame, tz: str, problems: list[Problem],
               attrs: dict[str, Any]) -> pd.DataFrame:
        if name == "contacts":
            step = _choice(raw, "funnel_step", STEPS, problems)
            out = {"contact_key": self._keys("contact", _ids(raw, "contact_id", problems)),
                   "created_at": _times(raw, "created_at", tz, problems),
                   "modified_at": _times(raw, "modified_at", tz, problems),
                   "lifecycle_stage": step, "funnel_step": step}
            out |= {f"{s}_at": _times(raw, f"{s}_at", tz, problems) for s in STEPS}
            out |= {c: _column(raw, c) for c in ("original_source", "source_drill_1",
                                                 "source_drill_2", "utm_campaign")}
            out |= {f"{c}_key": pseudonymise(_column(raw, c), self.key)
                    for c in ("gclid", "fbclid")}
            return pd.DataFrame(out, index=raw.index)
        if name == "deals":
            amount_text = _column(raw, "amount")
            amount = pd.to_numeric(amount_text, errors="coerce")
            bad = amount_text.notna() & (amount.isna() | (amount < 0))
            if bad.any():
                first = str(amount_text[bad].iloc[0])[:20]
                problems.append(Problem("amount", _rows(bad), f"{first!r} is not an amount "
                                        ">= 0 (a point for decimals)"))
            currency = _column(raw, "currency_code").str.upper()
            wrong = currency.notna() & ~currency.isin(CURRENCIES)
            if wrong.any():
                problems.append(Problem("currency_code", _rows(wrong), "unknown currency code "
                                        f"{str(currency[wrong].iloc[0])[:8]!r}; use e.g. EUR"))
            without = amount.notna() & currency.isna()
            if without.any():
                problems.append(Problem("currency_code", _rows(without), "empty beside an "
                                        "amount"))
            outcome = _choice(raw, "outcome", ("won", "lost", "open"), problems)
            return pd.DataFrame({
                "deal_key": self._keys("deal", _ids(raw, "deal_id", problems)),
                "created_at": _times(raw, "created_at", tz, problems),
                "modified_at": _times(raw, "modified_at", tz, problems),
                "closed_at": _times(raw, "closed_at", tz, problems),
                "pipeline": _column(raw, "pipeline"), "deal_stage": _column(raw, "deal_stage"),
                "outcome": outcome, "is_closed": outcome.isin(["won", "lost"]),
                "is_closed_won": outcome == "won", "amount": amount, "currency_code": currency},
                index=raw.index)
        if name == "contact_deals":
            contacts = self._read("contacts")
            assert contacts is not None
            attrs["replaces"] = sorted(str(k) for k in self._keys(
                "contact", contacts[1]["contact_id"]).dropna())
            return pd.DataFrame({
                "contact_key": self._keys("contact", _ids(raw, "contact_id", problems)),
                "deal_key": self._keys("deal", _ids(raw, "deal_id", problems))})
        kind = _choice(raw, "object_type", ("contact", "deal"), problems)
        ids = _ids(raw, "id", problems)
        keys = pseudonymise(pd.Series([None if pd.isna(k) or pd.isna(i) else f"{k}:{i}"
                                       for k, i in zip(kind, ids, strict=True)], dtype=object),
                            self.key)
        return pd.DataFrame({"object_type": kind, "record_key": keys,
                             "archived_at": _times(raw, "archived_at", tz, problems)})
