"""The real GA4 and Google Ads clients against local servers that speak their protocols:
rows equal the demo's, faults end in a counted retry or a clear error, nothing doubled."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipelines.sources.base import Window
from pipelines.sources.demo import DemoSource
from pipelines.sources.demo.crm_world import DEMO_KEY
from pipelines.sources.ga4 import Ga4Settings, Ga4Source
from pipelines.sources.google_ads import GoogleAdsSettings, GoogleAdsSource
from pipelines.sources.retry import QuotaExhausted, RetryPolicy, SourceError
from pipelines.sources.streams import STREAMS
from pipelines.warehouse.conform import to_arrow
from tests.fakes.ads_server import AdsFault
from tests.fakes.fixtures import DEMO, SECOND
from tests.fakes.ga4_server import GA4Fault

FAST = RetryPolicy(max_retries=3, initial_s=0.01, maximum_s=0.05, deadline_s=30)
WINDOW = Window(dt.date(2026, 3, 1), dt.date(2026, 3, 10))


def rows(frame: pd.DataFrame, stream: str) -> pd.DataFrame:
    """Comparable rows: the stream's types, no extraction time, sorted by the natural key."""
    table = to_arrow(frame, STREAMS[stream]).to_pandas().drop(columns="extracted_at")
    return table.sort_values(list(STREAMS[stream].key)).reset_index(drop=True)


def demo_rows(stream: str, settings=DEMO, window=WINDOW) -> pd.DataFrame:
    return rows(DemoSource(settings).pull(STREAMS[stream], window).frame, stream)


def ga4(server, **change) -> Ga4Source:
    settings = dict(property_id=DEMO.property_id, endpoint=server.endpoint, transport="rest",
                    anonymous=True, page_size=40, retry=FAST, timeout_s=5)
    return Ga4Source(Ga4Settings(**{**settings, **change}))


def ads(server, customer=DEMO.customer_id, **change) -> GoogleAdsSource:
    settings = dict(customer_id=customer, login_customer_id="9990001111",
                    endpoint=server.endpoint, anonymous=True, retry=FAST, timeout_s=10)
    # the demo CRM's pseudonym key and the demo's morning, so the click view joins and answers
    return GoogleAdsSource(GoogleAdsSettings(**{**settings, **change}), key=DEMO_KEY,
                           now=lambda: DEMO.as_of)


@pytest.mark.parametrize("stream", ["ga4_sessions_daily", "ga4_key_events_daily"])
def test_ga4_rows_equal_the_demo_over_many_pages(ga4_server, stream):
    extract = ga4(ga4_server).pull(STREAMS[stream], WINDOW)
    assert extract.metadata["pages"] > 2 and extract.scope == DEMO.property_id
    pd.testing.assert_frame_equal(rows(extract.frame, stream), demo_rows(stream))
    offsets = [r.offset for r in ga4_server.requests]
    assert offsets == sorted(set(offsets))  # each page asked once, in order
    assert extract.metadata["time_zone"] == "Europe/Brussels"
    assert extract.metadata["tokens_per_day_remaining"] > 0


def test_ga4_hourly_quota_mid_paging_is_retried_without_doubling(ga4_server):
    ga4_server.script(GA4Fault("quota_hourly", nth=2))
    extract = ga4(ga4_server).pull(STREAMS["ga4_sessions_daily"], WINDOW)
    assert extract.metadata["retries"] == 1
    pd.testing.assert_frame_equal(rows(extract.frame, "ga4_sessions_daily"),
                                  demo_rows("ga4_sessions_daily"))


def test_ga4_daily_quota_stops_with_a_clear_message(ga4_server):
    ga4_server.script(GA4Fault("quota_daily", nth=1))
    with pytest.raises(QuotaExhausted, match=r"daily quota is exhausted.*next nightly run"):
        ga4(ga4_server).pull(STREAMS["ga4_sessions_daily"], WINDOW)
    assert len(ga4_server.requests) == 1  # a daily quota is not retried


def test_ga4_retries_are_bounded(ga4_server):
    ga4_server.script(GA4Fault("unavailable", nth=1, times=10))
    with pytest.raises(SourceError, match="failed after 3 retries"):
        ga4(ga4_server).pull(STREAMS["ga4_sessions_daily"], WINDOW)
    assert len(ga4_server.requests) == 4


