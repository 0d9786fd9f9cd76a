"""An agency's clients end to end: each in its own data folder, one failing alone, the agency
overview listing them all (in Chromium too), and the agency file's mistakes in plain words."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from assets.agency import AGENCY_FOLDER, CLIENTS_FOLDER, Demo, run_agency, write_agency_overview
from pipelines.agency_config import load_agency
from pipelines.warehouse.store import connect

CLI = str(Path(sys.executable).parent / "campaign-kpi")
START, END = "2026-02-23", "2026-03-15"  # three whole weeks: the report week is 2026-W11
DEMO = "history_start: {start}\ndemo: {{seed: {seed}, traffic_scale: 0.1, extra_campaigns: " \
       "{extra}, end: {end}}}\naccount_name: \"{name}\"\nreporting: {{language: {lang}}}\n"
CLIENTS = {
    "lupus": DEMO.format(start=START, end=END, seed=11, extra=0, name="Brasserie <Lupus>",
                         lang="fr") + "targets: [{kpi: cpl, value: 45}]\n"
                         "budget: {plan: lupus-plan.csv}\n",
    "vdb": DEMO.format(start=START, end=END, seed=23, extra=3, name="Fietsen VDB", lang="nl")
    + "targets: [{kpi: roas, value: 4.0}]\n",
    # a real Google Ads source that refuses: its night fails in the pull, alone
    "offline": DEMO.format(start=START, end=END, seed=5, extra=0, name="Offline BV", lang="en")
    + "sources:\n  google_ads: {kind: google_ads, customer_ids: ['1234567890'], endpoint: "
      "'localhost:9', anonymous: true}\n  retry: {max_retries: 0, deadline_seconds: 5}\n",
    "kapot": f"history_start: {START}\nreporting: {{currency: euro}}\n",  # a broken file
}
PLAN = ("month,level,name,media_budget,production_costs,agency_fees,currency\n"
        "2026-02,account,,3000,0,0,EUR\n2026-03,account,,6000,0,0,EUR\n")


def write_agency(folder: Path, clients: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in clients.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    (folder / "lupus-plan.csv").write_text(PLAN, encoding="utf-8")
    listing = "".join(f"  - {{id: {name}, config: {name}.yaml}}\n" for name in clients)
    path = folder / "agency.yaml"
    path.write_text(f"name: Bureau Test\nlanguage: nl\nclients:\n{listing}", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    """The agency's demo night, run once: (data dir, the runs, seconds it took)."""
    folder = tmp_path_factory.mktemp("agency")
    agency = load_agency(write_agency(folder / "config", CLIENTS))
    data = folder / "data"
    started, cpu = time.perf_counter(), time.process_time()
    runs = run_agency(agency, data, demo=Demo(), pdf=False)
    write_agency_overview(agency, runs, data)
    took = (time.perf_counter() - started, time.process_time() - cpu)
    return data, {run.night.id: run for run in runs}, took


def test_one_failing_client_fails_alone_and_says_why(night, record_property):
    data, runs, (wall, cpu) = night
    record_property("figure", f"agency demo, 4 clients (2 run, 2 fail), 21 days: {wall:.1f} s "
                              f"wall, {cpu:.1f} CPU-s")
    assert {k: r.night.ok for k, r in runs.items()} == {
        "lupus": True, "vdb": True, "offline": False, "kapot": False}
    assert runs["offline"].night.reason.startswith("pull_google_ads: ")
    assert "reporting.currency: 'euro' is not an ISO 4217 currency code" in \
        runs["kapot"].night.reason
    for client in ("lupus", "vdb"):  # the others' pages and reports exist
        out = data / CLIENTS_FOLDER / client / "out"
        assert all((out / f"overview.{lang}.html").is_file() for lang in ("nl", "fr", "en"))
        assert (out / "reports" / "2026-W11" / "weekly-report.nl.html").is_file()
        assert runs[client].report == "2026-W11"
    assert not (data / CLIENTS_FOLDER / "offline" / "out" / "overview.html").exists()


def _read(data: Path, client: str, sql: str) -> pd.DataFrame:
    con = connect(data / CLIENTS_FOLDER / client / "warehouse.duckdb", read_only=True)
    try:
        return con.raw_sql(sql).df()
    finally:
        con.disconnect()


