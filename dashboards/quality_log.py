"""The data-quality page's facts: the extract log normalised, each source's freshness, the
state of each stream-day, asset checks and runs (pure functions; the page is
:mod:`dashboards.quality`).

>>> day_ranges([dt.date(2026, 11, 3), dt.date(2026, 11, 4), dt.date(2026, 11, 9)])
[(datetime.date(2026, 11, 3), datetime.date(2026, 11, 4)), (datetime.date(2026, 11, 9), \
datetime.date(2026, 11, 9))]
>>> check_state({"passed": False, "severity": "WARN"})
'warning'
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

EXTRACT_COLUMNS = ("stream", "scope", "date", "rows", "extracted_at", "metadata")
FLAGS = ("subject_to_thresholding", "sampled", "data_loss_from_other_row")
STREAM_PREFIXES = (("ads_", "google_ads"), ("meta_", "meta_ads"), ("ga4_", "ga4"))  # as streams.py
Status = Literal["missing", "empty", "final", "provisional", "flagged"]
STATUSES: tuple[Status, ...] = ("missing", "empty", "final", "provisional", "flagged")
CheckState = Literal["passed", "warning", "failed", "skipped"]
CHECK_ORDER: tuple[CheckState, ...] = ("failed", "warning", "skipped", "passed")


# -- the extract log, normalised ------------------------------------------------------------------


def platform_of(stream: str) -> str:
    """The source platform of a stream name (``ga4_sessions_daily`` -> ``ga4``)."""
    for prefix, platform in STREAM_PREFIXES:
        if stream.startswith(prefix):
            return platform
    return stream


def _flag(value: object) -> bool:
    return False if value is None or (not isinstance(value, str) and pd.isna(value)) \
        else bool(value)


def _metadata(text: object, where: str) -> dict[str, Any]:
    if text is None or (not isinstance(text, str) and pd.isna(text)) or text == "":
        return {}
    try:
        parsed = json.loads(str(text))
    except json.JSONDecodeError as exc:
        raise ValueError(f"raw_extracts {where}: metadata is not JSON ({exc.msg})") from None
    if not isinstance(parsed, dict):
        raise ValueError(f"raw_extracts {where}: metadata is not a JSON object")
    return parsed


def extract_log(extracts: pd.DataFrame) -> pd.DataFrame:
    """The extract log with one column per quality flag, ``retries`` and ``platform``.

    Dates become ``datetime.date``; ``extracted_at`` must be time-zone aware (it is a
    ``TIMESTAMP WITH TIME ZONE`` in the warehouse). Flags come from the JSON ``metadata``
    unless the frame already has them as columns. ValueError names a missing column or the
    row whose metadata cannot be read.
    """
    columns = ["stream", "scope", "platform", "date", "rows", "extracted_at", *FLAGS, "retries"]
    if extracts.empty:
        return pd.DataFrame(columns=columns)
    missing = [c for c in EXTRACT_COLUMNS if c not in extracts.columns
               and not (c == "metadata" and set(FLAGS) <= set(extracts.columns))]
    if missing:
        raise ValueError(f"raw_extracts is missing column(s) {missing}")
    stamps = pd.to_datetime(extracts["extracted_at"])
    if stamps.dt.tz is None:
        raise ValueError("raw_extracts.extracted_at must be time-zone aware (UTC in the "
                         "warehouse)")
    log = pd.DataFrame({
        "stream": extracts["stream"].astype(str).to_numpy(),
        "scope": extracts["scope"].astype(str).to_numpy(),
        "date": pd.to_datetime(extracts["date"]).dt.date.to_numpy(),
        "rows": pd.to_numeric(extracts["rows"]).fillna(0).astype(int).to_numpy(),
        "extracted_at": stamps.reset_index(drop=True),
    })
    log.insert(2, "platform", [platform_of(s) for s in log["stream"]])
    parsed: dict[object, dict[str, Any]] = {}
    metas = (extracts["metadata"] if "metadata" in extracts.columns
             else pd.Series([None] * len(extracts)))
    records = []
    for i, text in enumerate(metas):
        if text not in parsed:
            row = log.iloc[i]
            parsed[text] = _metadata(text, f"row {row['stream']} / {row['scope']} / "
                                           f"{row['date']}")
        records.append(parsed[text])
    for flag in FLAGS:
        source = (extracts[flag].tolist() if flag in extracts.columns
                  else [m.get(flag) for m in records])
        log[flag] = [_flag(v) for v in source]
    retries = (extracts["retries"].tolist() if "retries" in extracts.columns
               else [m.get("retries", 0) for m in records])
    log["retries"] = [int(r) if r is not None and not pd.isna(r) else 0 for r in retries]
    return log[columns]


# -- what the page says about each source -------------------------------------------------------


@dataclass(frozen=True)
class SourceStatus:
    """One platform's freshness: the facts behind its badge."""

    platform: str
    last_pulled: dt.datetime | None
    last_day: dt.date | None
    days_behind: int | None  # days between the last day of data and the day before as_of
    provisional_from: dt.date | None
    provisional_days: int
    scopes: tuple[str, ...]
    retries: int  # in the latest pull
    flagged_days: int  # days with any quality flag (any stream)


