"""Retries under real faults (issue 15): each request has its own bounded retries, the whole
pull a time budget, and the retry delay Google Ads asks for is honoured. The waits are measured
where they happen: the fake servers' arrival times of the real clients' requests."""

from __future__ import annotations

import doctest
import itertools
import time

import pandas as pd
import pytest

from pipelines.sources import retry
from pipelines.sources.google_ads import quota, source
from pipelines.sources.retry import QuotaExhausted, RetryPolicy, SourceError
from pipelines.sources.streams import STREAMS
from tests.fakes.ads_server import AdsFault
from tests.fakes.ga4_server import GA4Fault
from tests.pipelines.test_connectors import WINDOW, ads, demo_rows, ga4, rows

SESSIONS, ACTIONS = STREAMS["ga4_sessions_daily"], STREAMS["ads_conversion_action_daily"]
PAGE = 20  # 269 session rows in WINDOW: 14 pages


def gaps(requests) -> list[float]:
    """Seconds between the arrivals of consecutive requests."""
    return [b.received - a.received for a, b in itertools.pairwise(requests)]


def refuse_once(offset: int) -> GA4Fault:
    return GA4Fault("quota_concurrent", when=lambda r: r.offset == offset)


def test_ga4_every_page_has_its_own_retries(ga4_server):
    """Fourteen pages, six of them refused once for concurrent requests: no request failed
    twice, so the pull succeeds, whatever the pull's total of retries."""
    ga4_server.script(*(refuse_once(offset) for offset in range(PAGE, 12 * PAGE, 2 * PAGE)))
    policy = RetryPolicy(max_retries=3, initial_s=0.01, maximum_s=0.05, deadline_s=30)
    extract = ga4(ga4_server, page_size=PAGE, retry=policy).pull(SESSIONS, WINDOW)
    assert (extract.metadata["pages"], extract.metadata["retries"]) == (14, 6)
    pd.testing.assert_frame_equal(rows(extract.frame, SESSIONS.name), demo_rows(SESSIONS.name))
    assert [r.status for r in ga4_server.requests].count(429) == 6


def test_ga4_one_request_that_keeps_failing_is_named(ga4_server):
    ga4_server.script(GA4Fault("quota_concurrent", when=lambda r: r.offset == 3 * PAGE,
                               times=10))
    policy = RetryPolicy(max_retries=2, initial_s=0.01, maximum_s=0.05, deadline_s=30)
    with pytest.raises(QuotaExhausted, match=(
            r"GA4 runReport \(ga4_sessions_daily, property \d+, rows from 60\): quota still "
            r"exhausted after 2 retries of this request \(429 .*Exhausted concurrent requests "
            r"quota.*\)\. Nothing was written")):
        ga4(ga4_server, page_size=PAGE, retry=policy).pull(SESSIONS, WINDOW)
    assert [r.offset for r in ga4_server.requests] == [0, 20, 40, 60, 60, 60]


def test_ga4_the_pull_has_one_time_budget(ga4_server):
    """Slow pages use up the pull's budget; a fault after that is not retried, and the
    message says why and which setting to raise."""
    ga4_server.script(GA4Fault("unavailable", when=lambda r: r.offset == 7 * PAGE),
                      GA4Fault("delay", delay=0.1, times=100))  # the first that fires wins
    policy = RetryPolicy(max_retries=5, initial_s=0.01, maximum_s=0.05, deadline_s=0.5)
    with pytest.raises(SourceError, match=(
            r"rows from 140\): the pull's time budget \(sources\.retry\.deadline_seconds = "
            r"0\.5 s\) would run out .*after 0 retries of this request.*503")):
        ga4(ga4_server, page_size=PAGE, retry=policy).pull(SESSIONS, WINDOW)
    assert [r.offset for r in ga4_server.requests][-1] == 7 * PAGE  # not asked again


