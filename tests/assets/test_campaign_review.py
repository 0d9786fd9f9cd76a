"""The post-campaign review on the demo warehouse (history 2026-01-05 .. 2026-03-15): the
example config's flight has ended and gets a review from the nightly run; the campaign the demo
pauses by mistake does not; a running one gets one only when asked, "so far"."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from assets.cli import app
from dashboards.campaign_review_files import due, review_folder, write_one, write_requested
from dashboards.pdf import chromium_path
from kpi.budget import reads
from kpi.language import LANGUAGES
from kpi.language.format import format_value
from kpi.review.campaign_end import quiet_campaigns
from kpi.review.campaign_reads import optional, review_facts, spend_days
from tests.assets.conftest import EXAMPLE_CONFIG, copy_of, demo_config

FLIGHT = "flight-winteractie-warmtepompen"
FLIGHT_KEY = "gads:2087345005"
RUNNING = "gads:2087345001"


@pytest.fixture(scope="module")
def demo(warehouse):
    days = spend_days(warehouse)
    return warehouse, demo_config(), days, reads.data_end(warehouse)


def test_the_nightly_run_wrote_the_ended_flights_review_in_three_languages(built) -> None:
    paths, _ = built
    folder = paths.output / "reports" / "campaigns" / FLIGHT
    for lang in LANGUAGES:
        page = (folder / f"review.{lang}.html").read_text()
        assert "Winteractie warmtepompen" in page and "<script" not in page
        if chromium_path():
            assert (folder / f"review.{lang}.pdf").read_bytes().startswith(b"%PDF")
    assert "Post-campaign review: Winteractie warmtepompen" in (folder / "review.en.html"
                                                                ).read_text()
    assert "Campagne-evaluatie" in (folder / "review.nl.html").read_text()
    assert "Bilan de campagne\u202f:" in (folder / "review.fr.html").read_text()


def test_costs_in_full_are_media_plus_the_plans_fees(demo) -> None:
    con, config, days, end = demo
    (flight,) = [s for s in due(con, config, days, end) if s.key == FLIGHT]
    assert (flight.start, flight.end, flight.campaign_keys) == (
        dt.date(2026, 1, 5), dt.date(2026, 2, 15), (FLIGHT_KEY,))
    f = review_facts(con, flight, days, (), "EUR", {})
    v = con.table("kpi_values")
    values = con.execute(v.filter(
        (v.grain == "day") & (v.level == "campaign") & (v.metric == "cost")
        & (v.campaign_key == FLIGHT_KEY) & (v.period_start >= dt.datetime(2026, 1, 5))
        & (v.period_start <= dt.datetime(2026, 2, 15))).value.sum())
    assert f.costs.media == pytest.approx(values)
    # The demo plans Paid Search fees per month: January's (27 of its days in the history) and
    # February's (15 of 28 days) are shared out by the flight's part of Paid Search spend.
    plan = optional(con, "budget_plan")
    search = plan[(plan["level"] == "channel") & (plan["name"] == "Paid Search")]
    expected = 0.0
    for line in search.itertuples():
        first = max(dt.date(2026, 1, 5), line.period_start.date())
        last = min(dt.date(2026, 2, 15), line.period_end.date())
        if first > last:
            continue
        inside = days[(days["date"].dt.date >= first) & (days["date"].dt.date <= last)
                      & (days["channel"] == "Paid Search")]
        ours = inside.loc[inside["campaign_key"] == FLIGHT_KEY, "cost"].sum()
        expected += ((line.production_costs + line.agency_fees)
                     * ((last - first).days + 1) / line.days * ours / inside["cost"].sum())
    assert expected > 0 and f.costs.shared == pytest.approx(expected)
    assert f.costs.in_full == pytest.approx(values + expected)
    assert f.goal_kpi == "cpl" and f.results > 0


def test_the_review_shows_the_total_and_is_not_rewritten_when_nothing_moved(demo,
                                                                            tmp_path) -> None:
    con, config, days, end = demo
    (flight,) = [s for s in due(con, config, days, end) if s.key == FLIGHT]
    written, state = write_one(con, config, flight, tmp_path, days, end, pdf=False)
    assert state == "provisional" and len(written) == 3  # the last days' leads still arrive
    f = review_facts(con, flight, days, (), "EUR", {})
    page = (review_folder(tmp_path, flight) / "review.en.html").read_text()
    assert format_value(f.costs.in_full, "currency", "en") in page
    assert "Provisional" in page and "Best ad group" in page
    assert write_one(con, config, flight, tmp_path, days, end, pdf=False) == ([], "unchanged")


def test_the_campaign_paused_by_mistake_gets_no_review(demo, built) -> None:
    con, config, days, end = demo
    alerts = optional(con, "alerts")
    paused = alerts[(alerts["kind"] == "stopped_spending") & (alerts["status"] == "open")]
    (key,) = set(paused["key"])
    assert key in {s.key for s in quiet_campaigns(days, end)}  # quiet long enough, but
    assert key not in {s.key for s in due(con, config, days, end)}  # the alert says: a mistake?
    paths, _ = built
    assert not (paths.output / "reports" / "campaigns" / key).exists()


def test_a_running_campaign_gets_a_review_only_when_asked_so_far(demo, built,
                                                                  tmp_path) -> None:
    con, config, days, end = demo
    assert RUNNING not in {s.key for s in due(con, config, days, end)}
    paths, _ = built
    assert not (paths.output / "reports" / "campaigns" / RUNNING).exists()
    subject, written, close = write_requested(con, config, "Search – Merk – NL", tmp_path,
                                              ("en", "nl"), pdf=False)
    assert subject.key == RUNNING and not subject.ended and close == []
    assert [p.name for p in written] == ["review.en.html", "review.nl.html"]
    assert "Campaign review so far: Search – Merk – NL" in written[0].read_text()
    assert "Tussentijdse campagne-evaluatie" in written[1].read_text()


def test_the_command_names_the_closest_campaigns_for_an_unknown_one(built, tmp_path) -> None:
    paths = copy_of(built, tmp_path / "copy")  # the module's read-only connection holds it
    args = ["report", "--data-dir", str(paths.data_dir), "--config", str(EXAMPLE_CONFIG)]
    out = CliRunner().invoke(app, [*args, "--campaign", "Warmtepompen NL"])
    assert out.exit_code == 1
    assert "No campaign or flight called 'Warmtepompen NL'" in out.output
    assert "Did you mean: Search – Warmtepompen – NL" in out.output
    both = CliRunner().invoke(app, [*args, "--campaign", "x", "--week", "2026-W10"])
    assert both.exit_code == 2 and "choose one" in both.output
    sent = CliRunner().invoke(app, [*args, "--campaign", "x", "--send"])
    assert sent.exit_code == 2 and "--send and --resend are for the weekly" in sent.output
