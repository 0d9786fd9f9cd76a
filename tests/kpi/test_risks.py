"""The risk register across nights: a risk opens once, is updated while it lasts, closes when
gone and is never deleted; the same night twice changes nothing; an older night is left alone."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa

from kpi.review.risk_store import nightly, read_register, source_health
from kpi.review.risks import Finding, fold
from kpi.review.tables import GOALS_SCHEMA, GOALS_TABLE
from pipelines.warehouse.store import connect, replace_with_arrow

NIGHT1, NIGHT2, NIGHT3 = dt.date(2026, 4, 7), dt.date(2026, 4, 8), dt.date(2026, 4, 9)


def goal_rows(night: dt.date, statuses: dict[str, str]) -> list[dict]:
    empty = dict.fromkeys(GOALS_SCHEMA.names)
    return [{**empty, "goal_id": name, "name": name, "level": "total", "as_of": night,
             "status": status, "probability": 0.1} for name, status in statuses.items()]


def write_goals(con, rows: list[dict]) -> None:
    replace_with_arrow(con, {GOALS_TABLE: pa.Table.from_pylist(rows, schema=GOALS_SCHEMA)})


def test_a_risk_opens_updates_closes_and_reopens_as_a_new_one() -> None:
    srm = Finding("srm", "experiment", "e1", "Checkout", "srm_mismatch", 1e-5, "high")
    one = fold((), [srm], NIGHT1, {"srm": "Lotte"})
    two = fold(one, [srm], NIGHT2, {"srm": "Lotte"})
    assert [(r.first_seen, r.last_seen, r.status) for r in two] == [(NIGHT1, NIGHT2, "open")]
    assert two[0].risk_id == one[0].risk_id and two[0].owner == "Lotte"
    three = fold(two, [], NIGHT3, {})
    assert [(r.status, r.closed_on) for r in three] == [("closed", NIGHT3)]
    four = fold(three, [srm], NIGHT3 + dt.timedelta(days=1), {})
    assert [r.status for r in four] == ["closed", "open"]
    assert len({r.risk_id for r in four}) == 2


def test_the_register_in_the_warehouse_across_two_nights() -> None:
    con = connect(":memory:")
    owners = {"goal": "Sofie"}
    write_goals(con, goal_rows(NIGHT1, {"Leads": "off_track", "Sales": "on_track"}))
    first = nightly(con, NIGHT1, owners)
    assert [(r.kind, r.key, r.detail, r.owner) for r in first] == [
        ("goal", "Leads", "off_track", "Sofie")]
    assert nightly(con, NIGHT1, owners) == first == read_register(con)  # same night again
    write_goals(con, [*goal_rows(NIGHT1, {"Leads": "off_track", "Sales": "on_track"}),
                      *goal_rows(NIGHT2, {"Leads": "on_track", "Sales": "at_risk"})])
    second = nightly(con, NIGHT2, owners)
    by_key = {r.key: r for r in second}
    assert (by_key["Leads"].status, by_key["Leads"].closed_on) == ("closed", NIGHT2)
    assert (by_key["Sales"].status, by_key["Sales"].first_seen, by_key["Sales"].severity) == (
        "open", NIGHT2, "medium")
    assert nightly(con, NIGHT1, owners) == second  # an older night changes nothing
    assert len(read_register(con)) == 2  # nothing deleted


def test_sources_behind_and_flagged_days_from_the_extract_log() -> None:
    log = pd.DataFrame({
        "stream": ["ga4_sessions_daily"] * 3 + ["ads_campaign_daily"] * 2,
        "date": [NIGHT1, NIGHT2, NIGHT3, NIGHT1, NIGHT3],
        "rows": [10, 10, 0, 5, 5],
        "metadata": ['{"sampled": true}', None, None, None, '{"sampled": false}']})
    behind, flagged = source_health(log, NIGHT3 + dt.timedelta(days=1))
    assert behind == {"ga4": 2, "google_ads": 1} and flagged == {"ga4": 1, "google_ads": 0}
