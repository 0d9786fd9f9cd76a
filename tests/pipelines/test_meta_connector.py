"""The real facebook-business SDK against a local Graph API (tests/fakes/meta_server.py): rows
equal the planted account's, faults cost retries but lose or double no row, errors say what to
do, and the access token appears in no URL, log line or error."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import sys
import traceback

import pandas as pd
import pytest
from facebook_business.api import FacebookAdsApi

from pipelines.sources.base import Window
from pipelines.sources.meta_ads import MetaAdsSettings, MetaAdsSource
from pipelines.sources.meta_ads.report_run import RunSettings
from pipelines.sources.meta_ads.token import AccessToken
from pipelines.sources.retry import QuotaExhausted, RetryPolicy, SourceError
from pipelines.sources.streams import META_ADSET_DAILY
from pipelines.warehouse.conform import to_arrow
from tests.fakes.meta_data import ACCOUNT, SECOND, PlantedAccount
from tests.fakes.meta_server import TOKEN, MetaFault, MetaServer, on  # meta_server: conftest

FAST = RetryPolicy(max_retries=3, initial_s=0.01, maximum_s=0.05, deadline_s=30)
WINDOW = Window(dt.date(2026, 3, 1), dt.date(2026, 3, 10))
STREAM = META_ADSET_DAILY
DEFAULT_COUNTING = (("7d_click", "1d_view"), ("lead",), ("omni_purchase",))


class Sleeps(list):
    """A ``sleep`` that records its waits and does not wait (poll and throttle pauses)."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def meta(server: MetaServer, account: PlantedAccount = ACCOUNT, *, token: str = TOKEN,
         sleep=None, runs: RunSettings | None = None, **change) -> MetaAdsSource:
    settings = MetaAdsSettings(
        account_id=account.account_id, endpoint=server.endpoint, retry=FAST, timeout_s=5,
        runs=runs or RunSettings(page_size=7, poll_s=0.01, timeout_s=10))
    return MetaAdsSource(dataclasses.replace(settings, **change), token=AccessToken(token),
                         sleep=Sleeps() if sleep is None else sleep)


def rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Comparable rows: the stream's types, no extraction time, sorted by the key."""
    table = to_arrow(frame, STREAM).to_pandas().drop(columns="extracted_at")
    return table.sort_values(list(STREAM.key)).reset_index(drop=True)


def planted(account: PlantedAccount = ACCOUNT, window: Window = WINDOW,
            counting=DEFAULT_COUNTING) -> pd.DataFrame:
    frame = account.expected(window.start, window.end, *counting)
    return rows(frame.assign(extracted_at=pd.Timestamp("2026-12-01", tz="UTC")))


def test_rows_equal_the_planted_account_over_many_pages(meta_server):
    extract = meta(meta_server).pull(STREAM, WINDOW)
    pd.testing.assert_frame_equal(rows(extract.frame), planted())
    assert extract.scope == ACCOUNT.account_id and len(extract.frame) == 60
    results = meta_server.of("results")
    assert len(results) == 9  # 60 rows, 7 a page
    afters = [r.params.get("after") for r in results]
    assert len(set(afters)) == len(afters)  # each page asked once
    start = meta_server.of("start")[0].params
    assert (start["level"], start["time_increment"]) == ("adset", "1")
    assert start["action_attribution_windows"] == '["7d_click","1d_view"]'
    assert extract.metadata["currency_code"] == "EUR"
    assert extract.metadata["time_zone"] == "Europe/Brussels"
    assert set(extract.frame.campaign_status) == {"ACTIVE", "PAUSED"}


def test_archived_campaigns_keep_their_status(meta_server):
    january = Window(dt.date(2026, 1, 25), dt.date(2026, 2, 3))
    extract = meta(meta_server).pull(STREAM, january)
    pd.testing.assert_frame_equal(rows(extract.frame), planted(window=january))
    assert "ARCHIVED" in set(extract.frame.campaign_status)


def test_several_accounts_each_get_their_own_rows_currency_and_time_zone(meta_server):
    extract = meta(meta_server, SECOND).pull(STREAM, WINDOW)
    pd.testing.assert_frame_equal(rows(extract.frame), planted(SECOND))
    assert set(extract.frame.account_id) == {SECOND.account_id}
    assert set(extract.frame.currency_code) == {"GBP"}
    assert set(extract.frame.time_zone) == {"Europe/London"}


