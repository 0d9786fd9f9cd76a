"""Google Ads' click_view through the real client and the fake API (issue 20): one query per
day, never before the API's 90 days, gclids pseudonymised at ingest exactly as the CRM's, so
they join the demo CRM's contacts; no raw gclid ever leaves the connector."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipelines.privacy import KEY_ENV, pseudonymise
from pipelines.sources.base import Window
from pipelines.sources.crm.streams import CRM_STREAMS
from pipelines.sources.demo.click_view import click_rows
from pipelines.sources.demo.crm_source import DemoCrm
from pipelines.sources.google_ads import GoogleAdsSettings, GoogleAdsSource
from pipelines.sources.google_ads.source import click_view_start
from pipelines.sources.retry import SourceError
from pipelines.sources.streams import STREAMS
from tests.fakes.fixtures import DEMO
from tests.pipelines.test_connectors import FAST, ads, demo_rows, rows

STREAM = STREAMS["ads_click_view"]
LAST = DEMO.end
RECENT = Window(LAST - dt.timedelta(days=9), LAST)


def test_click_view_rows_equal_the_demo_one_query_per_day(ads_server):
    extract = ads(ads_server).pull(STREAM, RECENT)
    pd.testing.assert_frame_equal(rows(extract.frame, STREAM.name),
                                  demo_rows(STREAM.name, window=RECENT))
    assert len(extract.frame) > 20 and extract.window == RECENT
    asked = [r.query for r in ads_server.requests]
    assert len(asked) == RECENT.days and all("FROM click_view" in q for q in asked)
    assert [q.rsplit("'", 2)[1] for q in asked] == [d.isoformat() for d in RECENT.dates()]


def test_click_view_never_asks_before_the_last_90_days(ads_server):
    first = click_view_start(DEMO.as_of)
    assert first >= DEMO.as_of.date() - dt.timedelta(days=89)  # today-89 at the earliest
    extract = ads(ads_server).pull(STREAM, Window(DEMO.start, LAST))
    assert extract.window == Window(first, LAST)  # older stored days are not replaced
    assert min(r.query.rsplit("'", 2)[1] for r in ads_server.requests) == first.isoformat()
    assert extract.frame["date"].min() >= first
    before = ads(ads_server).pull(STREAM, Window(DEMO.start, DEMO.start))
    assert before.window == Window(first, first)


def test_the_fake_refuses_what_the_api_refuses(ads_server):
    old = ads(ads_server).client.get_service("GoogleAdsService")
    for where in ["segments.date BETWEEN '2026-03-01' AND '2026-03-02'",
                  f"segments.date = '{DEMO.start.isoformat()}'"]:
        with pytest.raises(Exception, match=r"single day|90 days"):
            list(old.search_stream(customer_id=DEMO.customer_id, query=(
                f"SELECT click_view.gclid, campaign.id FROM click_view WHERE {where}")))


def test_gclids_are_pseudonymised_at_ingest_and_join_the_crm(ads_server):
    frame = ads(ads_server).pull(STREAM, RECENT).frame
    raw = set(click_rows(ads_server._sources[DEMO.customer_id].truth)["gclid"])
    assert not raw & {str(v) for v in frame.to_numpy().ravel()}  # no raw gclid anywhere
    assert frame["gclid_key"].str.fullmatch(r"p_[0-9a-f]{16}").all()
    contacts = DemoCrm(DEMO).pull(CRM_STREAMS["crm_contacts"], None)
    assert frame["gclid_key"].isin(set(contacts["gclid_key"].dropna())).all()
    # the same hash as the HubSpot connector's: no kind prefix
    assert pseudonymise(["Cj0KCQdemo1"], b"k" * 32)[0] != pseudonymise(["gclid:Cj0KCQdemo1"],
                                                                        b"k" * 32)[0]


def test_without_a_pseudonym_key_the_click_view_is_skipped_not_the_account(ads_server,
                                                                          monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    settings = GoogleAdsSettings(customer_id=DEMO.customer_id, endpoint=ads_server.endpoint,
                                 anonymous=True, retry=FAST, timeout_s=10)
    source = GoogleAdsSource(settings, now=lambda: DEMO.as_of)
    extract = source.pull(STREAM, RECENT)
    assert extract.frame.empty and extract.metadata["click_view_skipped"] is True
    assert not ads_server.requests  # nothing asked, nothing raw fetched
    assert len(source.pull(STREAMS["ads_campaign_daily"], RECENT).frame) > 0


def test_an_unknown_stream_is_refused():
    with pytest.raises(ValueError, match="no stream"):
        GoogleAdsSource(GoogleAdsSettings(customer_id="1")).pull(
            CRM_STREAMS["crm_contacts"], RECENT)  # type: ignore[arg-type]
    assert SourceError