def test_ga4_timeout_is_retried(ga4_server):
    ga4_server.script(GA4Fault("delay", nth=1, delay=2.0))
    extract = ga4(ga4_server, timeout_s=0.5).pull(STREAMS["ga4_sessions_daily"], WINDOW)
    assert extract.metadata["retries"] == 1 and len(extract.frame) > 0


def test_ga4_rows_that_move_between_pages_make_it_reread_the_window(ga4_server):
    window = Window(WINDOW.start, DEMO.end + dt.timedelta(days=1))  # "today" appears mid-read
    ga4_server.script(GA4Fault("restate", nth=1))
    extract = ga4(ga4_server, page_size=500).pull(STREAMS["ga4_sessions_daily"], window)
    later = ga4_server.settings(DEMO.property_id)
    pd.testing.assert_frame_equal(rows(extract.frame, "ga4_sessions_daily"),
                                  demo_rows("ga4_sessions_daily", later, window))


def test_ga4_thresholding_is_flagged(ga4_server):
    ga4_server.script(GA4Fault("thresholded", nth=1, times=100))
    extract = ga4(ga4_server).pull(STREAMS["ga4_sessions_daily"], WINDOW)
    assert extract.metadata["subject_to_thresholding"] is True


def test_ga4_unknown_property_says_what_to_check(ga4_server):
    with pytest.raises(SourceError, match="property 123456789: permission denied"):
        ga4(ga4_server, property_id="123456789").pull(STREAMS["ga4_sessions_daily"], WINDOW)


@pytest.mark.parametrize("stream", ["ads_campaign_daily", "ads_ad_group_daily",
                                    "ads_conversion_action_daily"])
def test_ads_rows_equal_the_demo(ads_server, stream):
    extract = ads(ads_server).pull(STREAMS[stream], WINDOW)
    pd.testing.assert_frame_equal(rows(extract.frame, stream), demo_rows(stream))
    assert {r.metadata.get("login-customer-id") for r in ads_server.requests} == {"9990001111"}


def test_ads_several_customers_each_get_their_own_rows(ads_server):
    extract = ads(ads_server, SECOND.customer_id).pull(STREAMS["ads_campaign_daily"], WINDOW)
    assert set(extract.frame.customer_id) == {SECOND.customer_id}
    pd.testing.assert_frame_equal(rows(extract.frame, "ads_campaign_daily"),
                                  demo_rows("ads_campaign_daily", SECOND))


def test_ads_api_error_names_the_request_id_and_field(ads_server):
    ads_server.script(AdsFault("query_error", nth=1, field="metrics.cost_micros",
                               message="Unrecognized field"))
    with pytest.raises(SourceError, match=r"customer \d+ \(request ID \S+\): Unrecognized "
                       r"field \[field: metrics\.cost_micros\]"):
        ads(ads_server).pull(STREAMS["ads_campaign_daily"], WINDOW)


@pytest.mark.parametrize("kind", ["resource_exhausted", "mid_stream_unavailable"])
def test_ads_transient_faults_are_retried_without_doubling(ads_server, kind):
    ads_server.script(AdsFault(kind, nth=1, retry_delay=0.01))
    extract = ads(ads_server).pull(STREAMS["ads_ad_group_daily"], WINDOW)
    assert extract.metadata["retries"] == 1
    pd.testing.assert_frame_equal(rows(extract.frame, "ads_ad_group_daily"),
                                  demo_rows("ads_ad_group_daily"))


def test_ads_rejected_credentials_say_what_to_check(ads_server):
    ads_server.script(AdsFault("unauthenticated", nth=1))
    with pytest.raises(SourceError, match=r"rejected the credentials.*developer token"):
        ads(ads_server).pull(STREAMS["ads_campaign_daily"], WINDOW)


def test_ads_without_credentials_names_what_to_set(monkeypatch):
    for key in ("GOOGLE_ADS_DEVELOPER_TOKEN", "GOOGLE_ADS_CLIENT_ID", "GOOGLE_ADS_CLIENT_SECRET",
                "GOOGLE_ADS_REFRESH_TOKEN", "GOOGLE_ADS_JSON_KEY_FILE_PATH"):
        monkeypatch.delenv(key, raising=False)
    source = GoogleAdsSource(GoogleAdsSettings(customer_id="1234567890"))
    with pytest.raises(SourceError, match=r"GOOGLE_ADS_DEVELOPER_TOKEN.*GOOGLE_ADS_REFRESH_TOKEN"):
        source.pull(STREAMS["ads_campaign_daily"], WINDOW)