@pytest.mark.parametrize("counting", [
    (("28d_click",), ("offsite_conversion.fb_pixel_lead", "onsite_conversion.lead_grouped"),
     ("offsite_conversion.fb_pixel_purchase",)),
    (("1d_click", "1d_view"), ("offsite_conversion.fb_pixel_lead",), ("purchase",)),
])
def test_the_configured_windows_and_action_types_are_what_is_counted(meta_server, counting):
    windows, leads, purchases = counting
    extract = meta(meta_server, attribution_windows=windows, lead_action_types=leads,
                   purchase_action_types=purchases).pull(STREAM, WINDOW)
    pd.testing.assert_frame_equal(rows(extract.frame), planted(counting=counting))
    assert set(extract.frame.attribution_setting) == {",".join(windows)}


def test_long_windows_go_in_several_report_runs(meta_server):
    extract = meta(meta_server, chunk_days=4).pull(STREAM, WINDOW)
    pd.testing.assert_frame_equal(rows(extract.frame), planted())
    assert extract.metadata["report_runs"] == 3
    spans = [r.params["time_range"] for r in meta_server.of("start")]
    assert spans == ['{"since":"2026-03-01","until":"2026-03-04"}',
                     '{"since":"2026-03-05","until":"2026-03-08"}',
                     '{"since":"2026-03-09","until":"2026-03-10"}']


