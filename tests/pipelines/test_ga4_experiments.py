"""GA4 as a source of experiment statistics: the real client against the fake GA4 server, whose
users and events come from the demo's experiment units. What GA4 reports equals what the
warehouse computes from the same units."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import ibis
import pandas as pd
import pytest
from google.analytics.data_v1beta import BetaAnalyticsDataClient
from google.analytics.data_v1beta.types import (
    DateRange,
    Dimension,
    Filter,
    FilterExpression,
    Metric,
    RunReportRequest,
)
from google.api_core import exceptions as gexc

from experiments.evaluate import evaluate
from experiments.spec import Arm, ExperimentSpec
from experiments.sufficient import COLUMNS, sufficient_statistics
from pipelines.sources.demo.experiments import LANDING_ID, demo_experiments
from pipelines.sources.ga4 import Ga4Settings
from pipelines.sources.ga4.experiments import Ga4ExperimentQuery, pull_experiment_stats
from pipelines.sources.retry import QuotaExhausted, RetryPolicy, SourceError
from tests.fakes.fixtures import DEMO, ga4_client
from tests.fakes.ga4_server import (
    LEAD_EVENT,
    NOT_SET,
    UNASSIGNED,
    GA4Fault,
    GA4Server,
    experiment_events,
    variant_dimension,
)

START, END = dt.date(2026, 3, 1), dt.date(2026, 3, 28)
MIDWAY = dt.date(2026, 3, 12)
FAST = RetryPolicy(max_retries=3, initial_s=0.01, maximum_s=0.05, deadline_s=30)


@pytest.fixture(scope="module")
def demo() -> tuple[tuple[ExperimentSpec, ...], pd.DataFrame]:
    """The four demo experiments (proportion metrics only) and all their units."""
    specs, units = demo_experiments(START, END)
    specs = tuple(dataclasses.replace(s, metrics=tuple(m for m in s.metrics
                                                       if m.kind == "proportion"))
                  for s in specs)
    return specs, units


@pytest.fixture(scope="module")
def events(demo) -> pd.DataFrame:
    return experiment_events(demo[1])


@pytest.fixture
def server(events: pd.DataFrame) -> Iterator[GA4Server]:
    with GA4Server([DEMO], experiments=events) as fake:
        yield fake


def settings(server: GA4Server, **change) -> Ga4Settings:
    base = dict(property_id=DEMO.property_id, endpoint=server.endpoint, transport="rest",
                anonymous=True, retry=FAST, timeout_s=5)
    return Ga4Settings(**{**base, **change})


def queries(specs, **change) -> list[Ga4ExperimentQuery]:
    """One query per spec: the conventional dimension, converting = sent generate_lead."""
    return [Ga4ExperimentQuery(**{
        "experiment_id": s.id, "variant_dimension": variant_dimension(s.id), "arms": s.arm_ids,
        "metrics": tuple((m.id, (LEAD_EVENT,)) for m in s.metrics), "start": s.start,
        "end": s.end, **change}) for s in specs]


def expected(specs, units: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The warehouse's sufficient statistics of the units exposed by ``as_of``."""
    seen = units[units["first_exposure_date"] <= pd.Timestamp(as_of)]
    return sufficient_statistics(ibis.memtable(seen), specs).to_pandas()


@pytest.mark.parametrize("as_of", [END, MIDWAY, END + dt.timedelta(days=10)])
def test_stats_equal_the_sufficient_statistics_of_the_units(server, demo, as_of):
    specs, units = demo
    stats, meta = pull_experiment_stats(settings(server), queries(specs), as_of)
    assert list(stats.columns) == list(COLUMNS)
    pd.testing.assert_frame_equal(stats, expected(specs, units, as_of))
    assert (stats["num_sum"] < stats["n"]).all() and (stats["n"] > 1000).all()
    assert meta["experiments_started"] == 4 and meta["pages"] == 8 and meta["retries"] == 0
    assert meta["tokens_per_day_remaining"] == 200_000 - 80
    lp = meta["by_experiment"][LANDING_ID]
    assert (lp["start"], lp["end"]) == (START.isoformat(), min(as_of, END).isoformat())
    assert lp["users"] == int((units[units.first_exposure_date <= pd.Timestamp(as_of)]
                               .experiment_id == LANDING_ID).sum())
    assert lp["missing_arms"] == [] and lp["users_in_several_values"] == 0
    assert not (lp["subject_to_thresholding"] or lp["sampled"])
    assert lp["time_zone"] == "Europe/Brussels"
    # every request: one dimension, totalUsers, the dates, an exact case-sensitive event filter
    first, second = server.requests[:2]
    assert (first.dimensions, first.metrics) == ([variant_dimension(specs[0].id)], ["totalUsers"])
    assert "dimensionFilter" not in first.body
    assert second.body["dimensionFilter"]["filter"] == {
        "fieldName": "eventName", "inListFilter": {"values": [LEAD_EVENT], "caseSensitive": True}}
    assert second.body["dateRanges"] == [{"startDate": str(START),
                                          "endDate": str(min(as_of, END))}]


