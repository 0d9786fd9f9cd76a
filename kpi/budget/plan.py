"""The budget plan file and the optional costs file, read and validated with pydantic.

A plan line gives one budget for one period and one scope: the whole account, a channel (by its
name, e.g. ``Paid Search``) or a campaign (by its campaign key, e.g. ``gads:2087345005``). The
period is ``period_start`` and ``period_end`` (both inclusive) or the shorthand ``month:
2026-11``. Money is media budget plus production costs plus agency fees, in the line's currency.

The file is CSV (a header row, then one line per row) or YAML (a list of mappings, or a mapping
whose ``lines`` key holds that list). Errors name the file, the row and the field; in a CSV the
header is row 1, so the first plan line is row 2; in YAML the first list item is row 1:
``budget.csv row 4, media_budget: must be ≥ 0, got -5``.

>>> lines = parse_plan([{"month": "2026-11", "level": "campaign", "name": "gads:2087345005",
...                      "media_budget": "4500", "agency_fees": "300", "currency": "EUR"}])
>>> line = lines[0]
>>> str(line.period_start), str(line.period_end), line.days, line.total_budget
('2026-11-01', '2026-11-30', 30, 4800.0)
>>> parse_plan([{"month": "2026-11", "level": "account", "media_budget": -5,
...              "currency": "EUR"}], source="budget.csv", first_row=4)
Traceback (most recent call last):
...
kpi.budget.plan.PlanError: budget.csv row 4, media_budget: must be ≥ 0, got -5
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import pandas as pd
import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator

Level = Literal["account", "channel", "campaign"]
LEVELS: tuple[Level, ...] = ("account", "channel", "campaign")
CostKind = Literal["production", "agency"]
COST_KINDS: tuple[CostKind, ...] = ("production", "agency")
PLAN_COLUMNS = ("period_start", "period_end", "month", "level", "name", "media_budget",
                "production_costs", "agency_fees", "currency")
COST_COLUMNS = ("date", "level", "name", "kind", "amount", "currency")
M = TypeVar("M", bound=BaseModel)


class PlanError(ValueError):
    """A plan or costs file that cannot be used; the message names the file, row and field."""


# --- field parsers: each raises ValueError with the message the user reads -------------------

def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError(f"must be a date such as 2026-11-01, got {value!r}")


def _money(value: object) -> float:
    if isinstance(value, bool):
        raise ValueError(f"must be a number, got {value!r}")
    try:
        number = float(value.strip() if isinstance(value, str) else value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        hint = " (use a point as the decimal separator)" if "," in str(value) else ""
        raise ValueError(f"must be a number such as 1250.50, got {value!r}{hint}") from None
    if not math.isfinite(number):
        raise ValueError(f"must be a finite number, got {value!r}")
    if number < 0:
        raise ValueError(f"must be ≥ 0, got {number:g}")
    return number


def _level(value: object) -> str:
    text = str(value).strip().lower()
    if text not in LEVELS:
        raise ValueError(f"must be one of {', '.join(LEVELS)}, got {value!r}")
    return text


def _kind(value: object) -> str:
    text = str(value).strip().lower()
    if text not in COST_KINDS:
        raise ValueError(f"must be one of {', '.join(COST_KINDS)}, got {value!r}")
    return text


def _currency(value: object) -> str:
    text = str(value).strip()
    if not re.fullmatch(r"[A-Z]{3}", text):
        raise ValueError(f"must be an ISO 4217 currency code such as EUR, got {value!r}")
    return text


def _text(value: object) -> str:
    return str(value).strip()


def _month(value: object) -> tuple[dt.date, dt.date]:
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"month: must be a month such as 2026-11, got {value!r}")
    year, month = int(match.group(1)), int(match.group(2))
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


Day = Annotated[dt.date, BeforeValidator(_date)]
Money = Annotated[float, BeforeValidator(_money)]
Currency = Annotated[str, BeforeValidator(_currency)]
Name = Annotated[str, BeforeValidator(_text)]


def _scope(level: str, name: str) -> str:
    """A problem with ``name`` for this level, or an empty string."""
    if level != "account" and not name:
        return f"name: required for level {level}"
    if level == "campaign" and not re.fullmatch(r"[a-z0-9_]+:.+", name):
        return f"name: must be a campaign key such as gads:2087345005, got {name!r}"
    return ""


class _PlanRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    period_start: Day
    period_end: Day
    level: Annotated[Level, BeforeValidator(_level)]
    name: Name = ""
    media_budget: Money
    production_costs: Money = 0.0
    agency_fees: Money = 0.0
    currency: Currency

    @model_validator(mode="before")
    @classmethod
    def _expand_month(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "month" not in data:
            return data
        data = dict(data)
        month = data.pop("month")
        if "period_start" in data or "period_end" in data:
            raise ValueError("month: give either month or period_start and period_end, not both")
        data["period_start"], data["period_end"] = _month(month)
        return data

    @model_validator(mode="after")
    def _consistent(self) -> _PlanRow:
        if self.period_end < self.period_start:
            raise ValueError(f"period_end: must be on or after period_start "
                             f"({self.period_start}), got {self.period_end}")
        problem = _scope(self.level, self.name)
        if problem:
            raise ValueError(problem)
        return self


class _CostRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    date: Day
    level: Annotated[Level, BeforeValidator(_level)]
    name: Name = ""
    kind: Annotated[CostKind, BeforeValidator(_kind)]
    amount: Money
    currency: Currency

    @model_validator(mode="after")
    def _consistent(self) -> _CostRow:
        problem = _scope(self.level, self.name)
        if problem:
            raise ValueError(problem)
        return self


# --- results ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanLine:
    """One budget for one scope and period; ``row`` is where it stands in its file."""

    period_start: dt.date
    period_end: dt.date
    level: Level
    name: str  # channel name or campaign key; empty for the account
    media_budget: float
    production_costs: float
    agency_fees: float
    currency: str
    row: int = 0

    @property
    def days(self) -> int:
        return (self.period_end - self.period_start).days + 1

    @property
    def total_budget(self) -> float:
        """Media budget plus production costs plus agency fees."""
        return self.media_budget + self.production_costs + self.agency_fees

    @property
    def label(self) -> str:
        return f"{self.level} {self.name}".strip()


@dataclass(frozen=True)
class CostLine:
    """A dated production or agency cost for one scope (from the optional costs file)."""

    date: dt.date
    level: Level
    name: str
    kind: CostKind
    amount: float
    currency: str
    row: int = 0


# --- validation -------------------------------------------------------------------------------

def _present(raw: Mapping[str, object]) -> dict[str, object]:
    """The row without empty cells (a blank CSV cell means "not given")."""
    return {str(k).strip(): v for k, v in raw.items()
            if k is not None and v is not None and not (isinstance(v, str) and not v.strip())}


def _problems(exc: ValidationError, where: str) -> list[str]:
    out = []
    for err in exc.errors(include_url=False):
        field = ".".join(str(part) for part in err["loc"])
        message = "required" if err["type"] == "missing" else err["msg"]
        message = message.removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown column"
        out.append(f"{where}, {field}: {message}" if field else f"{where}, {message}")
    return out


def _validate(model: type[M], rows: Iterable[Mapping[str, object]], source: str,
              first_row: int) -> list[tuple[int, M]]:
    valid: list[tuple[int, M]] = []
    problems: list[str] = []
    for number, raw in enumerate(rows, start=first_row):
        where = f"{source} row {number}"
        if not isinstance(raw, Mapping):
            problems.append(f"{where}: expected a mapping of fields, got {type(raw).__name__}")
            continue
        try:
            valid.append((number, model.model_validate(_present(raw))))
        except ValidationError as exc:
            problems.extend(_problems(exc, where))
    if problems:
        raise PlanError("; ".join(problems))
    return valid


def _overlaps(lines: Sequence[PlanLine], source: str) -> list[str]:
    problems = []
    by_scope: dict[tuple[str, str], list[PlanLine]] = {}
    for line in lines:
        by_scope.setdefault((line.level, line.name), []).append(line)
    for (level, name), group in by_scope.items():
        ordered = sorted(group, key=lambda line: line.period_start)
        reach = ordered[0]  # the line seen so far that ends last
        for line in ordered[1:]:
            if line.period_start <= reach.period_end:
                rows = sorted((reach.row, line.row))
                scope = f"{level} {name}".strip()
                problems.append(
                    f"{source} rows {rows[0]} and {rows[1]}: overlapping periods for {scope} "
                    f"({reach.period_start} to {reach.period_end} and "
                    f"{line.period_start} to {line.period_end})")
            if line.period_end > reach.period_end:
                reach = line
    return problems


def parse_plan(rows: Iterable[Mapping[str, object]], source: str = "plan",
               first_row: int = 1) -> tuple[PlanLine, ...]:
    """Plan lines from rows of fields (values may be strings, as read from a CSV)."""
    valid = _validate(_PlanRow, rows, source, first_row)
    lines = tuple(PlanLine(**row.model_dump(), row=number) for number, row in valid)
    problems = _overlaps(lines, source)
    if problems:
        raise PlanError("; ".join(problems))
    return lines


def parse_costs(rows: Iterable[Mapping[str, object]], source: str = "costs",
                first_row: int = 1) -> tuple[CostLine, ...]:
    """Cost lines from rows of fields."""
    valid = _validate(_CostRow, rows, source, first_row)
    return tuple(CostLine(**row.model_dump(), row=number) for number, row in valid)


# --- files ------------------------------------------------------------------------------------

class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so a bad date is reported by its field."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read(path: Path, columns: Sequence[str]) -> tuple[list[Mapping[str, object]], int]:
    """The file's rows and the row number of the first one."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise PlanError(f"{path.name}: cannot read the file ({exc.strerror})") from exc
    suffix = path.suffix.lower()
    if suffix == ".csv":
        # Separated by commas, semicolons (Excel in Belgium) or tabs: whichever the header has
        # most of. StringIO, not splitlines(), which also splits at U+2028 inside a name.
        sep = max(",;\t", key=text.partition("\n")[0].count)
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=sep)
        header = [(name or "").strip() for name in reader.fieldnames or []]
        unknown = [name for name in header if name not in columns]
        if not header:
            raise PlanError(f"{path.name}: empty file (expected a header row)")
        if unknown:
            raise PlanError(f"{path.name} row 1: unknown column(s) {', '.join(unknown)} "
                            f"(known: {', '.join(columns)})")
        rows: list[Mapping[str, object]] = []
        for number, record in enumerate(reader, start=2):
            if None in record:
                raise PlanError(f"{path.name} row {number}: more cells than the header has "
                                f"columns ({len(header)})")
            rows.append(record)
        return rows, 2
    if suffix in (".yaml", ".yml"):
        try:
            data = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f" (line {mark.line + 1})" if mark is not None else ""
            raise PlanError(f"{path.name}{line}: not valid YAML: {exc}") from exc
        if isinstance(data, dict) and set(data) == {"lines"}:
            data = data["lines"]
        if not isinstance(data, list):
            raise PlanError(f"{path.name}: expected a list of rows (or a mapping with 'lines')")
        return data, 1
    raise PlanError(f"{path.name}: unsupported file type {suffix or '(none)'}; "
                    f"use .csv, .yaml or .yml")


def load_plan(path: Path | str) -> tuple[PlanLine, ...]:
    """Read and validate a budget plan file (CSV or YAML); :class:`PlanError` on bad input."""
    path = Path(path)
    rows, first = _read(path, PLAN_COLUMNS)
    return parse_plan(rows, path.name, first)


def load_costs(path: Path | str) -> tuple[CostLine, ...]:
    """Read and validate a costs file (CSV or YAML); :class:`PlanError` on bad input."""
    path = Path(path)
    rows, first = _read(path, COST_COLUMNS)
    return parse_costs(rows, path.name, first)


def plan_frame(lines: Sequence[PlanLine]) -> pd.DataFrame:
    """The plan as a tidy frame, one row per line, with ``days`` and ``total_budget``."""
    frame = pd.DataFrame([asdict(line) for line in lines],
                         columns=[*PlanLine.__dataclass_fields__])
    frame["days"] = [line.days for line in lines]
    frame["total_budget"] = [line.total_budget for line in lines]
    return frame


def costs_frame(lines: Sequence[CostLine]) -> pd.DataFrame:
    """The costs as a tidy frame, one row per line."""
    return pd.DataFrame([asdict(line) for line in lines],
                        columns=[*CostLine.__dataclass_fields__])
