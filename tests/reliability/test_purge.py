"""Retention: ``campaign-kpi purge`` deletes every row dated before the cutoff, in every table,
and the weekly reports of those weeks; nothing on or after it changes; twice is once."""

from __future__ import annotations

import datetime as dt
import doctest
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import pipelines.privacy_config
import pipelines.retention
from assets.catalog import CATALOG
from assets.cli import app
from assets.definitions import build_definitions
from assets.jobs import NIGHTLY_JOB
from assets.report import report_paths
from assets.resources import resources_for
from assets.retention import RETENTION_ASSET, build_retention_asset
from assets.runner import RESOLVED_CONFIG, run_nightly
from assets.settings import EXAMPLE_CONFIG, Paths
from kpi.weekly import IsoWeek
from pipelines.config import ConfigError, load_config
from pipelines.retention import PurgeSummary, RetentionError, plan, purge, today_in
from pipelines.warehouse.store import connect
from tests.assets.conftest import assert_same_tables, demo_config, shifted, tables

CLI = str(Path(sys.executable).parent / "campaign-kpi")
START, END = dt.date(2026, 1, 5), dt.date(2026, 2, 8)  # five weeks: quick to build
CUTOFF = dt.date(2026, 1, 21)  # a Wednesday: its week and its month began before it
WEEKS = [IsoWeek.of(START + dt.timedelta(weeks=i)) for i in range(5)]  # 2026-W02 .. W06
GONE = [w.label for w in WEEKS if w.start < CUTOFF]  # W02, W03, W04
# The campaign paused on the 18th: its history too short for an alert to say the pause may be
# a mistake, it has ended after 14 quiet days, and its review (which starts on the 5th) goes too.
PAUSED_REVIEW = "campaigns/gads:2087345004"
REVIEW_FILES = 7  # three pages, three PDFs, its stamp
GONE_FILES = f"{len(GONE) * 4 + REVIEW_FILES} files"  # each week: its four files
# How every table of the warehouse is dated (the rest is kept whole: the catalogue's kept).
DATED = {
    **dict.fromkeys(["raw_ads_campaign_daily", "raw_ads_ad_group_daily", "raw_extracts",
                     "raw_ads_conversion_action_daily", "raw_ga4_sessions_daily",
                     "raw_ga4_key_events_daily", "raw_meta_adset_daily", "campaign_daily",
                     "raw_ads_click_view", "crm_daily", "crm_daily_log",
                     "campaign_daily_inputs",
                     "kpi_inputs", "raw_revisions"],
                    "date"),
    "raw_orders": "order_date", "customer_clv": "acquired_on",
    "raw_experiment_units": "first_exposure_date", "experiment_stats_daily": "first_exposure_date",
    "experiment_history": "day", "clv_cohorts": "cohort", "crm_cohorts": "lead_week",
    "alerts": "since", "goal_progress": "as_of",
    "raw_email_campaigns": "send_date",
    **dict.fromkeys(["kpi_rollup", "kpi_values", "budget_pacing", "kpi_nowcast"],
                    "period_start"),
}
runner = CliRunner()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Paths:
    """The demo over five weeks (experiments running in it), with five weeks of reports."""
    folder = tmp_path_factory.mktemp("retention")
    config = demo_config(END, experiments=shifted(load_config(EXAMPLE_CONFIG).experiments, END))
    assert run_nightly(Paths(folder, EXAMPLE_CONFIG), config, START, END).success
    paths = Paths(folder, folder / RESOLVED_CONFIG)
    for week in WEEKS:
        for lang in ("nl", "en"):
            for file in report_paths(paths.output, week, lang):
                file.parent.mkdir(parents=True, exist_ok=True)
                file.write_text(week.label)
    (paths.output / "reports" / "README.txt").write_text("not a week: stays")
    return paths