def test_unassigned_users_are_left_out_and_counted(server, demo):
    specs, _ = demo
    _, meta = pull_experiment_stats(settings(server), queries(specs), END)
    for spec in specs:  # the fake's users without the property are all inside the dates
        mine = meta["by_experiment"][spec.id]
        assert mine["unassigned_users"] == UNASSIGNED
        assert mine["unassigned_values"] == {NOT_SET: UNASSIGNED}


def test_paging_through_the_values_gives_the_same_stats(server, demo):
    specs, units = demo
    stats, meta = pull_experiment_stats(settings(server, page_size=1), queries(specs), END)
    pd.testing.assert_frame_equal(stats, expected(specs, units, END))
    assert meta["pages"] > 8
    assert {r.limit for r in server.requests} == {1}


def test_an_arm_ga4_does_not_know_gets_n_zero_and_a_mistyped_one_is_reported(server, demo):
    specs, units = demo
    landing = [q for q in queries(specs) if q.experiment_id == LANDING_ID]
    mistyped = dataclasses.replace(landing[0], arms=("control", "B"))
    stats, meta = pull_experiment_stats(settings(server), [mistyped], END)
    ours = expected(specs[:1], units, END)
    assert stats[stats.arm == "B"][["n", "num_sum", "den_sum"]].to_numpy().tolist() == [[0, 0, 0]]
    control = stats[stats.arm == "control"].reset_index(drop=True)
    pd.testing.assert_frame_equal(control, ours[ours.arm == "control"].reset_index(drop=True))
    mine = meta["by_experiment"][LANDING_ID]
    assert mine["missing_arms"] == ["B"]
    b_users = int(ours[ours.arm == "b"].n.iloc[0])
    assert mine["unassigned_values"] == {"b": b_users, NOT_SET: UNASSIGNED}
    assert mine["unassigned_users"] == b_users + UNASSIGNED


def test_the_engine_reads_them_like_the_warehouse_stats(server, demo):
    specs, units = demo
    stats, _ = pull_experiment_stats(settings(server), queries(specs), MIDWAY)
    pd.testing.assert_frame_equal(evaluate(stats, specs, as_of=MIDWAY),
                                  evaluate(expected(specs, units, MIDWAY), specs, as_of=MIDWAY))
    # an arm GA4 has no users for: n = 0 rows, and the engine says so instead of failing
    three = dataclasses.replace(specs[0], arms=(*specs[0].arms, Arm("c")))
    stats, _ = pull_experiment_stats(settings(server), queries([three]), MIDWAY)
    result = evaluate(stats, [three], as_of=MIDWAY)
    empty = result.loc[result.arm == "c"].iloc[0]
    assert empty["n"] == 0 and "fewer than 2 units" in empty["error"]


def test_an_unknown_dimension_names_the_experiment_and_the_dimension(server, demo):
    specs, _ = demo
    wrong = dataclasses.replace(queries(specs)[0], variant_dimension="customUser:exp_typo")
    with pytest.raises(SourceError, match=r"GA4 experiment 'lp-offer-nl': property \d+ rejected "
                       r"the report on dimension 'customUser:exp_typo' \(Field "
                       r"customUser:exp_typo is not a valid dimension.*Custom definitions"):
        pull_experiment_stats(settings(server), [wrong], END)
    assert [r.status for r in server.requests] == [400]  # a bad request is not retried


def test_an_unknown_dimension_on_a_property_without_experiments(ga4_server, demo):
    specs, _ = demo
    with pytest.raises(SourceError, match=r"dimension 'customUser:exp_lp_offer_nl'"):
        pull_experiment_stats(settings(ga4_server), queries(specs)[:1], END)


@pytest.mark.parametrize("kind", ["unavailable", "quota_hourly"])
def test_a_transient_fault_is_retried(server, demo, kind):
    specs, units = demo
    server.script(GA4Fault(kind, when=lambda r: "dimensionFilter" in r.body))
    stats, meta = pull_experiment_stats(settings(server), queries(specs), END)
    pd.testing.assert_frame_equal(stats, expected(specs, units, END))
    assert meta["retries"] == 1 and meta["by_experiment"][specs[0].id]["retries"] == 1
    assert [r.status for r in server.requests][:3] == [200, 429 if "quota" in kind else 503, 200]


def test_a_daily_quota_stops_with_a_clear_message(server, demo):
    server.script(GA4Fault("quota_daily"))
    with pytest.raises(QuotaExhausted, match=r"experiment 'lp-offer-nl'.*daily quota"):
        pull_experiment_stats(settings(server), queries(demo[0]), END)
    assert len(server.requests) == 1


def test_retries_are_bounded(server, demo):
    server.script(GA4Fault("unavailable", times=10))
    with pytest.raises(SourceError, match=r"experiment 'lp-offer-nl'.*failed after 3 retries"):
        pull_experiment_stats(settings(server), queries(demo[0]), END)
    assert len(server.requests) == 4


