"""The trends page reads every week and only the days it draws: the page from those rows is
the page from the whole history, byte for byte."""

from __future__ import annotations

import ibis
import pandas as pd

from dashboards.readers import trends_rows
from dashboards.trends import daily_start, render_trends
from tests.dashboards.test_trends_page import build_values


def _warehouse(values: pd.DataFrame):
    """An in-memory DuckDB (bounded) holding ``values`` as ``kpi_values``."""
    con = ibis.duckdb.connect()
    con.raw_sql("SET memory_limit = '256MB'")
    empty = [c for c in values.columns if values[c].isna().all()]  # all-null: give them a type
    con.create_table("kpi_values", values.astype({c: "string" for c in empty}))
    return con


def test_the_page_from_the_rows_read_is_the_page_from_every_row() -> None:
    values = build_values()  # 150 days and their weeks: longer than the 13 daily weeks
    con = _warehouse(values)
    rows = trends_rows(con)
    days = rows[rows["grain"] == "day"]
    last = values.loc[values["grain"] == "day", "period_start"].max().date()
    assert days["period_start"].min().date() == daily_start(last)
    assert days["period_start"].nunique() == 91 < values["period_start"].nunique()
    assert len(rows[rows["grain"] == "week"]) == ((values["grain"] == "week")
                                                 & (values["level"] == "total")).sum()
    assert render_trends(rows, lang="nl", account="Zonnig Huis") == render_trends(
        values, lang="nl", account="Zonnig Huis")


def test_without_day_rows_every_week_is_read() -> None:
    values = build_values()
    weeks = values[values["grain"] == "week"].reset_index(drop=True)
    con = _warehouse(weeks)
    rows = trends_rows(con)
    assert len(rows) == len(weeks) and set(rows["grain"]) == {"week"}
    pd.testing.assert_series_equal(rows["value"].sort_values(ignore_index=True),
                                   weeks["value"].sort_values(ignore_index=True))