def source_status(log: pd.DataFrame, platform: str, as_of: dt.date,
                  provisional_since: Mapping[str, dt.date | None]) -> SourceStatus:
    """The badge facts of ``platform`` from a normalised :func:`extract_log`."""
    mine = log[log["platform"] == platform]
    since = provisional_since.get(platform)
    if mine.empty:
        return SourceStatus(platform, None, None, None, since, 0, (), 0, 0)
    last_pulled = mine["extracted_at"].max().to_pydatetime()
    last_day = max(mine["date"])
    behind = max(0, (as_of - dt.timedelta(days=1) - last_day).days)
    days = (last_day - since).days + 1 if since is not None and since <= last_day else 0
    latest = mine[mine["extracted_at"] == mine["extracted_at"].max()]
    retries = int(latest.drop_duplicates(["stream", "scope"])["retries"].sum())
    flagged = mine[mine[list(FLAGS)].any(axis=1)]["date"].nunique()
    return SourceStatus(platform, last_pulled, last_day, behind, since, days,
                        tuple(sorted(set(mine["scope"]))), retries, int(flagged))


def day_status(row: pd.Series | None, provisional_from: dt.date | None) -> Status:
    """The calendar state of one stream-day (``row``: its log row, or None when not pulled)."""
    if row is None:
        return "missing"
    if any(bool(row[f]) for f in FLAGS):
        return "flagged"
    if int(row["rows"]) == 0:
        return "empty"
    if provisional_from is not None and row["date"] >= provisional_from:
        return "provisional"
    return "final"


def day_ranges(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days folded into inclusive (first, last) ranges, in date order."""
    ranges: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(days)):
        if ranges and (day - ranges[-1][1]).days == 1:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def check_state(check: Mapping[str, Any]) -> CheckState:
    """``passed``, ``warning`` (failed with severity WARN), ``failed``, or ``skipped``."""
    passed = check.get("passed")
    if passed is None:
        return "skipped"
    if bool(passed):
        return "passed"
    severity = str(getattr(check.get("severity"), "value", check.get("severity")) or "ERROR")
    return "warning" if severity.upper().endswith("WARN") else "failed"


def this_run(runs: Sequence[Mapping[str, Any]]) -> dt.datetime | None:
    """When the run writing the page (marked ``current``, still going) started; None if the
    runs hold none."""
    for i, run in enumerate(runs):
        when = run.get("started_at")
        if run.get("current"):
            if not isinstance(when, dt.datetime) or when.tzinfo is None:
                raise ValueError(f"runs[{i}].started_at must be a time-zone aware datetime, "
                                 f"got {when!r}")
            return when
    return None


def last_runs(runs: Sequence[Mapping[str, Any]]) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(last successful finish, last failed finish if it came after it, else None), among the
    finished runs (the ``current`` one has not finished)."""
    ok, failed = None, None
    for i, run in enumerate(runs):
        if run.get("current"):
            continue
        when = run.get("finished_at")
        if not isinstance(when, dt.datetime) or when.tzinfo is None:
            raise ValueError(f"runs[{i}].finished_at must be a time-zone aware datetime, "
                             f"got {when!r}")
        if bool(run.get("success")):
            ok = when if ok is None or when > ok else ok
        else:
            failed = when if failed is None or when > failed else failed
    if failed is not None and ok is not None and failed <= ok:
        failed = None
    return ok, failed
