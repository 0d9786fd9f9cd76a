"""The weekly report as Dagster runs it: weekly partitions, the Monday schedule, the asset."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import dagster as dg
import pytest

from assets.definitions import build_definitions
from assets.report import REPORT_ASSET, report_paths
from assets.resources import resources_for
from assets.runner import run_weekly_report
from assets.settings import Paths
from kpi.language.format import format_value
from kpi.weekly import IsoWeek
from pipelines.warehouse.store import connect
from tests.assets.conftest import EXAMPLE_CONFIG, copy_of, demo_config, read

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
W11 = IsoWeek.parse("2026-W11")  # the short demo's last week (9-15 March 2026)


@pytest.fixture(scope="module")
def defs(tmp_path_factory) -> dg.Definitions:
    paths = Paths(tmp_path_factory.mktemp("defs"), EXAMPLE_CONFIG)
    return build_definitions(demo_config(), resources_for(paths, from_env=False))


def test_report_partitions_are_iso_weeks_from_the_first_monday(defs: dg.Definitions) -> None:
    job = defs.resolve_job_def("weekly_report_job")
    keys = job.partitions_def.get_partition_keys(
        current_time=dt.datetime(2026, 3, 16, 7, tzinfo=BRUSSELS))
    assert keys[0] == "2026-01-05" and keys[-1] == "2026-03-09"  # the week that has ended
    assert all(dt.date.fromisoformat(k).weekday() == 0 for k in keys)


def test_the_nightly_job_leaves_the_report_to_its_own_job(defs: dg.Definitions) -> None:
    nightly = defs.resolve_job_def("nightly").asset_layer.executable_asset_keys
    weekly = defs.resolve_job_def("weekly_report_job").asset_layer.executable_asset_keys
    assert dg.AssetKey(REPORT_ASSET) not in nightly and dg.AssetKey("kpi_values") in nightly
    assert weekly == {dg.AssetKey(REPORT_ASSET), dg.AssetKey("weekly_report_delivery")}


def test_monday_schedule_reports_the_week_that_ended(defs: dg.Definitions) -> None:
    schedule = defs.resolve_schedule_def("weekly_report_schedule")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 7 * * 1",
                                                                      "Europe/Brussels")
    with dg.instance_for_test() as instance, dg.build_schedule_context(
            instance=instance, repository_def=defs.get_repository_def(),
            scheduled_execution_time=dt.datetime(2026, 3, 16, 7, tzinfo=BRUSSELS)) as context:
        requests = schedule.evaluate_tick(context).run_requests
    assert [r.partition_key for r in requests] == ["2026-03-09"]  # ISO week 11


def test_the_asset_writes_every_language_with_the_warehouse_figures(built, tmp_path) -> None:
    paths = copy_of(built, tmp_path / "copy")
    with dg.instance_for_test() as instance:
        result = run_weekly_report(paths, demo_config(), W11, instance=instance)
    assert result.success
    (event,) = result.get_asset_materialization_events()
    metadata = event.event_specific_data.materialization.metadata
    assert metadata["week"].value == "2026-W11"
    values = read(connect(paths.warehouse, read_only=True), "kpi_values")
    row = values[(values["grain"] == "week") & (values["level"] == "total")
                 & (values["metric"] == "conversions")
                 & (values["period_start"].astype(str).str[:10] == "2026-03-09")]
    conversions = float(row["value"].iloc[0])
    # the demo ends on the week's Sunday: its conversions are still arriving, so the report
    # shows the nowcast (whole conversions) and what has arrived
    nowcast = read(connect(paths.warehouse, read_only=True), "kpi_nowcast")
    expected = nowcast[(nowcast["grain"] == "week") & (nowcast["level"] == "total")
                       & (nowcast["metric"] == "conversions")
                       & (nowcast["period_start"].astype(str).str[:10] == "2026-03-09")]
    assert float(expected["seen"].iloc[0]) == conversions
    for lang in ("nl", "fr", "en"):
        html, pdf = report_paths(paths.output, W11, lang)
        assert metadata[f"html_{lang}"].value == str(html)
        assert metadata[f"pdf_{lang}"].value == str(pdf) and pdf.read_bytes()[:5] == b"%PDF-"
        page = html.read_text(encoding="utf-8")
        shown = format_value(round(float(expected["nowcast"].iloc[0])), "count", lang)
        assert f"<b>≈ {shown}</b>" in page
        assert format_value(conversions, "count", lang) in page


def test_one_language_without_pdf_and_a_week_outside_the_partitions(built, tmp_path) -> None:
    paths = copy_of(built, tmp_path / "copy")
    with dg.instance_for_test() as instance:
        result = run_weekly_report(paths, demo_config(), W11, languages=("fr",), pdf=False,
                                   instance=instance)
        assert result.success
        with pytest.raises(ValueError, match="no weekly report for 2025-W50: the weeks are "
                                             "2026-W02 to"):
            run_weekly_report(paths, demo_config(), IsoWeek(2025, 50), instance=instance)
    folder = report_paths(paths.output, W11, "fr")[0].parent
    assert sorted(p.name for p in folder.iterdir()) == ["weekly-report.fr.html"]
