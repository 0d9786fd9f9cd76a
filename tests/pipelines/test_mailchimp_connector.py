"""The Mailchimp connector through the REAL mailchimp-marketing client against a local fake
Mailchimp API serving the demo's sends: the same table as the demo, paging, 429s and dropped
connections retried, a bad key or a forbidden account named with what to do (never the key),
reports that grow after a send upserted in place, and the configuration."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from pydantic import ValidationError

from pipelines.config import Config
from pipelines.sources.demo import DemoSettings
from pipelines.sources.email.demo import DemoEmailSource
from pipelines.sources.email.factory import make_email_source
from pipelines.sources.email.mailchimp.source import MailchimpSettings, MailchimpSource
from pipelines.sources.email.store import read_sends, upsert_sends
from pipelines.sources.retry import RetryPolicy, SourceError
from pipelines.warehouse.store import connect
from tests.fakes.mailchimp_server import API_KEY, MailchimpFault, MailchimpServer, on

SETTINGS = DemoSettings(dt.date(2025, 9, 1), dt.date(2026, 3, 31))
FAST = RetryPolicy(max_retries=3, initial_s=0.0, maximum_s=0.01)


def counts(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=["extracted_at"]).reset_index(drop=True)


def source(fake: MailchimpServer, key: str = API_KEY, **settings) -> MailchimpSource:
    settings = {"page_size": 100, "retry": FAST, "host": fake.endpoint} | settings
    return MailchimpSource(MailchimpSettings(**settings), api_key=key)


def test_kind_mailchimp_against_the_fake_gives_the_demo_table(monkeypatch):
    base = {"history_start": SETTINGS.start.isoformat(), "demo": {"end": SETTINGS.end.isoformat()}}
    demo = make_email_source(Config.model_validate(base))
    with MailchimpServer(SETTINGS, max_count=4) as fake:
        monkeypatch.setenv("MAILCHIMP_TEST_KEY", API_KEY)
        config = Config.model_validate(base | {"sources": {"email": {
            "kind": "mailchimp", "host": fake.endpoint, "api_key_env": "MAILCHIMP_TEST_KEY",
            "page_size": 3}}})
        real = make_email_source(config)
        pulled = real.pull()
        kinds = [r.kind for r in fake.requests]
    assert isinstance(demo, DemoEmailSource) and isinstance(real, MailchimpSource)
    expected = demo.pull()
    assert len(expected) == 14  # 7 months x NL and FR
    pd.testing.assert_frame_equal(counts(pulled), counts(expected))
    # Paged: 14 sends at most 3 a page -> 5 pages of reports and of campaigns; the fake's
    # languages are read once (no audience has a configured language).
    assert kinds.count("reports") == kinds.count("campaigns") == 5
    assert kinds.count("lists") == 1
    assert set(pulled["language"]) == {"nl", "fr"}
    assert pulled["utm_campaign"].str.match(r"^(nieuwsbrief|lettre)-\d{4}-\d{2}$").all()


def test_throttled_and_dropped_requests_are_retried():
    with MailchimpServer(SETTINGS) as fake:
        fake.script(MailchimpFault("throttled", nth=1, times=2, when=on("reports")),
                    MailchimpFault("disconnect", when=on("campaigns")),
                    MailchimpFault("server_error", when=on("lists")))
        pulled = source(fake).pull()
    assert pulled.attrs["retries"] == 4
    assert len(pulled) == 14


def test_persistent_throttling_stops_with_a_message():
    with MailchimpServer(SETTINGS) as fake:
        fake.script(MailchimpFault("throttled", times=99))
        with pytest.raises(SourceError, match=r"GET /reports.*Too Many Requests.*HTTP 429"):
            source(fake).pull()


@pytest.mark.parametrize("key", [API_KEY.replace("0123", "9999"), None])
def test_a_bad_key_is_named_with_what_to_do_and_never_shown(key):
    with MailchimpServer(SETTINGS) as fake:
        fake.script(*(() if key else (MailchimpFault("unauthorized"),)))
        with pytest.raises(SourceError) as caught:
            source(fake, key=key or API_KEY).pull()
    message = str(caught.value)
    assert "rejected the API key" in message and "API keys" in message
    assert "sources.email.api_key_env" in message
    assert (key or API_KEY) not in message and (key or API_KEY)[:20] not in message
    assert caught.value.__cause__ is None or API_KEY not in str(caught.value.__cause__)


def test_a_forbidden_account_and_a_key_without_data_centre():
    with MailchimpServer(SETTINGS) as fake:
        fake.script(MailchimpFault("forbidden"))
        with pytest.raises(SourceError, match=r"forbids this request \(User Disabled.*Manager"):
            source(fake).pull()
        with pytest.raises(SourceError, match=r"no data centre suffix \(such as -us19\)"):
            source(fake, key="0123456789abcdef").pull()


def test_an_empty_key_variable(monkeypatch):
    monkeypatch.delenv("MAILCHIMP_API_KEY", raising=False)
    with pytest.raises(SourceError, match="environment variable MAILCHIMP_API_KEY is empty"):
        MailchimpSource(MailchimpSettings()).pull()


def test_reports_grow_and_are_upserted_in_place():
    """A send on the demo's last day is read the morning after (few clicks yet); two days later
    the re-read replaces its row, the older sends keep theirs, and the table equals the demo
    at the new date."""
    settings = DemoSettings(SETTINGS.start, dt.date(2026, 3, 5))  # the FR send is on the 5th
    con = connect(":memory:")
    with MailchimpServer(settings) as fake:
        first = source(fake).pull()
        upsert_sends(con, first)
        fake.advance(2)
        since = dt.datetime(2026, 3, 6, 5, tzinfo=dt.UTC)
        again = source(fake).pull(since)
        upsert_sends(con, again)
        later = fake.settings
    # Sent in the 30 days before the last pull: from 4 February 05:00 UTC on.
    assert set(again["campaign_id"]) == {"f4e5d6202602", "a1b2c3202603", "f4e5d6202603"}
    fresh = first.set_index("campaign_id").loc["f4e5d6202603"]
    grown = again.set_index("campaign_id").loc["f4e5d6202603"]
    assert grown["unique_clicks"] > fresh["unique_clicks"] > 0
    assert grown["emails_sent"] == fresh["emails_sent"]
    stored = read_sends(con)
    pd.testing.assert_frame_equal(counts(stored), counts(DemoEmailSource(later).pull()))


def test_without_machine_open_counts_the_column_is_null():
    with MailchimpServer(SETTINGS, proxy_excluded=False) as fake:
        pulled = source(fake, languages=(("5e1d7a9c0b", "nl"), ("8c3b2a1f6e", "fr"))).pull()
        kinds = [r.kind for r in fake.requests]
    assert pulled["unique_opens_excl_machine"].isna().all()
    assert "lists" not in kinds  # every audience's language configured


def test_email_config():
    config = Config.model_validate({"history_start": "2026-01-01"})
    assert config.sources.email.kind == "demo"  # beside the demo
    real = Config.model_validate({"history_start": "2026-01-01", "sources": {
        "google_ads": {"kind": "google_ads", "customer_ids": ["1234567890"]}}})
    assert real.sources.email.kind == "none"
    with pytest.raises(ValidationError, match=r"email\.kind: demo beside a real Google Ads"):
        Config.model_validate({"history_start": "2026-01-01", "sources": {
            "google_ads": {"kind": "google_ads", "customer_ids": ["1234567890"]},
            "email": {"kind": "demo"}}})
    with pytest.raises(ValidationError, match="extra"):
        Config.model_validate({"history_start": "2026-01-01", "sources": {
            "email": {"kind": "mailchimp", "api_key": "abc-us19"}}})
