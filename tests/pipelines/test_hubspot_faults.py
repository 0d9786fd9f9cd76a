"""HubSpot's limits and failures through the real client and the fake CRM API: rate limits
and 5xx cost retries but lose or double no row, the daily limit and token or scope problems
stop with a message saying what to do, and the token appears in no log line or error."""

from __future__ import annotations

import itertools
import logging
import traceback

import pytest

from pipelines.sources.crm.hubspot.errors import said
from pipelines.sources.crm.streams import CRM_STREAMS
from pipelines.sources.retry import QuotaExhausted, SourceError
from tests.fakes import hubspot_expected as expect
from tests.fakes.hubspot_fixtures import CONTACTS, DEALS, KEY, PAIRS, same, source
from tests.fakes.hubspot_server import TOKEN, HubSpotFault, HubSpotServer, on

FAULTS = {
    "429 with Retry-After on a contacts page": (
        HubSpotFault("rate_limit", nth=2, when=on("contacts_search")), CONTACTS, 1),
    "the secondly limit on a deals page": (
        HubSpotFault("secondly", nth=3, when=on("deals_search")), DEALS, 1),
    "a 502 on the first query": (
        HubSpotFault("bad_gateway", nth=1, when=on("deals_search")), DEALS, 1),
    "two 502s in a row": (
        HubSpotFault("bad_gateway", nth=4, times=2, when=on("contacts_search")), CONTACTS, 2),
    "a dropped connection": (
        HubSpotFault("disconnect", nth=5, when=on("contacts_search")), CONTACTS, 1),
    "429 on an associations batch": (
        HubSpotFault("rate_limit", nth=2, when=on("associations")), PAIRS, 1),
    "a 502 on an associations batch": (
        HubSpotFault("bad_gateway", nth=3, when=on("associations")), PAIRS, 1),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_faults_lose_or_double_no_row(hubspot, portal, name):
    fault, stream, retries = FAULTS[name]
    hubspot.script(fault)
    frame = source(hubspot).pull(stream, None)
    expected = {"crm_contacts": expect.contacts, "crm_deals": expect.deals,
                "crm_contact_deals": expect.contact_deals}[stream.name](portal, KEY)
    same(frame, expected, stream.key)
    assert frame.attrs["retries"] == retries
    assert not frame.duplicated(list(stream.key)).any()


def test_retry_after_is_honoured(hubspot):
    hubspot.script(HubSpotFault("rate_limit", nth=2, when=on("deals_search"),
                                retry_after="0.3"))
    source(hubspot).pull(DEALS, None)
    searches = hubspot.of("deals_search")
    failed = next(i for i, r in enumerate(searches) if r.status == 429)
    assert searches[failed + 1].received - searches[failed].received >= 0.3
    assert searches[failed + 1].body == searches[failed].body  # the same page asked again


def test_the_secondly_limit_waits_a_second(hubspot):
    hubspot.script(HubSpotFault("secondly", nth=1, when=on("deals_search")))
    source(hubspot).pull(DEALS, None)
    first, second = hubspot.of("deals_search")[:2]
    assert first.status == 429 and second.received - first.received >= 1.0


def test_a_retry_after_longer_than_allowed_stops_at_once(hubspot):
    hubspot.script(HubSpotFault("rate_limit", nth=1, when=on("deals_search"),
                                retry_after="600"))
    with pytest.raises(QuotaExhausted, match=r"asked to wait 600 s .*longer than "
                       r"sources.retry.max_seconds"):
        source(hubspot).pull(DEALS, None)
    assert len(hubspot.of("deals_search")) == 1


def test_the_daily_limit_stops_at_once_with_a_clear_message(hubspot):
    hubspot.script(HubSpotFault("daily", nth=2, when=on("contacts_search")))
    with pytest.raises(QuotaExhausted, match=r"daily API limit is reached \(You have reached "
                       r"your daily limit \[HTTP 429, RATE_LIMIT, policy DAILY.*resets at "
                       r"midnight.*Nothing was written"):
        source(hubspot).pull(CONTACTS, None)
    assert len(hubspot.of("contacts_search")) == 2  # not retried


def test_a_rate_limit_that_persists_ends_with_a_clear_error(hubspot):
    hubspot.script(HubSpotFault("rate_limit", nth=1, times=100, when=on("deals_search"),
                                retry_after="0"))
    with pytest.raises(QuotaExhausted, match=r"HubSpot deals search: quota still exhausted "
                       r"after 3 retries"):
        source(hubspot).pull(DEALS, None)


def test_a_5xx_that_persists_ends_with_a_clear_error(hubspot):
    hubspot.script(HubSpotFault("bad_gateway", nth=1, times=100, when=on("deals_search")))
    with pytest.raises(SourceError, match=r"HubSpot deals search: failed after 3 retries.*"
                       r"HTTP 502"):
        source(hubspot).pull(DEALS, None)


@pytest.mark.parametrize(("kind", "why"), [("unauthorized", "the token is invalid or was rotated"),
                                           ("expired", "the token expired")])
def test_a_rejected_token_says_what_to_do(hubspot, kind, why):
    hubspot.script(HubSpotFault(kind, nth=1, when=on("contacts_search")))
    with pytest.raises(SourceError, match=rf"rejected the access token: {why} .*HTTP 401.*"
                       r"Private Apps.*sources.crm.access_token_env") as caught:
        source(hubspot).pull(CONTACTS, None)
    assert len(hubspot.of("contacts_search")) == 1  # not retried
    assert TOKEN not in str(caught.value)


def test_a_wrong_token_is_named(hubspot):
    with pytest.raises(SourceError, match=r"token is invalid or was rotated"):
        source(hubspot, token="pat-eu1-not-the-right-one").pull(DEALS, None)


def test_a_missing_scope_is_named_with_where_to_add_it(portal):
    scopes = {TOKEN: {"crm.objects.contacts.read"}}
    with HubSpotServer(portal, scopes=scopes) as server, pytest.raises(
            SourceError, match=r"HubSpot deals search: the private app lacks a scope .*HTTP "
            r"403, MISSING_SCOPES.*add crm.objects.deals.read \(this connector needs "
            r"crm.objects.contacts.read and crm.objects.deals.read\)"):
        source(server).pull(DEALS, None)


def test_a_scope_lost_mid_pull_is_named(hubspot):
    hubspot.script(HubSpotFault("missing_scope", nth=2, when=on("associations"),
                                scope="crm.objects.contacts.read"))
    with pytest.raises(SourceError, match=r"associations, batch 2: the private app lacks a "
                       r"scope.*add crm.objects.contacts.read"):
        source(hubspot).pull(PAIRS, None)


def test_the_token_is_in_no_url_log_line_or_error(hubspot, caplog):
    caplog.set_level(logging.DEBUG)
    hubspot.script(HubSpotFault("disconnect", nth=2, when=on("contacts_search")),
                   HubSpotFault("rate_limit", nth=3, when=on("contacts_search")),
                   HubSpotFault("bad_gateway", nth=1, when=on("associations")))
    s = source(hubspot)
    for stream in CRM_STREAMS.values():
        s.pull(stream, None)
    hubspot.script(HubSpotFault("expired", nth=1, when=on("deals_search")))
    with pytest.raises(SourceError) as caught:
        s.pull(DEALS, None)
    text = "".join(traceback.format_exception(caught.value))
    assert TOKEN not in text and TOKEN not in caplog.text
    assert "Retrying due to 429 HubSpot contacts search" in caplog.text  # logs were seen
    assert "response body" not in caplog.text  # the client's body lines (raw IDs) dropped
    assert all(TOKEN not in r.path and TOKEN not in str(r.query) for r in hubspot.requests)
    assert {r.headers.get("authorization") for r in hubspot.requests} == {f"Bearer {TOKEN}"}
    assert TOKEN not in repr(s.settings) + repr(s.token) + str(s.token)


def test_error_text_is_hubspots_words_not_the_clients_dump():
    assert said(502, b"<html>502 Bad Gateway</html>") == "no message [HTTP 502]"
    assert said(403, b'{"message": "Missing scopes.", "category": "MISSING_SCOPES"}') == (
        "Missing scopes [HTTP 403, MISSING_SCOPES]")


def test_requests_are_spaced_to_stay_under_the_secondly_limit(hubspot):
    source(hubspot, spacing_s=0.2).pull(DEALS, None)
    searches = hubspot.of("deals_search")
    received = [r.received for r in searches]
    # Sent 0.2 s apart; the server sees them with the machine's scheduling jitter (one late
    # arrival shortens the next gap), so: six requests always span about a second (five a
    # second at most), and no two arrive together.
    spans = [b - a for a, b in zip(received, received[5:], strict=False)]
    gaps = [b - a for a, b in itertools.pairwise(received)]
    assert len(searches) > 5 and min(spans) >= 0.95 and min(gaps) >= 0.1
    assert all(r.status == 200 for r in searches)