FAULTS = {
    "code 17 on a result page": (MetaFault("code_17", nth=3, when=on("results")), 1),
    "code 80004 on a status poll": (MetaFault("code_80004", nth=1, when=on("status")), 1),
    "code 4 on the run's start": (MetaFault("code_4", nth=1, when=on("start")), 1),
    "code 613 on the campaigns": (MetaFault("code_613", nth=1, when=on("campaigns")), 1),
    "a transient error on a page": (MetaFault("transient", nth=2, when=on("results")), 1),
    "a dropped connection": (MetaFault("disconnect", nth=4, when=on("results")), 1),
    "throttling headers": (MetaFault("throttle_headers", nth=2, when=on("results"),
                                     regain_minutes=0.0005), 0),
    "a run that stays running": (MetaFault("job_running", nth=1, when=on("start"), polls=6), 0),
    "a run that fails once": (MetaFault("job_failed", nth=1, when=on("start")), 0),
    "a run 'completed' at 95 %": (MetaFault("job_completed_early", nth=1, when=on("start")), 0),
    "code 17 twice in a row, then 80004": (MetaFault("code_17", nth=2, times=2,
                                                     when=on("results")), 3),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_faults_lose_or_double_no_row(meta_server, name):
    fault, retries = FAULTS[name]
    meta_server.script(fault)
    if name.endswith("then 80004"):
        meta_server.script(MetaFault("code_80004", nth=5, when=on("results")))
    extract = meta(meta_server, chunk_days=5).pull(STREAM, WINDOW)
    pd.testing.assert_frame_equal(rows(extract.frame), planted())
    assert extract.metadata["retries"] == retries


def test_a_run_that_stays_running_is_polled_until_done(meta_server):
    meta_server.script(MetaFault("job_running", nth=1, when=on("start"), polls=5))
    sleeps = Sleeps()
    extract = meta(meta_server, sleep=sleeps).pull(STREAM, WINDOW)
    assert len(meta_server.of("status")) == 6
    assert sleeps == [0.01, 0.02, 0.04, 0.08, 0.16]  # the polls back off
    pd.testing.assert_frame_equal(rows(extract.frame), planted())


def test_a_failed_run_is_started_again(meta_server):
    meta_server.script(MetaFault("job_failed", nth=1, when=on("start")))
    extract = meta(meta_server).pull(STREAM, WINDOW)
    assert extract.metadata["report_runs"] == 2
    assert len(meta_server.of("start")) == 2
    pd.testing.assert_frame_equal(rows(extract.frame), planted())


def test_a_run_that_keeps_failing_says_what_to_change(meta_server):
    meta_server.script(MetaFault("job_failed", nth=1, times=10, when=on("start")))
    with pytest.raises(SourceError, match=r"act_1001001001: the insights report for "
                       r"2026-03-01\.\.2026-03-10 failed 3 times .*'Job Failed'.*chunk_days"):
        meta(meta_server).pull(STREAM, WINDOW)


def test_a_run_that_never_finishes_times_out_clearly(meta_server):
    meta_server.script(MetaFault("job_running", nth=1, when=on("start"), polls=10_000))
    slow = RunSettings(page_size=7, poll_s=0.01, timeout_s=0.5)
    with pytest.raises(SourceError, match=r"report run \d+ for 2026-03-01\.\.2026-03-10 was "
                       r"still 'Job Running' at \d+ % after .*report_timeout_seconds = 0\.5"):
        meta(meta_server, runs=slow, sleep=__import__("time").sleep).pull(STREAM, WINDOW)


def test_throttling_headers_make_it_pause_as_long_as_asked(meta_server):
    meta_server.script(MetaFault("throttle_headers", nth=2, when=on("results"),
                                 regain_minutes=0.0005))
    sleeps = Sleeps()
    source = meta(meta_server, sleep=sleeps)
    extract = source.pull(STREAM, WINDOW)
    assert pytest.approx(0.03) in sleeps  # 0.0005 min
    assert extract.metadata["throttle_pauses"] == 1


def test_a_load_near_the_limit_makes_it_take_a_breath(meta_server):
    meta_server.script(MetaFault("throttle_headers", nth=1, when=on("start")))  # 100 %, no wait
    sleeps = Sleeps()
    extract = meta(meta_server, sleep=sleeps).pull(STREAM, WINDOW)
    assert sleeps[0] == FAST.initial_s and extract.metadata["throttle_pauses"] == 1


def test_a_rate_limit_waits_the_time_meta_asks_for(meta_server):
    meta_server.script(MetaFault("code_17", nth=2, when=on("results"), regain_minutes=0.0008))
    sleeps = Sleeps()
    extract = meta(meta_server, sleep=sleeps).pull(STREAM, WINDOW)
    results = meta_server.of("results")
    failed = next(i for i, r in enumerate(results) if r.status == 400)
    assert results[failed + 1].received - results[failed].received >= 0.048
    assert extract.metadata["throttle_pauses"] == 0  # waited once, not again as a pause


def test_a_rate_limit_asking_longer_than_allowed_stops_at_once(meta_server):
    meta_server.script(MetaFault("code_80004", nth=1, when=on("results"), regain_minutes=10))
    with pytest.raises(QuotaExhausted, match=r"asked to wait 600 s .*longer than "
                       r"sources.retry.max_seconds.*Nothing was written"):
        meta(meta_server).pull(STREAM, WINDOW)
    assert len(meta_server.of("results")) == 1


def test_throttling_headers_asking_too_long_stop_at_once(meta_server):
    meta_server.script(MetaFault("throttle_headers", nth=1, when=on("account"),
                                 regain_minutes=5))
    with pytest.raises(QuotaExhausted, match=r"throttling headers ask to wait 300 s"):
        meta(meta_server).pull(STREAM, WINDOW)


def test_a_rate_limit_that_persists_ends_with_a_clear_error(meta_server):
    meta_server.script(MetaFault("code_17", nth=1, times=100, when=on("start")))
    with pytest.raises(QuotaExhausted, match=r"Meta insights report start \(act_1001001001.*"
                       r"quota still exhausted after 3 retries.*User request limit reached"):
        meta(meta_server).pull(STREAM, WINDOW)


def test_an_expired_token_says_what_to_do(meta_server):
    meta_server.script(MetaFault("token_expired", nth=1, when=on("start")))
    with pytest.raises(SourceError, match=r"rejected the access token: the token expired.*"
                       r"code 190, subcode 463.*Generate a new system-user token") as caught:
        meta(meta_server).pull(STREAM, WINDOW)
    assert len(meta_server.of("start")) == 1  # not retried
    assert TOKEN not in str(caught.value)


def test_an_invalid_token_says_what_to_do(meta_server):
    with pytest.raises(SourceError, match=r"the token is invalid.*access_token_env"):
        meta(meta_server, token="EAAWrongToken999").pull(STREAM, WINDOW)


def test_an_account_the_token_cannot_read_is_named(meta_server):
    meta_server.grants = {TOKEN: {SECOND.account_id}}
    with pytest.raises(SourceError, match=r"ad account act_1001001001: the token may not read "
                       r"it .*code 100, subcode 33.*View performance"):
        meta(meta_server).pull(STREAM, WINDOW)


def test_a_permission_error_mid_run_names_the_account(meta_server):
    meta_server.script(MetaFault("permission", nth=1, when=on("campaigns")))
    with pytest.raises(SourceError, match=r"act_1001001001: the token may not read it "
                       r"\(\(#200\) Ad account owner has NOT grant"):
        meta(meta_server).pull(STREAM, WINDOW)


def test_reruns_are_idempotent(meta_server):
    source = meta(meta_server)
    first, second = source.pull(STREAM, WINDOW), source.pull(STREAM, WINDOW)
    pd.testing.assert_frame_equal(rows(first.frame), rows(second.frame))


def test_restated_conversions_replace_the_earlier_ones(meta_server, tmp_path):
    from pipelines.warehouse.store import connect, write_extracts

    con = connect(tmp_path / "warehouse.duckdb")
    window = Window(dt.date(2026, 3, 10), dt.date(2026, 3, 30))
    meta_server.restate(dt.date(2026, 3, 31))
    write_extracts(con, [meta(meta_server).pull(STREAM, window)])
    early = con.table(STREAM.table).to_pandas()
    meta_server.restate(dt.date(2026, 4, 20))  # three weeks on: conversions arrived
    write_extracts(con, [meta(meta_server).pull(STREAM, window)])
    write_extracts(con, [meta(meta_server).pull(STREAM, window)])  # and once more
    later = con.table(STREAM.table).to_pandas()
    assert len(later) == len(early) == len(planted(window=window))
    assert later.leads.sum() > early.leads.sum()
    restated = dataclasses.replace(ACCOUNT, as_of=dt.date(2026, 4, 20))
    pd.testing.assert_frame_equal(rows(later), planted(restated, window))


def test_the_token_is_in_no_url_log_line_or_error(meta_server, caplog):
    caplog.set_level(logging.DEBUG)
    # urllib3's own level too: hubspot-api-client sets it to WARNING in every process that
    # builds one of its Configurations (the HubSpot tests may have run in this one)
    caplog.set_level(logging.DEBUG, logger="urllib3")
    meta_server.script(MetaFault("disconnect", nth=1, when=on("results")),
                       MetaFault("code_17", nth=2, when=on("results")))
    meta(meta_server).pull(STREAM, WINDOW)
    meta_server.script(MetaFault("token_expired", nth=1, when=on("status")))
    with pytest.raises(SourceError) as caught:
        meta(meta_server).pull(STREAM, WINDOW)
    text = "".join(traceback.format_exception(caught.value))
    assert TOKEN not in text and TOKEN not in caplog.text
    assert "127.0.0.1" in caplog.text  # urllib3 did log the requests
    assert all("access_token" not in r.params and TOKEN not in r.path
               for r in meta_server.requests)
    assert {r.headers.get("authorization") for r in meta_server.requests} == {f"Bearer {TOKEN}"}
    source = meta(meta_server)
    assert TOKEN not in repr(source.settings) + repr(source.token) + str(source.token)


def test_the_sdk_is_used_without_its_globals(meta_server):
    hook = sys.excepthook
    meta(meta_server).pull(STREAM, WINDOW)
    assert FacebookAdsApi.get_default_api() is None  # no process-wide default API
    assert sys.excepthook is hook  # no crash reporter posting to Meta


def test_a_window_without_data_gives_an_empty_frame_of_the_stream(meta_server):
    later = Window(dt.date(2026, 12, 1), dt.date(2026, 12, 5))  # after the planted days
    extract = meta(meta_server).pull(STREAM, later)
    assert extract.frame.empty and list(extract.frame.columns) == list(STREAM.column_names)
    assert to_arrow(extract.frame, STREAM).num_rows == 0
    assert extract.metadata["currency_code"] == "EUR"
