"""Issue 16: the quality page is written by the nightly run itself, so that run has not
finished when the page is rendered: the page names it, and the last successful run before it,
from the real run history (the Dagster instance kept in the data folder)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from assets.runner import kept_instance
from kpi.language.format import format_datetime
from tests.assets.conftest import demo_config


def _when(timestamp: float, lang: str) -> str:
    zone = ZoneInfo(demo_config().reporting.time_zone)
    return format_datetime(dt.datetime.fromtimestamp(timestamp, dt.UTC).astimezone(zone), lang)


def test_the_first_run_names_itself_not_no_run_recorded(built) -> None:
    paths, result = built
    with kept_instance(paths) as instance:
        started = instance.get_run_record_by_id(result.run_id).start_time
    page = (paths.output / "quality.en.html").read_text(encoding="utf-8")
    assert "No run recorded yet" not in page  # what the page said while this run was going
    assert f"Updated by the run started {_when(started, 'en')}" in page
    assert "No successful run yet" not in page


def test_the_next_run_lists_the_one_before_it(built, next_night) -> None:
    _, before = built
    copy, result = next_night  # the night of END run on top of the built data folder
    assert result.success
    with kept_instance(copy) as instance:
        previous = instance.get_run_record_by_id(before.run_id).end_time
        started = instance.get_run_record_by_id(result.run_id).start_time
    page = (copy.output / "quality.nl.html").read_text(encoding="utf-8")
    assert f"Bijgewerkt door de run gestart op {_when(started, 'nl')}" in page
    assert f"Vorige geslaagde run: {_when(previous, 'nl')}" in page
