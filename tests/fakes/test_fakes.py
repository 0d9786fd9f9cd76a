"""The fake Google servers, exercised through the real client libraries only."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from google.ads.googleads.errors import GoogleAdsException
from google.ads.googleads.v26.errors.types.errors import GoogleAdsFailure
from google.analytics.data_v1beta import BetaAnalyticsDataClient
from google.analytics.data_v1beta.types import (
    DateRange,
    Dimension,
    Metric,
    OrderBy,
    RunReportRequest,
    RunReportResponse,
)
from google.api_core import exceptions as gexc

from pipelines.sources.base import Window
from pipelines.sources.demo import DemoSettings, DemoSource
from pipelines.sources.streams import STREAMS
from tests.fakes.ads_server import FAILURE_KEY, FIELDS, AdsFault, AdsServer
from tests.fakes.fixtures import (  # noqa: F401
    DEMO,
    SECOND,
    FakeCredentials,
    ads_client,
    ads_server,
    ads_tls,
    ga4_client,
    ga4_server,
)
from tests.fakes.ga4_server import GA4Fault, GA4Server

WINDOW = Window(dt.date(2026, 3, 27), dt.date(2026, 3, 31))  # the last 5 days of DEMO
SESSION_DIMS = ["date", "sessionSource", "sessionMedium", "sessionCampaignId",
                "sessionCampaignName"]
REPORTS = {"ga4_sessions_daily": (SESSION_DIMS, ["sessions", "engagedSessions"]),
           "ga4_key_events_daily": ([*SESSION_DIMS, "eventName"], ["keyEvents", "eventValue"])}


# -- GA4 ---------------------------------------------------------------------------------------

@pytest.fixture
def ga4(ga4_server: GA4Server) -> Iterator[BetaAnalyticsDataClient]:  # noqa: F811
    client = ga4_client(ga4_server)
    yield client
    client.transport.close()


def report(stream: str, window: Window = WINDOW, property_id: str = DEMO.property_id,
           **kw: Any) -> RunReportRequest:
    dims, mets = REPORTS[stream]
    return RunReportRequest(
        property=f"properties/{property_id}", dimensions=[Dimension(name=d) for d in dims],
        metrics=[Metric(name=m) for m in mets], keep_empty_rows=False,
        date_ranges=[DateRange(start_date=str(window.start), end_date=str(window.end))],
        order_bys=[OrderBy(dimension=OrderBy.DimensionOrderBy(dimension_name=d)) for d in dims],
        return_property_quota=True, **kw)


def ga4_rows(response: RunReportResponse) -> list[tuple[Any, ...]]:
    kinds = [h.type_.name for h in response.metric_headers]
    return [(dt.datetime.strptime(r.dimension_values[0].value, "%Y%m%d").date(),
             *(v.value for v in r.dimension_values[1:]),
             *(int(v.value) if k == "TYPE_INTEGER" else float(v.value)
               for k, v in zip(kinds, r.metric_values, strict=True)))
            for r in response.rows]


def demo_rows(stream: str, settings: DemoSettings = DEMO,
              window: Window = WINDOW) -> list[tuple[Any, ...]]:
    columns = [c for c in STREAMS[stream].column_names
               if c not in ("property_id", "currency_code", "time_zone", "extracted_at")]
    frame = DemoSource(settings).pull(STREAMS[stream], window).frame[columns]
    return sorted(tuple(r) for r in frame.itertuples(index=False))


@pytest.mark.parametrize("stream", list(REPORTS))
def test_ga4_report_is_the_demo_stream(ga4: BetaAnalyticsDataClient, stream: str) -> None:
    response = ga4.run_report(report(stream))
    assert sorted(ga4_rows(response)) == demo_rows(stream)
    assert response.row_count == len(response.rows) > 50
    assert [h.name for h in response.dimension_headers] == REPORTS[stream][0]
    assert {h.type_.name for h in response.metric_headers} <= {"TYPE_INTEGER", "TYPE_FLOAT"}
    assert (response.metadata.time_zone, response.metadata.currency_code) == (
        "Europe/Brussels", "EUR")
    assert not response.metadata.subject_to_thresholding
    quota = response.property_quota
    assert (quota.tokens_per_hour.consumed, quota.tokens_per_hour.remaining) == (10, 39_990)
    assert quota.potentially_thresholded_requests_per_hour.remaining == 120
    assert response.kind == "analyticsData#runReport"


def test_ga4_second_property(ga4: BetaAnalyticsDataClient) -> None:
    stream = "ga4_sessions_daily"
    response = ga4.run_report(report(stream, property_id=SECOND.property_id))
    assert sorted(ga4_rows(response)) == demo_rows(stream, SECOND) != demo_rows(stream)


def test_ga4_paging_returns_every_row_once(ga4: BetaAnalyticsDataClient,
                                           ga4_server: GA4Server) -> None:  # noqa: F811
    rows, counts, offset = [], set(), 0
    for _ in range(50):
        page = ga4.run_report(report("ga4_key_events_daily", limit=37, offset=offset))
        rows += ga4_rows(page)
        counts.add(page.row_count)
        offset += 37
        if offset >= page.row_count:
            break
    assert rows == sorted(rows) == demo_rows("ga4_key_events_daily")
    assert counts == {len(rows)}
    assert [r.offset for r in ga4_server.requests] == list(range(0, offset, 37))
    assert {r.limit for r in ga4_server.requests} == {37}


def test_ga4_restated_between_pages(ga4: BetaAnalyticsDataClient,
                                    ga4_server: GA4Server) -> None:  # noqa: F811
    window = Window(WINDOW.start, DEMO.end + dt.timedelta(days=1))  # tomorrow lands mid-paging
    ga4_server.script(GA4Fault("restate"))
    first = ga4.run_report(report("ga4_sessions_daily", window, limit=50))
    second = ga4.run_report(report("ga4_sessions_daily", window, limit=50, offset=50))
    assert second.row_count > first.row_count
    assert ga4_server.settings().end == DEMO.end + dt.timedelta(days=1)


def test_ga4_late_data_after_advance(ga4: BetaAnalyticsDataClient,
                                     ga4_server: GA4Server) -> None:  # noqa: F811
    before = sum(r[-2] for r in ga4_rows(ga4.run_report(report("ga4_sessions_daily"))))
    ga4_server.advance(2)
    after = sum(r[-2] for r in ga4_rows(ga4.run_report(report("ga4_sessions_daily"))))
    assert after > before


@pytest.mark.parametrize(("kind", "error", "text"), [
    ("quota_hourly", gexc.TooManyRequests, "tokens per hour"),
    ("quota_daily", gexc.TooManyRequests, "tokens per day"),
    ("quota_concurrent", gexc.TooManyRequests, "concurrent requests quota"),
    ("unavailable", gexc.ServiceUnavailable, "unavailable"),
])
def test_ga4_faults(ga4: BetaAnalyticsDataClient, ga4_server: GA4Server,  # noqa: F811
                    kind: str, error: type[Exception], text: str) -> None:
    ga4_server.script(GA4Fault(kind, when=lambda r: "keyEvents" in r.metrics))  # type: ignore[arg-type]
    ga4.run_report(report("ga4_sessions_daily"))  # not matched
    with pytest.raises(error, match=text):
        ga4.run_report(report("ga4_key_events_daily"))
    assert ga4.run_report(report("ga4_key_events_daily")).row_count > 0  # nth=1, times=1
    assert [r.status for r in ga4_server.requests] == [200, error.code, 200]  # type: ignore[attr-defined]


def test_ga4_unauthenticated_refreshes_then_fails(ga4_server: GA4Server) -> None:  # noqa: F811
    # The REST session answers a 401 by refreshing the credentials and retrying, twice.
    credentials = FakeCredentials()
    client = ga4_client(ga4_server, credentials)
    try:
        ga4_server.script(GA4Fault("unauthenticated"))
        assert client.run_report(report("ga4_sessions_daily")).row_count > 0
        ga4_server.script(GA4Fault("unauthenticated", times=3))
        with pytest.raises(gexc.Unauthorized, match="invalid authentication credentials"):
            client.run_report(report("ga4_sessions_daily"))
    finally:
        client.transport.close()
    assert [r.status for r in ga4_server.requests] == [401, 200, 401, 401, 401]
    assert [r.headers["authorization"] for r in ga4_server.requests] == [
        f"Bearer fake-token-{n}" for n in (0, 1, 1, 2, 3)]


def test_ga4_timeout_is_a_requests_timeout(ga4: BetaAnalyticsDataClient,
                                           ga4_server: GA4Server) -> None:  # noqa: F811
    # Over REST the client raises requests' ReadTimeout, not google.api_core DeadlineExceeded.
    ga4_server.script(GA4Fault("delay", delay=3))
    with pytest.raises(requests.exceptions.Timeout):
        ga4.run_report(report("ga4_sessions_daily"), timeout=0.3)


def test_ga4_thresholding_and_errors(ga4: BetaAnalyticsDataClient,
                                     ga4_server: GA4Server) -> None:  # noqa: F811
    ga4_server.script(GA4Fault("thresholded"))
    response = ga4.run_report(report("ga4_sessions_daily"))
    assert response.metadata.subject_to_thresholding
    assert response.property_quota.potentially_thresholded_requests_per_hour.consumed == 1
    bad = report("ga4_sessions_daily")
    bad.dimensions.append(Dimension(name="unknownX"))
    with pytest.raises(gexc.BadRequest, match="Field unknownX is not a valid dimension"):
        ga4.run_report(bad)
    with pytest.raises(gexc.Forbidden, match="sufficient permissions"):
        ga4.run_report(report("ga4_sessions_daily", property_id="123"))
    ga4_server.tokens_used[DEMO.property_id] = 39_995
    quota = ga4.run_report(report("ga4_sessions_daily")).property_quota
    assert quota.tokens_per_hour.remaining == 0
    with pytest.raises(gexc.TooManyRequests, match="tokens per hour"):
        ga4.run_report(report("ga4_sessions_daily"))


# -- Google Ads --------------------------------------------------------------------------------

COMMON = "segments.date, customer.id, customer.currency_code, customer.time_zone, campaign.id"
METRICS = ("metrics.impressions, metrics.clicks, metrics.cost_micros, metrics.conversions, "
           "metrics.conversions_value")
ACTION = ("segments.conversion_action, segments.conversion_action_name, "
          "segments.conversion_action_category, metrics.conversions, metrics.conversions_value")
DATES = f"segments.date BETWEEN '{WINDOW.start}' AND '{WINDOW.end}'"
QUERIES = {
    "campaign": f"SELECT {COMMON}, campaign.name, campaign.status, "
                f"campaign.advertising_channel_type, campaign_budget.amount_micros, {METRICS} "
                f"FROM campaign WHERE {DATES}",
    "ad_group": f"SELECT {COMMON}, ad_group.id, ad_group.name, ad_group.status, {METRICS}\n"
                f"FROM ad_group\nWHERE {DATES}",
    "action_ad_group": f"SELECT {COMMON}, ad_group.id, {ACTION} FROM ad_group "
                       f"WHERE {DATES} AND metrics.conversions > 0",
    "action_pmax": f"SELECT {COMMON}, {ACTION} FROM campaign WHERE {DATES} AND "
                   f"campaign.advertising_channel_type = 'PERFORMANCE_MAX' "
                   f"AND metrics.conversions > 0",
}


@pytest.fixture
def ads(ads_server: AdsServer) -> Iterator[Any]:  # noqa: F811
    service = ads_client(ads_server).get_service("GoogleAdsService")
    yield service
    service.transport.close()


def fields_of(query: str) -> list[str]:
    return [f.strip() for f in query.split("SELECT")[1].split("FROM")[0].split(",")]


def ads_rows(service: Any, query: str, customer_id: str = DEMO.customer_id,
             **kw: Any) -> list[tuple[Any, ...]]:
    out = []
    for batch in service.search_stream(customer_id=customer_id, query=query, **kw):
        assert list(batch.field_mask.paths) == fields_of(query) and batch.request_id
        for row in batch.results:
            values = []
            for field in fields_of(query):
                value = row
                for part in field.split("."):
                    value = getattr(value, part)
                values.append(value.name if isinstance(value, enum.Enum) else value)
            out.append(tuple(values))
    return out


def expected_ads(query: str, name: str, settings: DemoSettings = DEMO) -> list[tuple[Any, ...]]:
    stream = {"campaign": "ads_campaign_daily", "ad_group": "ads_ad_group_daily"}.get(
        name, "ads_conversion_action_daily")
    frame = DemoSource(settings).pull(STREAMS[stream], WINDOW).frame
    if name.startswith("action"):
        frame = frame[frame["ad_group_id"].notna() == (name == "action_ad_group")]
    kinds = {"int": int, "float": float, "date": dt.date.isoformat, "str": str, "enum": str}
    return [tuple(f"customers/{r['customer_id']}/conversionActions/{r[FIELDS[f][0]]}"
                  if FIELDS[f][1] == "action" else kinds[FIELDS[f][1]](r[FIELDS[f][0]])
                  for f in fields_of(query)) for r in frame.to_dict("records")]


@pytest.mark.parametrize("name", list(QUERIES))
def test_ads_query_is_the_demo_stream(ads: Any, ads_server: AdsServer,  # noqa: F811
                                      name: str) -> None:
    ads_server.batch_size = 25
    rows = ads_rows(ads, QUERIES[name])
    assert sorted(rows) == sorted(expected_ads(QUERIES[name], name)) and rows
    assert ads_server.requests[-1].batches == -(-len(rows) // 25) >= 1
    if name == "action_pmax":
        assert {r[4] for r in rows} == {2087345009}


def test_ads_second_account_and_metadata(ads: Any, ads_server: AdsServer) -> None:  # noqa: F811
    rows = ads_rows(ads, QUERIES["campaign"], SECOND.customer_id)
    assert sorted(rows) == sorted(expected_ads(QUERIES["campaign"], "campaign", SECOND))
    logged = ads_server.requests[-1]
    assert (logged.customer_id, logged.code) == (SECOND.customer_id, "OK")
    assert logged.metadata["developer-token"] == "fake-developer-token"
    assert logged.metadata["login-customer-id"] == "1112223333"


def test_ads_late_conversions_after_advance(ads: Any, ads_server: AdsServer) -> None:  # noqa: F811
    before = sum(r[-2] for r in ads_rows(ads, QUERIES["campaign"]))
    ads_server.advance(3)
    assert sum(r[-2] for r in ads_rows(ads, QUERIES["campaign"])) > before


def test_ads_query_error_is_a_google_ads_exception(ads: Any,
                                                   ads_server: AdsServer) -> None:  # noqa: F811
    ads_server.script(AdsFault("query_error", field="metrics.cost_micros"))
    with pytest.raises(GoogleAdsException) as caught:
        ads_rows(ads, QUERIES["campaign"])
    error = caught.value.failure.errors[0]
    assert caught.value.request_id == ads_server.requests[-1].request_id
    assert caught.value.error.code().name == "INVALID_ARGUMENT"
    assert error.error_code.query_error.name == "UNRECOGNIZED_FIELD"
    assert error.location.field_path_elements[0].field_name == "metrics.cost_micros"
    with pytest.raises(GoogleAdsException) as caught:  # a real mistake in the query
        ads_rows(ads, QUERIES["campaign"].replace("campaign.name", "campaign.nam"))
    assert caught.value.failure.errors[0].trigger.string_value == "campaign.nam"
    with pytest.raises(GoogleAdsException) as caught:
        ads_rows(ads, QUERIES["campaign"], customer_id="999")
    assert caught.value.failure.errors[0].error_code.authorization_error.name == (
        "USER_PERMISSION_DENIED")


@pytest.mark.parametrize(("kind", "error"), [
    ("resource_exhausted", gexc.ResourceExhausted),
    ("unauthenticated", gexc.Unauthenticated),
    ("unavailable", gexc.ServiceUnavailable),
])
def test_ads_status_faults(ads: Any, ads_server: AdsServer, kind: str,  # noqa: F811
                           error: type[Exception]) -> None:
    ads_server.script(AdsFault(kind))  # type: ignore[arg-type]
    with pytest.raises(error):
        ads_rows(ads, QUERIES["campaign"])
    assert ads_rows(ads, QUERIES["campaign"])  # only the first call fails


def test_ads_resource_exhausted_asks_for_a_retry_delay(ads: Any,
                                                      ads_server: AdsServer) -> None:  # noqa: F811
    ads_server.script(AdsFault("resource_exhausted", retry_delay=1.5))
    with pytest.raises(gexc.ResourceExhausted) as caught:
        ads_rows(ads, QUERIES["campaign"])
    metadata = dict(caught.value.response.trailing_metadata())
    (error,) = GoogleAdsFailure.deserialize(metadata[FAILURE_KEY]).errors
    assert error.error_code.quota_error.name == "RESOURCE_TEMPORARILY_EXHAUSTED"
    assert error.details.quota_error_details.retry_delay == dt.timedelta(seconds=1.5)
    assert error.message.endswith("Retry in 1.5 seconds.")


def test_ads_fails_mid_stream(ads: Any, ads_server: AdsServer) -> None:  # noqa: F811
    ads_server.batch_size = 10
    ads_server.script(AdsFault("mid_stream_unavailable"))
    stream = iter(ads.search_stream(customer_id=DEMO.customer_id, query=QUERIES["ad_group"]))
    assert len(next(stream).results) == 10
    with pytest.raises(gexc.ServiceUnavailable):
        next(stream)
    assert (ads_server.requests[-1].batches, ads_server.requests[-1].code) == (1, "UNAVAILABLE")


def test_ads_deadline(ads: Any, ads_server: AdsServer) -> None:  # noqa: F811
    ads_server.script(AdsFault("delay", delay=3))
    with pytest.raises(gexc.DeadlineExceeded):
        ads_rows(ads, QUERIES["campaign"], timeout=0.3)


def test_ads_dates_are_required(ads: Any) -> None:
    with pytest.raises(GoogleAdsException) as caught:
        ads_rows(ads, "SELECT segments.date, campaign.id FROM campaign")
    assert caught.value.failure.errors[0].error_code.query_error.name == (
        "EXPECTED_FILTERS_ON_DATE_RANGE")