def test_ads_every_query_has_its_own_retries(ads_server):
    """Conversions by action take two queries; each refused once, each retried once."""
    ads_server.script(AdsFault("unavailable", when=lambda r: "ad_group.id" in r.query),
                      AdsFault("unavailable", when=lambda r: "PERFORMANCE_MAX" in r.query))
    policy = RetryPolicy(max_retries=1, initial_s=0.01, maximum_s=0.05, deadline_s=30)
    extract = ads(ads_server, retry=policy).pull(ACTIONS, WINDOW)
    assert extract.metadata["retries"] == 2
    pd.testing.assert_frame_equal(rows(extract.frame, ACTIONS.name), demo_rows(ACTIONS.name))


@pytest.mark.parametrize("asked", [0.3, 0.6])
def test_ads_waits_the_retry_delay_it_is_asked_for(ads_server, asked, record_property):
    ads_server.script(AdsFault("resource_exhausted", times=2, retry_delay=asked))
    policy = RetryPolicy(max_retries=3, initial_s=0.01, maximum_s=2.0, deadline_s=30)
    extract = ads(ads_server, retry=policy).pull(STREAMS["ads_campaign_daily"], WINDOW)
    waited = gaps(ads_server.requests)
    record_property("figure", f"Google Ads asked {asked:.1f} s before retrying; the requests "
                    f"came {', '.join(f'{w:.3f}' for w in waited)} s apart")
    assert extract.metadata["retries"] == 2 and len(waited) == 2
    assert all(asked <= w < asked + 0.4 for w in waited), waited


def test_ads_a_delay_longer_than_the_maximum_stops_at_once(ads_server):
    ads_server.script(AdsFault("resource_exhausted", retry_delay=30))
    policy = RetryPolicy(max_retries=3, initial_s=0.01, maximum_s=1.0, deadline_s=600)
    started = time.monotonic()
    with pytest.raises(QuotaExhausted, match=(
            r"Google Ads SearchStream \(ads_campaign_daily, customer \d+\): the API asked to "
            r"wait 30 s before retrying, longer than sources\.retry\.max_seconds \(1 s\)"
            r".*Nothing was written")):
        ads(ads_server, retry=policy).pull(STREAMS["ads_campaign_daily"], WINDOW)
    assert len(ads_server.requests) == 1 and time.monotonic() - started < 5


def test_ads_a_delay_beyond_the_pull_budget_stops_at_once(ads_server):
    """The first query's retry waits the 0.3 s asked; the second query's would end after the
    0.5 s budget, so the pull stops without waiting in vain."""
    ads_server.script(*(AdsFault("resource_exhausted", retry_delay=0.3,
                                 when=lambda r, part=part: part in r.query)
                        for part in ("ad_group.id", "PERFORMANCE_MAX")))
    policy = RetryPolicy(max_retries=3, initial_s=0.01, maximum_s=1.0, deadline_s=0.5)
    with pytest.raises(QuotaExhausted, match=(
            r"the pull's time budget \(sources\.retry\.deadline_seconds = 0\.5 s\) would run out "
            r"before the next retry \(the API asked to wait 0\.3 s; 0\.\d s left\)")):
        ads(ads_server, retry=policy).pull(ACTIONS, WINDOW)
    assert len(ads_server.requests) == 3
    assert 0.3 <= gaps(ads_server.requests)[0] < 0.5


def test_ads_a_request_without_a_delay_backs_off_as_configured(ads_server):
    ads_server.script(AdsFault("resource_exhausted", retry_delay=None))
    policy = RetryPolicy(max_retries=3, initial_s=0.01, maximum_s=0.05, deadline_s=30)
    extract = ads(ads_server, retry=policy).pull(STREAMS["ads_campaign_daily"], WINDOW)
    assert extract.metadata["retries"] == 1 and gaps(ads_server.requests)[0] < 0.3


@pytest.mark.parametrize("module", [retry, quota, source])
def test_doctests(module):
    assert doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0