def copy_of(built: Paths, folder: Path, **privacy) -> Paths:
    """A private copy of the warehouse and its reports (and a config with ``privacy``)."""
    folder.mkdir(exist_ok=True)
    (folder / "warehouse.duckdb").write_bytes(built.warehouse.read_bytes())
    for file in (built.output / "reports").rglob("*"):
        if file.is_file():
            target = folder / "out" / file.relative_to(built.output)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(file.read_bytes())
    config = yaml.safe_load(built.config.read_text())
    (folder / "config.yaml").write_text(yaml.safe_dump({**config, "privacy": privacy}))
    return Paths(folder, folder / "config.yaml")


def snapshot(paths: Paths) -> dict[str, pd.DataFrame]:
    con = connect(paths.warehouse, read_only=True)
    try:
        return tables(con)
    finally:
        con.disconnect()


def report_files(paths: Paths) -> dict[str, bytes]:
    reports = paths.output / "reports"
    return {str(f.relative_to(reports)): f.read_bytes() for f in sorted(reports.rglob("*"))
            if f.is_file()}


def dated_columns(paths: Paths) -> dict[str, str]:
    con = connect(paths.warehouse, read_only=True)
    try:
        return {d.table: d.column for d in plan(con, CATALOG).dated}
    finally:
        con.disconnect()


def purged(paths: Paths, dry_run: bool = False) -> PurgeSummary:
    """:func:`purge` at CUTOFF in this process, the connection closed after."""
    con = connect(paths.warehouse, read_only=dry_run)
    try:
        return purge(con, CUTOFF, paths.output, CATALOG, dry_run=dry_run)
    finally:
        con.disconnect()


def printed_rows(stdout: str) -> dict[str, int]:
    """Rows per table in the purge's table as printed."""
    cells = [[c.strip() for c in line.strip(" │").split("│")] for line in stdout.splitlines()]
    return {c[0]: int(c[2].replace(",", "")) for c in cells
            if len(c) == 3 and c[2].replace(",", "").isdigit() and c[0] != "total"}