def test_each_client_warehouse_holds_only_its_own_data(night):
    data, _, _ = night
    campaigns = {c: set(_read(data, c, "SELECT campaign_key FROM dim_campaign")["campaign_key"])
                 for c in ("lupus", "vdb")}
    assert len(campaigns["vdb"]) == len(campaigns["lupus"]) + 3  # vdb's extra campaigns
    assert not campaigns["vdb"] - campaigns["lupus"] <= campaigns["lupus"]
    cost = {c: _read(data, c, "SELECT sum(cost) AS c FROM campaign_daily")["c"].iloc[0]
            for c in ("lupus", "vdb")}
    assert cost["lupus"] != pytest.approx(cost["vdb"], rel=0.01)  # different seeds and sizes
    plans = {c: len(_read(data, c, "SELECT * FROM budget_plan")) for c in ("lupus", "vdb")}
    assert plans == {"lupus": 2, "vdb": 0}  # only lupus has a plan
    for client in ("lupus", "vdb"):  # every client its own run history and resolved config
        folder = data / CLIENTS_FOLDER / client
        assert (folder / "dagster_home" / "history" / "runs.db").is_file()
        assert f"seed: {11 if client == 'lupus' else 23}" in (
            folder / ".campaign-kpi.resolved.yaml").read_text(encoding="utf-8")


def test_the_overview_lists_every_client_with_the_failed_ones_flagged(night):
    data, _, _ = night
    page = (data / AGENCY_FOLDER / "overview.nl.html").read_text(encoding="utf-8")
    assert page == (data / AGENCY_FOLDER / "overview.html").read_text(encoding="utf-8")
    rows = page.split('<tr class="client" ')[1:]
    nights = {row.split('data-client="')[1].split('"')[0]:
              row.split('data-night="')[1].split('"')[0] for row in rows}
    assert nights == {"lupus": "ok", "vdb": "ok", "offline": "failed", "kapot": "failed"}
    assert [n for n in nights][:2] == ["offline", "kapot"] or \
        [n for n in nights][:2] == ["kapot", "offline"]  # the failed first
    assert "Brasserie &lt;Lupus&gt;" in page and "<Lupus>" not in page  # escaped
    assert 'href="../clients/lupus/out/overview.nl.html"' in page
    assert "Week 11 · 9–15 mrt 2026" in page
    assert "Mislukt" in page and "pull_google_ads: " in page
    fr = (data / AGENCY_FOLDER / "overview.fr.html").read_text(encoding="utf-8")
    assert "Vue d&#39;ensemble de l&#39;agence" in fr and "En échec" in fr


@pytest.mark.browser
def test_the_overview_opens_in_chromium_without_errors(night, open_page):
    data, _, _ = night
    probe = ("() => Array.from(document.querySelectorAll('tr.client'))"
             ".map(r => [r.dataset.client, r.dataset.night])")
    report = open_page(data / AGENCY_FOLDER / "overview.en.html", name="agency-overview-en",
                       probe=probe)
    assert report.problems == []
    assert sorted(report.probe) == [["kapot", "failed"], ["lupus", "ok"], ["offline", "failed"],
                                    ["vdb", "ok"]]
    assert "Agency overview" in report.body_text and "Fietsen VDB" in report.body_text


def campaign_kpi(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "COLUMNS": "200",
                               "HOME": str(cwd / "home")})


def test_a_broken_agency_file_is_named_in_one_line(tmp_path):
    path = write_agency(tmp_path, {"kapot": CLIENTS["kapot"]})
    path.write_text("clients:\n  - {id: Kapot, config: kapot.yaml}\n", encoding="utf-8")
    result = campaign_kpi("agency", "run", "--date", END, "--agency", str(path), "--data-dir",
                          str(tmp_path / "data"), cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (f"Agency file error {path}: clients.0 (Kapot).id: 'Kapot' is not a "
                             "lower-case slug such as 'fietsen-vdb' (letters a-z, digits and "
                             "single hyphens); did you mean 'kapot'? (line 2)\n")
    assert not (tmp_path / "data").exists()


def test_agency_run_reports_each_failure_and_exits_non_zero(tmp_path):
    early = DEMO.format(start=START, end=END, seed=1, extra=0, name="Te vroeg", lang="nl")
    path = write_agency(tmp_path, {"kapot": CLIENTS["kapot"], "early": early})
    result = campaign_kpi("agency", "run", "--date", "2026-01-01", "--agency", str(path),
                          "--data-dir", str(tmp_path / "data"), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("✗ kapot (kapot): ")
    assert lines[1] == "✗ early (Te vroeg): --date 2026-01-01 is before history_start (2026-02-23)"
    assert "0 of 2 clients ran" in result.stdout
    assert (tmp_path / "data" / "agency" / "overview.en.html").is_file()
