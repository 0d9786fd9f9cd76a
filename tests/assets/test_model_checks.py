"""The blocking model checks, called as plain functions on hand-built warehouses: a day every
source pulled and found empty is empty, not missing; a day nobody pulled is missing."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from assets.checks import model_no_missing_days
from assets.resources import WarehouseResource
from assets.settings import EXAMPLE_CONFIG
from kpi import model
from pipelines.sources.base import Extract, Window
from pipelines.sources.streams import STREAMS
from pipelines.warehouse.store import connect, replace_window, write_extract
from tests.kpi import handmade
from tests.kpi.conftest import rules

EMPTY_DAY = handmade.D2 + dt.timedelta(days=1)
SHIFT = dt.timedelta(days=3)  # the two handmade days again, after the empty one


def _shifted(extract: Extract) -> Extract:
    frame = extract.frame.assign(date=extract.frame["date"] + SHIFT)
    window = Window(extract.window.start + SHIFT, extract.window.end + SHIFT)
    return dataclasses.replace(extract, frame=frame, window=window)


def _empty(extract: Extract) -> Extract:
    return dataclasses.replace(extract, frame=extract.frame.iloc[0:0],
                               window=Window(EMPTY_DAY, EMPTY_DAY))


def _warehouse(folder, pulled_empty_by: set[str]) -> WarehouseResource:
    con = connect(folder / "warehouse.duckdb")
    for extract in handmade.extracts():
        write_extract(con, extract)
        write_extract(con, _shifted(extract))
        if extract.stream.name in pulled_empty_by:
            write_extract(con, _empty(extract))
    raw = {name: con.table(s.table) for name, s in STREAMS.items()}
    last = handmade.D2 + SHIFT
    replace_window(con, model.MODEL_TABLE,
                   model.campaign_daily(raw, rules(), ["EUR"], handmade.D1, last),
                   Window(handmade.D1, last))
    con.disconnect()
    return WarehouseResource(data_dir=str(folder), config_path=str(EXAMPLE_CONFIG))


def test_a_day_every_source_pulled_and_found_empty_is_not_missing(tmp_path):
    result = model_no_missing_days(_warehouse(tmp_path, set(STREAMS)))
    assert result.passed
    assert result.metadata["empty_days"].value == 1
    assert result.description == "no missing days (1 pulled and empty)"


@pytest.mark.parametrize("silent", ["ga4_key_events_daily", "ads_campaign_daily"])
def test_a_day_one_stream_never_pulled_is_missing(tmp_path, silent):
    result = model_no_missing_days(_warehouse(tmp_path, set(STREAMS) - {silent}))
    assert not result.passed
    assert result.description.startswith(f"1 days without any data, first {EMPTY_DAY}: "
                                          "backfill them")


def test_the_model_days_are_as_built(tmp_path):
    con = connect(_warehouse(tmp_path, set(STREAMS)).data_dir + "/warehouse.duckdb")
    days = con.execute(con.table(model.MODEL_TABLE).select("date").distinct())["date"]
    assert sorted(pd.to_datetime(days).dt.date) == [
        handmade.D1, handmade.D2, handmade.D1 + SHIFT, handmade.D2 + SHIFT]


def test_values_left_null_are_counted_by_a_warning_check(tmp_path):
    from assets.checks import NULL_REASONS, values_computed_check

    con = connect(tmp_path / "warehouse.duckdb")
    con.raw_sql("CREATE TABLE experiment_results AS SELECT * FROM (VALUES ('a', NULL), "
                "('b', 'zero_treatment'), ('c', 'zero_treatment'), ('d', 'empty_arm')) "
                "t(arm, null_reason)")
    con.disconnect()
    warehouse = WarehouseResource(data_dir=str(tmp_path), config_path=str(EXAMPLE_CONFIG))
    item = next(i for i in NULL_REASONS if i.table == "experiment_results")
    result = values_computed_check(item)(warehouse)
    assert not result.passed and result.severity.value == "WARN"
    assert result.description == ("3 rows of experiment_results left null: "
                                  "2 zero_treatment, 1 empty_arm")
    assert result.metadata["by_reason"].value == {"zero_treatment": 2, "empty_arm": 1}
