"""``campaign-kpi`` as a user runs it: a real process, a real DuckDB file, a real browser."""

from __future__ import annotations

import inspect
import statistics
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest
import typer.main
import yaml

from assets.cli import app
from pipelines.warehouse.store import connect
from tests.assets.conftest import assert_same_tables, tables

CLI = str(Path(sys.executable).parent / "campaign-kpi")
START, END = "2026-01-05", "2026-03-15"
COMMANDS = typer.main.get_command(app).commands  # name -> click command


def campaign_kpi(*args: str, cwd: Path, columns: int = 120) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, with a home of its own (``cwd/home``): nothing it writes
    there (Dagster's usage log, its instance id) can hide among other runs'."""
    return subprocess.run([CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "COLUMNS": str(columns),
                               "HOME": str(cwd / "home")})


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess[str]]:
    """The demo on a fresh data folder: the folder, the working folder (and its home), what the
    command printed."""
    folder, cwd = tmp_path_factory.mktemp("demo"), tmp_path_factory.mktemp("demo-cwd")
    result = campaign_kpi("demo", "--data-dir", str(folder), "--start", START, "--end", END,
                          cwd=cwd)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Warehouse  {folder / 'warehouse.duckdb'}" in result.stdout
    assert f"Dashboard  {folder / 'out' / 'overview.html'}" in result.stdout
    assert "kpi_values" in result.stdout and result.stderr == ""
    assert f"Report 2026-W11 (fr)  {folder / 'out' / 'reports' / '2026-W11'}" in result.stdout
    return folder, cwd, result


@pytest.fixture(scope="module")
def demo_dir(demo_run) -> Path:
    return demo_run[0]


def test_the_demo_reports_no_usage_to_dagster(demo_run):
    """A fresh data folder gets a Dagster instance with telemetry off: no banner, no instance
    id, no usage log, in the instance or in the home folder."""
    folder, cwd, result = demo_run
    said = result.stdout + result.stderr
    assert "Telemetry" not in said and "Welcome to Dagster" not in said
    home = folder / "dagster_home"
    assert yaml.safe_load((home / "dagster.yaml").read_text(encoding="utf-8")) == {
        "telemetry": {"enabled": False}}
    with dg.DagsterInstance.local_temp(tempdir=str(home)) as instance:
        assert instance.telemetry_enabled is False
    assert not (home / ".telemetry").exists() and not (home / "logs").exists()
    assert not (cwd / "home" / ".dagster").exists()


def _paragraphs(help_text: str) -> list[str]:
    return [" ".join(p.split()) for p in inspect.cleandoc(help_text).split("\n\n")]


@pytest.mark.parametrize("args", [(), *((name,) for name in COMMANDS)],
                         ids=["campaign-kpi", *COMMANDS])
def test_help_reads_well(tmp_path, args):
    """Defaults shown in words (none dropped, leaving " ."), no type beside a flag, every
    paragraph of a command's description on one line of a wide terminal."""
    result = campaign_kpi(*args, "--help", cwd=tmp_path, columns=200)
    assert result.returncode == 0 and result.stderr == ""
    text = result.stdout
    assert "<bool>" not in text and " ." not in text
    lines = [" ".join(line.strip(" │").split()) for line in text.splitlines()]
    if not args:
        rows = {line.split(" ", 1)[0]: line for line in lines if line.split(" ", 1)[0] in COMMANDS}
        assert rows.keys() == COMMANDS.keys()
        for name, command in COMMANDS.items():  # the first paragraph beside the name, whole
            assert rows[name] == f"{name} {_paragraphs(command.help)[0]}"
        return
    for paragraph in _paragraphs(COMMANDS[args[0]].help):
        assert paragraph in lines
    joined = " ".join(text.replace("│", " ").split())
    for option in COMMANDS[args[0]].params:
        if option.help and option.default is None and not option.required:
            assert "[default: " in option.help.replace("\\[", "["), option.name
    if "--data-dir" in joined:
        assert ("Folder for the warehouse, the outputs and the run history. [default: "
                "$CAMPAIGN_KPI_DATA_DIR, else the data folder of the repository]") in joined


def test_the_command_line_loads_no_heavy_library_until_a_command_runs(tmp_path):
    heavy = ("dagster", "ibis", "pandas", "plotly", "duckdb", "scipy", "numpy")
    script = f"import sys, assets.cli; print([m for m in {heavy} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert (done.stdout, done.stderr) == ("[]\n", "")


def test_help_answers_in_under_two_seconds(tmp_path, record_property):
    """``--help`` loads no Dagster, Ibis or pandas: the median of 3 runs of each help."""
    medians = {}
    for args in [(), *((name,) for name in COMMANDS)]:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            assert campaign_kpi(*args, "--help", cwd=tmp_path).returncode == 0
            times.append(time.perf_counter() - started)
        medians[" ".join(("campaign-kpi", *args, "--help"))] = statistics.median(times)
    slowest = max(medians, key=medians.get)
    record_property("figure", f"help: slowest median {medians[slowest]:.2f} s ({slowest}), "
                              f"fastest {min(medians.values()):.2f} s over {len(medians)} helps")
    assert medians[slowest] < 2.0, medians


def test_check_config_names_the_file_field_line_and_meaning(tmp_path):
    """The same words as the configuration's error, on one line, without a traceback."""
    path = tmp_path / "campaign-kpi.yaml"
    path.write_text("history_start: 2026-01-01\nsources:\n  ga4: {restatment_days: 2}\n",
                    encoding="utf-8")
    result = campaign_kpi("check-config", "--config", str(path), cwd=tmp_path, columns=80)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (f"Configuration error {path}: sources.ga4.restatment_days: unknown "
                             "setting 'restatment_days'; did you mean 'restatement_days'? "
                             "(line 3)\n")


def test_the_demo_twice_gives_identical_tables(demo_dir, tmp_path):
    before = tables(connect(demo_dir / "warehouse.duckdb"))
    assert {"kpi_values", "kpi_rollup", "campaign_daily"} <= before.keys()
    again = campaign_kpi("demo", "--data-dir", str(demo_dir), "--start", START, "--end", END,
                         cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert_same_tables(tables(connect(demo_dir / "warehouse.duckdb")), before)


@pytest.mark.parametrize("full", [(), ("--full",)], ids=["incremental", "full"])
def test_run_date_is_idempotent_on_top_of_the_demo(demo_dir, tmp_path, full):
    before = tables(connect(demo_dir / "warehouse.duckdb"))
    resolved = demo_dir / ".campaign-kpi.resolved.yaml"
    result = campaign_kpi("run", "--date", END, *full, "--data-dir", str(demo_dir), "--config",
                          str(resolved), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert_same_tables(tables(connect(demo_dir / "warehouse.duckdb")), before)


def test_a_bad_config_is_named_and_nothing_is_touched(demo_dir, tmp_path):
    before = tables(connect(demo_dir / "warehouse.duckdb"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("history_start: 2026-01-05\nreporting: {currency: euro}\n")
    result = campaign_kpi("run", "--date", END, "--data-dir", str(demo_dir), "--config",
                          str(bad), cwd=tmp_path)
    assert result.returncode == 2
    assert str(bad) in result.stderr and "reporting.currency" in result.stderr
    assert_same_tables(tables(connect(demo_dir / "warehouse.duckdb")), before)


def test_a_failing_step_says_why_and_nothing_is_touched(demo_dir, tmp_path):
    before = tables(connect(demo_dir / "warehouse.duckdb"))
    resolved = yaml.safe_load((demo_dir / ".campaign-kpi.resolved.yaml").read_text())
    (tmp_path / "plan.csv").write_text("month,level,name,media_budget,currency\n"
                                       "2026-03,channel,Display,-5,EUR\n")
    config = tmp_path / "bad-plan.yaml"
    config.write_text(yaml.safe_dump({**resolved, "budget": {"plan": "plan.csv"}}))
    result = campaign_kpi("run", "--date", END, "--data-dir", str(demo_dir), "--config",
                          str(config), cwd=tmp_path)
    assert result.returncode == 1
    assert "every table keeps its last good data" in result.stderr
    assert "budget_pacing_tables: plan.csv row 2, media_budget: must be ≥ 0, got -5" in " ".join(
        result.stderr.split())  # rich wraps long lines
    assert_same_tables(tables(connect(demo_dir / "warehouse.duckdb")), before)


def test_the_quality_page_knows_the_earlier_runs(demo_dir):
    page = (demo_dir / "out" / "quality.en.html").read_text(encoding="utf-8")
    # the page is written by a run still going: it names that run (and the successful one
    # before it, when the tests above ran first), never "no run recorded"
    assert "Updated by the run started" in page and "No run recorded yet" not in page
    assert (demo_dir / "dagster_home" / "history" / "runs.db").exists()


def test_the_demo_writes_the_weekly_report_in_three_languages(demo_dir):
    folder = demo_dir / "out" / "reports" / "2026-W11"  # the demo ends on Sunday 15 March
    assert sorted(p.name for p in folder.iterdir()) == [
        f"weekly-report.{lang}.{ext}" for lang in ("en", "fr", "nl") for ext in ("html", "pdf")]
    assert "Semaine 11 · 9–15 mars 2026" in (folder / "weekly-report.fr.html").read_text(
        encoding="utf-8")
    assert all((folder / f"weekly-report.{lang}.pdf").read_bytes().startswith(b"%PDF-")
               for lang in ("nl", "fr", "en"))


def test_report_for_one_week_in_one_language(demo_dir, tmp_path):
    result = campaign_kpi("report", "--week", "2026-W10", "--lang", "fr", "--data-dir",
                          str(demo_dir), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    folder = demo_dir / "out" / "reports" / "2026-W10"
    assert f"Report 2026-W10 (fr)  {folder / 'weekly-report.fr.pdf'}" in result.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["weekly-report.fr.html",
                                                       "weekly-report.fr.pdf"]
    page = (folder / "weekly-report.fr.html").read_text(encoding="utf-8")
    assert "Rapport KPI hebdomadaire" in page and "Semaine 10 · 2–8 mars 2026" in page


@pytest.mark.parametrize(("week", "said"), [
    # the demo ends on 2026-03-15 (--end): its weekly partitions end with 2026-W11
    ("2026-W30", "no weekly report for 2026-W30: the weeks are 2026-W02 to 2026-W11"),
    ("2025-W30", "no weekly report for 2025-W30: the weeks are 2026-W02 to"),
    ("2026-W60", "--week: 2026 has no ISO week 60"),
])
def test_report_for_a_week_without_data_says_which_weeks_exist(demo_dir, tmp_path, week, said):
    resolved = demo_dir / ".campaign-kpi.resolved.yaml"  # history from 2026-01-05
    result = campaign_kpi("report", "--week", week, "--data-dir", str(demo_dir), "--config",
                          str(resolved), cwd=tmp_path)
    assert result.returncode in (1, 2)
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1  # no Dagster log
    assert said in result.stderr
    assert not (demo_dir / "out" / "reports" / week).exists()


def test_outputs_keep_their_size_budget(demo_dir):
    """One shared plotly.js; every page's own markup and data under 1 MB; all under 12 MB."""
    out = demo_dir / "out"
    bundles = list(out.glob("plotly-*.min.js"))
    assert len(bundles) == 1
    pages = list(out.glob("*.html"))
    assert len(pages) >= 24 and all(p.stat().st_size < 1_000_000 for p in pages), {
        p.name: p.stat().st_size for p in pages if p.stat().st_size >= 1_000_000}
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    assert total < 12_000_000, f"{total:,} bytes"


@pytest.mark.browser
def test_the_drilldown_renders_the_demo_tree_in_chromium(demo_dir, open_page):
    probe = "() => document.querySelector('.js-plotly-plot').data[0].ids.length"
    report = open_page(demo_dir / "out" / "drilldown.nl.html", name="e2e-drilldown-nl",
                       probe=probe)
    assert report.problems == [] and report.probe > 20  # account, channels, campaigns, ...


@pytest.mark.browser
def test_the_weekly_report_opens_offline_in_chromium(demo_dir, open_page):
    path = demo_dir / "out" / "reports" / "2026-W11" / "weekly-report.nl.html"
    report = open_page(path, name="e2e-weekly-report-nl", width=760)
    assert report.problems == [] and "Wekelijks KPI-rapport" in report.body_text


def test_check_config_accepts_the_sample(tmp_path):
    result = campaign_kpi("check-config", cwd=tmp_path)
    assert result.returncode == 0 and "OK" in result.stdout
    assert "warehouse: " in result.stdout and "warehouse.duckdb" in result.stdout


@pytest.mark.browser
@pytest.mark.parametrize("name", ["overview.html", "overview.fr.html", "budget.en.html",
                                  "clv.nl.html", "trends.fr.html", "quality.en.html"])
def test_the_pipeline_dashboard_renders_offline_in_chromium(demo_dir, open_page, name):
    report = open_page(demo_dir / "out" / name, name=f"e2e-{name.removesuffix('.html')}")
    assert report.problems == []  # no console error, dialog or network request
    assert report.plots and all(traces >= 1 for traces in report.plots.values()), report.plots
