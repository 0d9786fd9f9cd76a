"""Unit-level exposures from a file: the configured experiments' rows, identifiers hashed at
once, and every mistake named by file, row and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from pipelines.experiment_config import ExperimentDefinition
from pipelines.privacy import pseudonymise
from pipelines.sources.exposures import ExposuresError, read_units_file, unit_columns

KEY = b"test-key-" * 4
AS_OF = dt.date(2026, 10, 20)
LANDING = ExperimentDefinition.model_validate({
    "id": "lp", "name": "Landing page", "arms": [{"id": "a"}, {"id": "b"}], "control": "a",
    "start": "2026-10-01", "end": "2026-10-28",
    "metrics": [{"id": "conversion", "kind": "proportion", "numerator": "converted"},
                {"id": "revenue", "kind": "mean", "numerator": "revenue",
                 "covariate": "pre_revenue"}]})
ROWS = [
    {"experiment_id": "lp", "unit_id": "GA1.1.111", "arm": "a",
     "first_exposure_date": "2026-10-01", "converted": "1", "revenue": "120.5",
     "pre_revenue": ""},
    {"experiment_id": "lp", "unit_id": "GA1.1.222", "arm": "b",
     "first_exposure_date": "2026-10-02", "converted": "0", "revenue": "",
     "pre_revenue": "40"},
    {"experiment_id": "other", "unit_id": "GA1.1.333", "arm": "zz",  # not configured: skipped
     "first_exposure_date": "2026-10-02", "converted": "1", "revenue": "1", "pre_revenue": ""},
    {"experiment_id": "lp", "unit_id": "GA1.1.444", "arm": "b",  # after as_of: left out
     "first_exposure_date": "2026-10-25", "converted": "1", "revenue": "80",
     "pre_revenue": "0"},
]


def read(path: Path) -> pd.DataFrame:
    return read_units_file(path, [LANDING], AS_OF, lambda ids: pseudonymise(ids, KEY))


def write_csv(tmp_path: Path, rows: list[dict], name: str = "units.csv") -> Path:
    path = tmp_path / name
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_file_gives_the_configured_units_with_hashed_ids(tmp_path, suffix) -> None:
    path = tmp_path / f"units{suffix}"
    frame = pd.DataFrame(ROWS)
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.replace("", None).to_parquet(path)
    units = read(path)
    assert list(units.columns) == list(unit_columns([LANDING]))
    assert units.arm.tolist() == ["a", "b"]
    assert units.converted.tolist() == [1.0, 0.0] and units.revenue.tolist() == [120.5, 0.0]
    assert units.pre_revenue.tolist() == [0.0, 40.0]  # empty = did nothing = 0
    assert units.unit_id.tolist() == pseudonymise(pd.Series(["GA1.1.111", "GA1.1.222"]),
                                                  KEY).tolist()
    assert not units.astype(str).apply(lambda c: c.str.contains("GA1.1")).any().any()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"arm": "c"}, r"units\.csv row 3, arm: not an arm of experiment 'lp' \(a, b\) "
                       r"\(got 'c'; 1 such rows\)"),
        ({"unit_id": "GA1.1.111"}, r"units\.csv row 3, unit_id: this unit is listed twice"),
        ({"first_exposure_date": "02/10/2026"},
         r"units\.csv row 3, first_exposure_date: not an ISO date"),
        ({"revenue": "12,50"}, r"units\.csv row 3, revenue: not a number \(got '12,50'"),
        ({"unit_id": ""}, r"units\.csv row 3, unit_id: empty"),
    ],
)
def test_mistakes_name_the_row_and_column(tmp_path, change, message) -> None:
    rows = [ROWS[0], {**ROWS[1], **change}]
    with pytest.raises(ExposuresError, match=message):
        read(write_csv(tmp_path, rows))


def test_the_raw_identifier_never_appears_in_an_error(tmp_path) -> None:
    rows = [ROWS[0], {**ROWS[1], "unit_id": ROWS[0]["unit_id"]}]
    with pytest.raises(ExposuresError) as caught:
        read(write_csv(tmp_path, rows))
    assert "GA1.1.111" not in str(caught.value)


def test_a_missing_column_or_file_is_named(tmp_path) -> None:
    path = write_csv(tmp_path, [{k: v for k, v in ROWS[0].items() if k != "pre_revenue"}])
    with pytest.raises(ExposuresError, match=r"units\.csv: missing column\(s\) pre_revenue"):
        read(path)
    with pytest.raises(ExposuresError, match=r"nope\.csv: file not found"):
        read(tmp_path / "nope.csv")
