"""The monthly steering report as Dagster runs it: calendar-month partitions, the schedule on
the 2nd, the asset on the short demo's warehouse (three languages, PDF, figures from the
month's days), ``campaign-kpi report --month`` and the delivery to the monthly recipients."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import dagster as dg
import pytest
from markupsafe import escape
from typer.testing import CliRunner

from assets.cli import app
from assets.definitions import build_definitions
from assets.monthly_command import run_monthly_report
from assets.monthly_report import (
    MONTHLY_ASSET,
    MONTHLY_DELIVERY_ASSET,
    monthly_partitions,
    monthly_paths,
)
from assets.resources import resources_for
from assets.runner import failure_reason
from assets.runner import write_resolved_config as write_config
from assets.settings import Paths
from kpi.language.format import format_value
from kpi.review.tables import GOALS_TABLE
from pipelines.config import Config
from pipelines.months import CalendarMonth
from pipelines.privacy import KEY_ENV
from pipelines.warehouse.store import connect
from tests.assets.conftest import EXAMPLE_CONFIG, copy_of, demo_config, read
from tests.fakes.smtp_server import HOST, PASSWORD, USER, smtp_server
from tests.fakes.tls import localhost_cert

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
FEB = CalendarMonth(2026, 2)  # the short demo's (5 Jan - 15 Mar 2026) only whole month


@pytest.fixture(scope="module")
def defs(tmp_path_factory) -> dg.Definitions:
    paths = Paths(tmp_path_factory.mktemp("defs"), EXAMPLE_CONFIG)
    return build_definitions(demo_config(), resources_for(paths, from_env=False))


def test_partitions_are_the_whole_months_that_have_ended(defs: dg.Definitions) -> None:
    job = defs.resolve_job_def("monthly_report_job")
    keys = job.partitions_def.get_partition_keys(
        current_time=dt.datetime(2026, 3, 16, 8, tzinfo=BRUSSELS))
    assert keys == ["2026-02-01"]  # January starts on the 5th; March has not ended
    longer = monthly_partitions(demo_config(dt.date(2026, 6, 30)))
    assert longer.get_partition_keys()[-1] == "2026-06-01"  # a month ending on the demo's end


def test_the_monthly_job_runs_its_own_assets(defs: dg.Definitions) -> None:
    nightly = defs.resolve_job_def("nightly").asset_layer.executable_asset_keys
    weekly = defs.resolve_job_def("weekly_report_job").asset_layer.executable_asset_keys
    monthly = defs.resolve_job_def("monthly_report_job").asset_layer.executable_asset_keys
    assert monthly == {dg.AssetKey(MONTHLY_ASSET), dg.AssetKey(MONTHLY_DELIVERY_ASSET)}
    assert not monthly & (nightly | weekly)
    graph = defs.resolve_asset_graph()
    assert graph.get(dg.AssetKey(MONTHLY_DELIVERY_ASSET)).parent_keys == {
        dg.AssetKey(MONTHLY_ASSET)}

GOAL_TITLE = {"nl": "Doelen en risico's", "fr": "Objectifs et risques",
              "en": "Goals and risks"}


def test_the_asset_writes_every_language_with_the_months_days(built, tmp_path) -> None:
    paths = copy_of(built, tmp_path / "copy")
    with dg.instance_for_test() as instance:
        result = run_monthly_report(paths, demo_config(), FEB, instance=instance)
    assert result.success, failure_reason(result)
    (event,) = result.get_asset_materialization_events()
    metadata = event.event_specific_data.materialization.metadata
    assert metadata["month"].value == "2026-02"
    con = connect(paths.warehouse, read_only=True)
    values = read(con, "kpi_values")
    total = values[(values["level"] == "total") & (values["metric"] == "conversions")]
    days = total[(total["grain"] == "day")
                 & total["period_start"].astype(str).str[:7].eq("2026-02")]
    month = total[(total["grain"] == "month")
                  & (total["period_start"].astype(str).str[:10] == "2026-02-01")]
    assert len(days) == 28 and float(month["value"].iloc[0]) == days["value"].sum()
    cost = values[(values["grain"] == "month") & (values["level"] == "total")
                  & (values["metric"] == "cost")
                  & (values["period_start"].astype(str).str[:10] == "2026-02-01")]
    goals = read(con, GOALS_TABLE)
    goal_names = set(goals.loc[goals["as_of"] == goals["as_of"].max(), "name"])
    assert goal_names  # the example config's goals, judged each night
    nowcast = read(con, "kpi_nowcast")
    expected = nowcast[(nowcast["grain"] == "month") & (nowcast["level"] == "total")
                       & (nowcast["metric"] == "conversions")
                       & (nowcast["period_start"].astype(str).str[:10] == "2026-02-01")]
    # the demo ends on 15 March: February's last days still gain conversions, so the report
    # shows the nowcast beside what has arrived, and says the month is provisional
    assert float(expected["seen"].iloc[0]) == days["value"].sum()
    no_last_year = {"nl": "Geen cijfers voor februari 2025", "en": "No figures for February 2025",
                    "fr": "Pas de chiffres pour février 2025"}
    for lang in ("nl", "fr", "en"):
        html, pdf = monthly_paths(paths.output, FEB, lang)
        assert metadata[f"html_{lang}"].value == str(html)
        assert metadata[f"pdf_{lang}"].value == str(pdf) and pdf.read_bytes()[:5] == b"%PDF-"
        page = html.read_text(encoding="utf-8")
        shown = format_value(round(float(expected["nowcast"].iloc[0])), "count", lang)
        assert f"<b>≈ {shown}</b>" in page
        assert format_value(days["value"].sum(), "count", lang) in page
        assert format_value(float(cost["value"].iloc[0]), "currency", lang) in page
        assert no_last_year[lang] in page
        # the goals and risks, as in the weekly report: each example goal by name
        assert escape(GOAL_TITLE[lang]) in page
        assert all(escape(name) in page for name in goal_names)
    assert html.parent.name == "2026-02" and html.name == "monthly-report.en.html"


def test_the_command_line_writes_the_month_and_refuses_bad_ones(built, tmp_path) -> None:
    paths = copy_of(built, tmp_path / "copy")
    config = write_config(paths, demo_config())
    args = ["--data-dir", str(paths.data_dir), "--config", str(config)]
    runner = CliRunner()
    done = runner.invoke(app, ["report", "--month", "2026-02", "--lang", "fr", *args])
    assert done.exit_code == 0, done.output
    assert monthly_paths(paths.output, FEB, "fr")[0].exists()
    for bad, said in (("2026-13", "month 01 to 12"), ("nov", "got 'nov'")):
        refused = runner.invoke(app, ["report", "--month", bad, *args])
        assert refused.exit_code == 2 and "month must look like 2026-11" in refused.output
        assert said in refused.output
    both = runner.invoke(app, ["report", "--month", "2026-02", "--week", "2026-W09", *args])
    assert both.exit_code == 2 and "choose one" in both.output
    later = runner.invoke(app, ["report", "--month", "2026-03", "--lang", "en", *args])
    assert later.exit_code == 1
    assert "no monthly report for 2026-03: the months are 2026-02 to 2026-02" in later.output


def test_only_the_monthly_recipients_get_it(built, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(KEY_ENV, "k" * 40)
    monkeypatch.setenv("SMTP_USER", USER)
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
    people = [("an@example.be", "nl", ["weekly", "monthly"]),
              ("benoit@example.be", "fr", ["monthly"]), ("chris@example.be", "en", ["weekly"])]
    with smtp_server() as (port, inbox), dg.instance_for_test() as instance:
        delivery = {
            "smtp": {"host": HOST, "port": port, "from_address": "kpi@agency.example.be",
                     "username_env": "SMTP_USER", "password_env": "SMTP_PASSWORD",
                     "ca_file": str(localhost_cert().path), "timeout_seconds": 2},
            "recipients": [{"address": a, "language": lang, "reports": reports}
                           for a, lang, reports in people],
            "retry": {"max_retries": 1, "initial_seconds": 0.01}}
        config = Config.model_validate({**demo_config().model_dump(), "delivery": delivery})
        paths = copy_of(built, tmp_path / "copy")
        paths = Paths(paths.data_dir, write_config(paths, config))
        result = run_monthly_report(paths, config, FEB, instance=instance, send=True)
        assert result.success, failure_reason(result)
        again = run_monthly_report(paths, config, FEB, pdf=False, instance=instance,
                                   send=True)
        assert again.success
    assert sorted(a for r in inbox.received for a in r.rcpt_tos) == ["an@example.be",
                                                                     "benoit@example.be"]
    french = inbox.to("benoit@example.be")[0].message
    assert "Rapport de pilotage mensuel" in french["Subject"]
    for kind in ("plain", "html"):  # the month's decisions, not the week's to-dos
        body = french.get_body((kind,)).get_content()
        assert "À décider maintenant" in body and "cette semaine" not in body
    (pdf,) = french.iter_attachments()
    assert pdf.get_content() == monthly_paths(paths.output, FEB, "fr")[1].read_bytes()
    ledger = read(connect(paths.warehouse, read_only=True), "report_deliveries")
    assert set(ledger["week"]) == {"2026-02"} and set(ledger["report"]) == {"monthly"}
    assert len(ledger) == 2  # the second run reached nobody twice


# Last: evaluating a schedule leaves Dagster's load context holding the test instance, which
# a warehouse built after it (the session's ``built``) would trip over.
def _requested(defs: dg.Definitions, at: dt.datetime) -> list[str]:
    schedule = defs.resolve_schedule_def("monthly_report_schedule")
    repository = defs.get_repository_def()  # built outside the test instance, which closes
    with dg.instance_for_test() as instance, dg.build_schedule_context(
            instance=instance, repository_def=repository, scheduled_execution_time=at) as context:
        return [r.partition_key for r in schedule.evaluate_tick(context).run_requests]


def test_the_schedule_asks_on_the_2nd_for_the_month_that_ended(defs: dg.Definitions) -> None:
    schedule = defs.resolve_schedule_def("monthly_report_schedule")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("30 7 2 * *",
                                                                      "Europe/Brussels")
    assert _requested(defs, dt.datetime(2026, 3, 2, 7, 30, tzinfo=BRUSSELS)) == ["2026-02-01"]


def test_on_the_real_date(tmp_path) -> None:
    """Today, whatever it is: a demo ending yesterday offers up to the last month that ended,
    and this month's tick (the 2nd) asks for the month before."""
    today = dt.date.today()
    config = demo_config(today - dt.timedelta(days=1))
    keys = monthly_partitions(config).get_partition_keys()
    ended = CalendarMonth.ended_by(today - dt.timedelta(days=1))
    assert keys[-1] == ended.start.isoformat()
    defs = build_definitions(config, resources_for(Paths(tmp_path, EXAMPLE_CONFIG),
                                                   from_env=False))
    tick = dt.datetime.combine(CalendarMonth.of(today).start.replace(day=2), dt.time(7, 30),
                               BRUSSELS)
    assert _requested(defs, tick) == [CalendarMonth.of(today).previous().start.isoformat()]
