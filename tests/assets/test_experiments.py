"""Experiments through the whole pipeline on the demo: exposures in the warehouse, sufficient
statistics by Ibis, results and effects tables, and what they say about each planted truth."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from assets.runner import failed_checks, failure_reason, run_nightly
from pipelines.config import Config
from pipelines.sources.demo import experiments as demo
from pipelines.warehouse.store import connect
from tests.assets.conftest import END, copy_of, demo_config

AS_OF = pd.Timestamp(END)


@pytest.fixture(scope="module")
def results(warehouse) -> pd.DataFrame:
    return warehouse.execute(warehouse.table("experiment_results"))


def rows(results: pd.DataFrame, experiment: str, metric: str = "conversion") -> pd.DataFrame:
    mine = results[(results.experiment_id == experiment) & (results.metric_id == metric)]
    return mine.set_index("arm")


def test_statistics_are_the_units_summed_per_arm(warehouse) -> None:
    units = warehouse.execute(warehouse.table("raw_experiment_units"))
    stats = warehouse.execute(warehouse.table("experiment_stats"))
    assert units.first_exposure_date.max() <= AS_OF
    assert not units.duplicated(["experiment_id", "unit_id"]).any()
    units["revenue_sq"] = units.revenue * units.revenue
    by_hand = units.groupby(["experiment_id", "arm"]).agg(
        units=("unit_id", "size"), converted=("converted", "sum"),
        revenue_sq=("revenue_sq", "sum")).reset_index()
    conversion = stats[stats.metric_id == "conversion"].merge(by_hand,
                                                               on=["experiment_id", "arm"])
    assert len(conversion) == len(by_hand) == 3 + 2 + 4 + 2  # arms of the four experiments
    assert (conversion.n == conversion.units).all()
    assert conversion.num_sum.tolist() == pytest.approx(conversion.converted.tolist())
    revenue = stats[stats.metric_id == "revenue"].merge(by_hand, on=["experiment_id", "arm"])
    assert revenue.num_sum_sq.tolist() == pytest.approx(revenue.revenue_sq.tolist())


def test_the_landing_page_redesign_wins_by_about_the_true_lift(results) -> None:
    b = rows(results, demo.LANDING_ID).loc["b"]
    assert b.status == "ended" and b.decision == "wins"
    assert b.adj_ci_low < demo.TRUE_LANDING_LIFT < b.adj_ci_high
    assert b.sentence_en.startswith("B wins on conversion (+11,9%, 95% CI +4,6% to +19,3%)")
    assert b.sentence_nl.startswith("B scoort beter op conversie (+11,9%, 95%-BI +4,6% tot +19,3%)")
    assert b.sentence_fr.startswith(
        "B l'emporte sur l'indicateur «\u202fconversion\u202f» (+11,9\u00a0%, IC à 95\u00a0%")
    revenue = rows(results, demo.LANDING_ID, "revenue").loc["b"]
    assert revenue.cuped_applied and revenue.decision == "wins"
    assert revenue.adj_ci_low < demo.TRUE_LANDING_LIFT < revenue.adj_ci_high


def test_the_ad_copies_show_no_difference_and_say_how_long_to_wait(results) -> None:
    ad = results[(results.experiment_id == demo.AD_COPY_ID) & ~results.is_control]
    assert (ad.status == "running").all() and (ad.design == "sequential").all()
    assert set(ad.decision) == {"keep_running"} and (ad.p_adjusted > 0.05).all()
    assert ad.seq_ci_low.notna().all()
    assert (ad.adj_ci_low < 0).all() and (ad.adj_ci_high > 0).all()  # 0 = the truth
    conversion = rows(results, demo.AD_COPY_ID).loc["b"]
    assert conversion.sentence_en == ("no detectable difference yet on conversion for B; "
                                      f"about {int(conversion.days_remaining)} more days "
                                      "until the test has enough data to see a difference "
                                      "(80% power)")
    assert 0 < conversion.days_remaining < 400


def test_the_email_factorial_finds_the_interaction(warehouse, results) -> None:
    effects = warehouse.execute(warehouse.table("experiment_effects")).set_index("effect")
    interaction = effects.loc["subject=personal × send_time=evening"]
    assert interaction.significant
    assert interaction.ci_low < demo.TRUE_EMAIL_INTERACTION < interaction.ci_high
    assert interaction.sentence_en.startswith("subject=personal × send_time=evening on "
                                              "conversion: +0,018 (95% CI +0,012 to +0,023")
    cells = rows(results, demo.EMAIL_ID)
    assert cells.loc["personal-evening"].decision == "wins"
    assert cells.loc["standard-evening"].decision == "no_difference"


def test_the_sample_ratio_mismatch_is_all_the_checkout_test_says(results) -> None:
    srm = results[results.experiment_id == demo.SRM_ID]
    assert (srm.decision == "srm").all() and (srm.srm_p_value < 1e-6).all()
    assert set(srm.sentence_en) == {"sample-ratio mismatch (p < 0,0001): do not trust this "
                                    "result"}
    assert set(srm.sentence_nl) == {"scheve verdeling over de varianten (p < 0,0001): "
                                    "vertrouw dit resultaat niet"}
    others = results[results.experiment_id != demo.SRM_ID]
    assert not others.srm_mismatch.any()


def test_the_sample_ratio_check_warns_without_blocking(built) -> None:
    _, result = built
    assert "experiments_sample_ratio" in failed_checks(result, "WARN")
    evaluation = next(e.event_specific_data for e in result.all_events
                      if e.event_type_value == "ASSET_CHECK_EVALUATION"
                      and e.event_specific_data.check_name == "experiments_sample_ratio")
    assert evaluation.severity.value == "WARN"
    assert evaluation.metadata["experiments"].value == [demo.SRM_ID]


def test_every_row_states_its_conventions(results) -> None:
    for column in ("alpha", "two_sided", "distribution", "scale", "control", "correction",
                   "design", "as_of"):
        assert results[column].notna().all(), column
    assert (results.as_of == AS_OF).all()


def test_a_scheduled_experiment_has_no_rows_yet_and_the_page_lists_it(built, tmp_path) -> None:
    copy = copy_of(built, tmp_path / "copy")
    base = demo_config()
    later = {**base.experiments[0].model_dump(), "id": "hero-banner", "name": "Hero banner",
             "start": END + dt.timedelta(days=3), "end": END + dt.timedelta(days=30)}
    config = demo_config(experiments=[*(e.model_dump() for e in base.experiments), later])
    assert run_nightly(copy, config, END, END).success
    con = connect(copy.warehouse)
    found = con.execute(con.table("experiment_results"))
    assert "hero-banner" not in set(found.experiment_id)
    page = (copy.output / "experiments.en.html").read_text(encoding="utf-8")
    assert "Not started yet" in page and "Hero banner (hero-banner)" in page


def test_no_experiments_configured_gives_empty_tables_and_says_so(built, tmp_path) -> None:
    copy = copy_of(built, tmp_path / "copy")
    assert run_nightly(copy, demo_config(experiments=[]), END, END).success
    con = connect(copy.warehouse)
    for table in ("raw_experiment_units", "experiment_stats", "experiment_results",
                  "experiment_effects"):
        assert con.table(table).count().execute() == 0, table
    page = (copy.output / "experiments.nl.html").read_text(encoding="utf-8")
    assert "Geen experimenten ingesteld" in page


def test_the_command_line_says_it_in_words(built) -> None:
    paths, _ = built
    cli = str(Path(sys.executable).parent / "campaign-kpi")
    shown = subprocess.run([cli, "experiments", "--data-dir", str(paths.data_dir), "--lang",
                            "fr"], capture_output=True, text=True, timeout=120,
                           env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"})
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert "• B l'emporte sur l'indicateur «\u202fconversion\u202f» (+11,9\u00a0%" in out
    assert "• déséquilibre de répartition (p < 0,0001)\u202f: ne vous fiez pas" in out
    assert ("◦ subject=personal × send_time=evening sur «\u202fconversion\u202f»\u202f: +0,018"
            in out)
    assert out.index("Afrekenpagina") > out.index("Offertepagina")


def test_the_history_shows_each_morning_and_ends_where_the_result_is(warehouse, results):
    past = warehouse.execute(warehouse.table("experiment_history"))
    landing = past[(past.experiment_id == demo.LANDING_ID) & (past.metric_id == "conversion")]
    assert len(landing) == 28 and landing.day.is_monotonic_increasing
    assert landing.iloc[0].decision == "keep_running"  # one day of data decides nothing
    final = rows(results, demo.LANDING_ID).loc["b"]
    assert landing.iloc[-1].rel_estimate == pytest.approx(final.rel_estimate)
    assert landing.iloc[-1].decision == final.decision == "wins"
    assert landing.n.is_monotonic_increasing
    ad_copy = past[past.experiment_id == demo.AD_COPY_ID]  # sequential, no true difference:
    assert "wins" not in set(ad_copy.decision) and "loses" not in set(ad_copy.decision)


def test_a_unit_file_gives_the_same_statistics_as_the_same_units_from_the_demo(
        built, warehouse, tmp_path, monkeypatch) -> None:
    units = warehouse.execute(warehouse.table("raw_experiment_units"))
    units["unit_id"] = "GA1.1." + units["unit_id"].str.removeprefix("u_")  # a raw client id
    path = tmp_path / "exposures.parquet"
    units.to_parquet(path)
    copy = copy_of(built, tmp_path / "copy")
    before = warehouse.execute(warehouse.table("experiment_results"))
    base = demo_config()
    config = Config.model_validate({**base.model_dump(), "sources": {
        **base.sources.model_dump(), "experiments": {"kind": "file", "path": str(path)}}})
    monkeypatch.delenv("CAMPAIGN_KPI_PSEUDONYM_KEY", raising=False)
    failed = run_nightly(copy, config, END, END)
    assert not failed.success
    assert "pull_experiments: CAMPAIGN_KPI_PSEUDONYM_KEY is not set" in failure_reason(failed)
    con = connect(copy.warehouse)
    pd.testing.assert_frame_equal(con.execute(con.table("experiment_results")), before)
    monkeypatch.setenv("CAMPAIGN_KPI_PSEUDONYM_KEY", "a-test-key-that-is-long-enough-0123")
    assert run_nightly(copy, config, END, END).success
    stored = con.execute(con.table("raw_experiment_units"))
    assert stored.unit_id.str.fullmatch(r"p_[0-9a-f]{16}").all()
    assert len(stored) == len(units)
    pd.testing.assert_frame_equal(con.execute(con.table("experiment_stats")),
                                  warehouse.execute(warehouse.table("experiment_stats")))
    again = con.execute(con.table("experiment_results"))  # evaluated as of yesterday: ended
    assert (again.status == "ended").all()
    assert again.set_index(["experiment_id", "metric_id", "arm"]).loc[
        (demo.LANDING_ID, "conversion", "b"), "decision"] == "wins"