def test_each_report_has_its_own_retries(server, demo):
    """Both reports of each experiment refused once: eight retries in all, none twice."""
    specs, units = demo
    server.script(GA4Fault("quota_concurrent", times=100,
                           when=lambda r: sum(q.path == r.path and q.body == r.body
                                              for q in server.requests) == 1))
    once = RetryPolicy(max_retries=1, initial_s=0.01, maximum_s=0.05, deadline_s=30)
    stats, meta = pull_experiment_stats(settings(server, retry=once), queries(specs), END)
    pd.testing.assert_frame_equal(stats, expected(specs, units, END))
    assert meta["retries"] == 8 and meta["by_experiment"][specs[0].id]["retries"] == 2


def test_an_experiment_not_started_yields_no_rows(server, demo):
    specs, units = demo
    later = dataclasses.replace(queries(specs)[0], experiment_id="next-test",
                                start=END + dt.timedelta(days=1), end=END + dt.timedelta(days=20))
    stats, meta = pull_experiment_stats(settings(server), [later], END)
    assert stats.empty and list(stats.columns) == list(COLUMNS)
    assert meta["by_experiment"]["next-test"]["started"] is False
    assert meta["pages"] == 0 and server.requests == []
    # next to running experiments: only theirs
    stats, meta = pull_experiment_stats(settings(server), [later, *queries(specs)], END)
    pd.testing.assert_frame_equal(stats, expected(specs, units, END))
    assert meta["experiments_started"] == 4


def test_thresholding_and_sampling_are_flagged(server, demo):
    specs, _ = demo
    server.script(GA4Fault("thresholded", when=lambda r: "dimensionFilter" in r.body),
                  GA4Fault("sampled", nth=3))
    _, meta = pull_experiment_stats(settings(server), queries(specs), END)
    assert meta["subject_to_thresholding"] and meta["sampled"]
    first, second = (meta["by_experiment"][s.id] for s in specs[:2])
    assert first["subject_to_thresholding"] and not first["sampled"]
    assert second["sampled"] and not second["subject_to_thresholding"]


def test_users_seen_in_two_arms_are_reported(server, demo, events):
    specs, units = demo
    dimension = variant_dimension(LANDING_ID)
    switched = events[(events.dimension == dimension) & (events.value == "control")].head(1)
    server.experiments = pd.concat([events, switched.assign(value="b")], ignore_index=True)
    stats, meta = pull_experiment_stats(settings(server), queries(specs[:1]), END)
    assert meta["by_experiment"][LANDING_ID]["users_in_several_values"] == 1
    ours = expected(specs[:1], units, END)
    assert stats.n.tolist() == (ours.n + (ours.arm == "b")).tolist()  # counted in both arms


def test_queries_are_checked(demo):
    query = queries(demo[0])[0]
    with pytest.raises(SourceError, match=r"'lp-offer-nl': arms: need distinct arm IDs"):
        dataclasses.replace(query, arms=("b", "b"))
    with pytest.raises(SourceError, match=r"metrics\['conversion'\]: name at least one event"):
        dataclasses.replace(query, metrics=(("conversion", ()),))
    with pytest.raises(SourceError, match="is before start"):
        dataclasses.replace(query, end=query.start - dt.timedelta(days=1))
    with pytest.raises(SourceError, match="used twice"):
        pull_experiment_stats(Ga4Settings(property_id="1", anonymous=True), [query, query], END)


# -- the fake's custom-dimension reports, through the real client ----------------------------

def users(client: BetaAnalyticsDataClient, expression: FilterExpression | None = None,
          dimension: str = variant_dimension(LANDING_ID)) -> dict[str, int]:
    response = client.run_report(RunReportRequest(
        property=f"properties/{DEMO.property_id}", dimensions=[Dimension(name=dimension)],
        metrics=[Metric(name="totalUsers")], dimension_filter=expression,
        date_ranges=[DateRange(start_date=str(START), end_date=str(END))]))
    return {r.dimension_values[0].value: int(r.metric_values[0].value) for r in response.rows}


def event_filter(**kind: object) -> FilterExpression:
    return FilterExpression(filter=Filter(field_name="eventName", **kind))


def test_fake_filters_like_ga4(server, demo):
    client = ga4_client(server)
    try:
        listed = users(client, event_filter(in_list_filter=Filter.InListFilter(
            values=[LEAD_EVENT], case_sensitive=True)))
        exact = users(client, event_filter(string_filter=Filter.StringFilter(
            value=LEAD_EVENT, match_type=Filter.StringFilter.MatchType.EXACT)))
        assert listed == exact and set(listed) == {"control", "b", NOT_SET}
        # GA4 string filters are case-insensitive unless told otherwise
        assert users(client, event_filter(in_list_filter=Filter.InListFilter(
            values=["Generate_Lead"]))) == listed
        assert users(client, event_filter(in_list_filter=Filter.InListFilter(
            values=["Generate_Lead"], case_sensitive=True))) == {}
        everyone = users(client)
        not_lead = users(client, FilterExpression(not_expression=event_filter(
            in_list_filter=Filter.InListFilter(values=[LEAD_EVENT]))))
        assert not_lead == everyone  # every user also sent page_view
        assert everyone[NOT_SET] == UNASSIGNED
        with pytest.raises(gexc.BadRequest, match="not a valid dimension"):
            users(client, dimension="customUser:exp_nope")
    finally:
        client.transport.close()