def older(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_datetime(frame[column]).dt.normalize() < pd.Timestamp(CUTOFF)


def cli(*args: str) -> tuple[int, str, str]:
    """``campaign-kpi`` in this process (quick); the main purge runs as a real process."""
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def test_purge_deletes_every_row_before_the_cutoff_and_nothing_after(built, tmp_path):
    paths = copy_of(built, tmp_path / "data")
    before, dated = snapshot(paths), dated_columns(paths)
    assert dated == DATED and before.keys() - DATED.keys() == CATALOG.kept.keys()
    # goal_progress keeps one night per nightly run: a history built in one run holds only its
    # last night, after the cutoff (its purge is the same WHERE as every other table's)
    assert all(older(before[t], c).any() for t, c in dated.items() if t != "goal_progress"), \
        "every dated table holds rows before the cutoff, so the test can see them go"

    result = subprocess.run(
        [CLI, "purge", "--older-than", CUTOFF.isoformat(), "--data-dir", str(paths.data_dir),
         "--config", str(paths.config)],
        capture_output=True, text=True, timeout=300, env={"PATH": "/usr/bin:/bin",
                                                          "COLUMNS": "120"})
    assert result.returncode == 0, result.stdout + result.stderr
    after = snapshot(paths)

    assert after.keys() == before.keys()
    for table, frame in before.items():
        if table in dated:
            assert not older(after[table], dated[table]).any(), table
            kept = frame[~older(frame, dated[table])].reset_index(drop=True)
            pd.testing.assert_frame_equal(after[table], kept, obj=table)
        else:  # kept whole: dimensions, model parameters, the plan, the latest results
            pd.testing.assert_frame_equal(after[table], frame, obj=table)
    assert printed_rows(result.stdout) == {
        t: int(older(before[t], c).sum()) for t, c in dated.items()}
    assert pd.Timestamp(after["raw_orders"]["order_date"].min()) >= pd.Timestamp(CUTOFF)
    assert not (after["kpi_values"]["period_start"] < pd.Timestamp(CUTOFF)).any()

    files = report_files(paths)
    assert not any(name.startswith((*GONE, PAUSED_REVIEW)) for name in files)
    assert {name.split("/")[0] for name in files} == {"2026-W05", "2026-W06", "README.txt"}
    assert sorted(p.name for p in (paths.output / "reports").iterdir()) == [
        "2026-W05", "2026-W06", "README.txt"]
    gone = f"2026-W02, 2026-W03, 2026-W04, {PAUSED_REVIEW} ({GONE_FILES})"
    assert f"Reports deleted: {gone}" in " ".join(result.stdout.split())  # however wrapped

    # A second purge at the same cutoff deletes nothing.
    again = purged(paths)
    assert (again.total_rows, again.files) == (0, ())
    assert_same_tables(snapshot(paths), after)
    code, out, _ = cli("purge", "--older-than", CUTOFF.isoformat(), "--data-dir",
                       str(paths.data_dir), "--config", str(paths.config))
    assert code == 0 and "Reports deleted: none" in out
    assert set(printed_rows(out).values()) == {0}
    assert_same_tables(snapshot(paths), after)
    assert report_files(paths) == files


def test_dry_run_changes_nothing_and_counts_what_a_purge_deletes(built, tmp_path):
    paths = copy_of(built, tmp_path / "data")
    before, files = snapshot(paths), report_files(paths)
    code, out, err = cli("purge", "--older-than", CUTOFF.isoformat(), "--dry-run",
                         "--data-dir", str(paths.data_dir), "--config", str(paths.config))
    assert code == 0, out + err
    assert "rows to delete" in out and "Dry run: nothing was deleted." in out
    gone = f"2026-W02, 2026-W03, 2026-W04, {PAUSED_REVIEW} ({GONE_FILES})"
    assert f"Reports to delete: {gone}" in " ".join(out.split())  # the console may wrap it
    assert_same_tables(snapshot(paths), before)
    assert report_files(paths) == files
    counted, done = purged(paths, dry_run=True), purged(paths)
    assert counted.tables == done.tables and counted.files == done.files
    assert printed_rows(out) == {t.table: t.rows for t in done.tables}
    assert done.total_rows > 0


def test_retention_days_from_the_config_is_the_default(built, tmp_path):
    days = (today_in("Europe/Brussels") - CUTOFF).days
    paths = copy_of(built, tmp_path / "data", retention_days=days)
    code, out, err = cli("purge", "--dry-run", "--data-dir", str(paths.data_dir), "--config",
                         str(paths.config))
    assert code == 0, out + err
    assert f"Rows dated before {CUTOFF}" in out  # today minus retention_days

    unset = copy_of(built, tmp_path / "unset")
    code, _, err = cli("purge", "--data-dir", str(unset.data_dir), "--config", str(unset.config))
    assert code == 2 and "--older-than" in err and "privacy.retention_days" in err


@pytest.mark.parametrize(("given", "said"), [
    ("13x", "--older-than: '13x' is neither a number of days like 400d nor a date like "
            "2025-01-01"),
    ("2026-02-30", "--older-than: '2026-02-30' is not a date of the calendar"),
    ("7d", "--older-than: {cutoff} is only 7 days before today: keep at least 28 days"),
])
def test_a_bad_older_than_is_named(built, tmp_path, given, said):
    paths = copy_of(built, tmp_path / "data")
    code, _, err = cli("purge", "--older-than", given, "--data-dir", str(paths.data_dir),
                       "--config", str(paths.config))
    cutoff = today_in("Europe/Brussels") - dt.timedelta(days=7)
    assert code == 2 and said.format(cutoff=cutoff) in " ".join(err.split())


def test_a_retention_shorter_than_four_weeks_is_refused(built, tmp_path):
    paths = copy_of(built, tmp_path / "data", retention_days=7)
    with pytest.raises(ConfigError, match=r"privacy\.retention_days: 7 days is too short: keep "
                       r"at least 28 days"):
        load_config(paths.config)
    code, _, err = cli("purge", "--data-dir", str(paths.data_dir), "--config", str(paths.config))
    assert code == 2 and "privacy.retention_days" in err
    assert load_config(copy_of(built, tmp_path / "ok", retention_days=28).config) \
        .privacy.retention_days == 28


def test_an_unknown_dated_table_stops_the_purge_before_anything_goes(built, tmp_path):
    paths = copy_of(built, tmp_path / "data")
    with duckdb.connect(str(paths.warehouse)) as raw:
        raw.execute("CREATE TABLE campaign_notes (noted_on DATE, note VARCHAR)")
        raw.execute("CREATE TABLE customer_segments (customer_key VARCHAR, segment VARCHAR)")
    before = snapshot(paths)
    with pytest.raises(RetentionError, match=r"campaign_notes \(noted_on\); customer_segments "
                       r"\(customer_key\).*Nothing was deleted"):
        purged(paths)
    code, _, err = cli("purge", "--older-than", CUTOFF.isoformat(), "--data-dir",
                       str(paths.data_dir), "--config", str(paths.config))
    assert code == 1 and "campaign_notes" in err
    assert_same_tables(snapshot(paths), before)


def test_a_locked_warehouse_is_named(built, tmp_path):
    paths = copy_of(built, tmp_path / "data")
    holder = subprocess.Popen(  # another process holding the warehouse open for writing
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
         "print('open', flush=True); sys.stdin.read()", str(paths.warehouse)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        code, _, err = cli("purge", "--older-than", CUTOFF.isoformat(), "--data-dir",
                           str(paths.data_dir), "--config", str(paths.config))
    finally:
        holder.communicate("")
    assert code == 1 and f"{paths.warehouse}: the warehouse is locked by process {holder.pid}" \
        in err


def test_other_engines_delete_the_same_rows_through_ibis(built, tmp_path):
    duck, other = copy_of(built, tmp_path / "duck"), copy_of(built, tmp_path / "other")
    done = purged(duck)
    con = connect(other.warehouse)
    try:
        portable = pipelines.retention._purge_portable(con, plan(con, CATALOG).dated, CUTOFF,
                                                          False)
    finally:
        con.disconnect()
    assert portable == done.tables
    assert_same_tables(snapshot(other), snapshot(duck))


def test_the_nightly_run_ends_with_retention(built, tmp_path):
    defs = build_definitions(load_config(EXAMPLE_CONFIG))
    nightly = {k.to_user_string()
               for k in defs.resolve_job_def(NIGHTLY_JOB).asset_layer.selected_asset_keys}
    parents = {k.to_user_string() for k in
               defs.resolve_asset_graph().get(dg.AssetKey(RETENTION_ASSET)).parent_keys}
    assert RETENTION_ASSET in nightly and parents == nightly - {RETENTION_ASSET}

    days = (today_in("Europe/Brussels") - CUTOFF).days
    paths = copy_of(built, tmp_path / "data", retention_days=days)
    expected = purged(copy_of(built, tmp_path / "expected"))
    result = dg.materialize([build_retention_asset([])],
                            resources=resources_for(paths, from_env=False))
    assert result.success
    metadata = result.get_asset_materialization_events()[0].materialization.metadata
    assert metadata["cutoff"].value == CUTOFF.isoformat()
    assert metadata["rows_deleted_per_table"].value == expected.deleted
    assert metadata["files_deleted"].value == len(GONE) * 4 + REVIEW_FILES
    assert not (paths.output / "reports" / "2026-W02").exists()

    off = copy_of(built, tmp_path / "off")
    before = snapshot(off)
    assert dg.materialize([build_retention_asset([])],
                          resources=resources_for(off, from_env=False)).success
    assert_same_tables(snapshot(off), before)


def test_doctests():
    for module in (pipelines.retention, pipelines.privacy_config):
        outcome = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE
                                  | doctest.ELLIPSIS)
        assert outcome.failed == 0, module.__name__
