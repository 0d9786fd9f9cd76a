"""Real-source shapes through the real clients (issue 15): an Ads account without conversions,
a GA4 property without purchase events, an Ads account in USD, a day without rows in one
stream or in all. Each is pulled exactly as the fake serves it, without a crash, and says the
right things in its metadata."""

from __future__ import annotations

import datetime as dt
import doctest

import pandas as pd
import pytest

from pipelines.sources.base import Window
from pipelines.sources.demo import DemoSource
from pipelines.sources.streams import STREAMS, streams_of
from tests.fakes import shapes
from tests.fakes.fixtures import DEMO
from tests.fakes.shapes import Shape
from tests.pipelines.test_connectors import WINDOW, ads, ga4, rows

# The metric streams (click_view has no metrics: tests/pipelines/test_connector_click_view.py)
ADS = [s.name for s in streams_of("google_ads") if s.name != "ads_click_view"]
GA4 = [s.name for s in streams_of("ga4")]
EMPTY_DAY = dt.date(2026, 3, 4)


def served(stream: str, shape: Shape, window: Window = WINDOW) -> pd.DataFrame:
    """What the fake serves for ``stream`` in ``shape``, as comparable rows."""
    frame = DemoSource(DEMO).pull(STREAMS[stream], window).frame
    return rows(shape.apply(stream, frame), stream)


def pull(server, stream: str, window: Window = WINDOW):
    source = ga4(server) if STREAMS[stream].source == "ga4" else ads(server)
    return source.pull(STREAMS[stream], window)


def server_of(stream: str, ga4_server, ads_server):
    return ga4_server if STREAMS[stream].source == "ga4" else ads_server


@pytest.mark.parametrize("stream", ADS)
def test_ads_account_without_conversions(ads_server, stream):
    shape = Shape(no_conversions=True)
    ads_server.set_shape(shape, DEMO.customer_id)
    extract = pull(ads_server, stream)
    got = rows(extract.frame, stream)
    pd.testing.assert_frame_equal(got, served(stream, shape))
    assert (got["conversions"] == 0).all() and (got["conversions_value"] == 0).all()
    if stream == "ads_conversion_action_daily":
        assert got.empty and list(extract.frame.columns) == list(STREAMS[stream].column_names)
        assert "currency_code" not in extract.metadata  # no row says it; none is made up
    else:
        assert len(got) > 50 and got["cost_micros"].sum() > 0
        assert extract.metadata["currency_code"] == "EUR"
    assert extract.metadata["customer_id"] == DEMO.customer_id == extract.scope


@pytest.mark.parametrize("stream", GA4)
def test_ga4_property_without_purchase_events(ga4_server, stream):
    shape = Shape(without_events=("purchase",))
    ga4_server.set_shape(shape, DEMO.property_id)
    extract = pull(ga4_server, stream)
    got = rows(extract.frame, stream)
    pd.testing.assert_frame_equal(got, served(stream, shape))
    if stream == "ga4_key_events_daily":
        assert set(got["event_name"]) == {"generate_lead", "sign_up"}
        assert got["event_value"].sum() == 0  # only purchases carry a value
    assert (extract.metadata["currency_code"], extract.metadata["time_zone"]) == (
        "EUR", "Europe/Brussels")


@pytest.mark.parametrize("stream", ADS)
def test_ads_account_in_usd(ads_server, stream):
    shape = Shape(currency_code="USD")
    ads_server.set_shape(shape, DEMO.customer_id)
    extract = pull(ads_server, stream)
    got = rows(extract.frame, stream)
    pd.testing.assert_frame_equal(got, served(stream, shape))
    assert set(got["currency_code"]) == {"USD"} and extract.metadata["currency_code"] == "USD"


@pytest.mark.parametrize("stream", [*ADS, *GA4])
def test_a_day_without_rows_in_one_stream(ga4_server, ads_server, stream):
    shape = Shape(empty_days=(EMPTY_DAY,), empty_streams=(stream,))
    server = server_of(stream, ga4_server, ads_server)
    server.set_shape(shape)
    got = rows(pull(server, stream).frame, stream)
    pd.testing.assert_frame_equal(got, served(stream, shape))
    assert EMPTY_DAY not in set(got["date"]) and len(set(got["date"])) == WINDOW.days - 1
    sibling = next(s for s in STREAMS.values() if s.source == STREAMS[stream].source
                   and s.name != stream)
    assert EMPTY_DAY in set(pull(server, sibling.name).frame["date"])  # the others keep it


@pytest.mark.parametrize("stream", [*ADS, *GA4])
def test_a_day_without_rows_in_any_stream(ga4_server, ads_server, stream):
    """The window around the empty day skips it; the empty day alone is an empty, typed
    extract, still scoped and described."""
    for server in (ga4_server, ads_server):
        server.set_shape(Shape(empty_days=(EMPTY_DAY,)))
    server = server_of(stream, ga4_server, ads_server)
    around = rows(pull(server, stream).frame, stream)
    assert EMPTY_DAY not in set(around["date"]) and len(around) > 20
    alone = pull(server, stream, Window(EMPTY_DAY, EMPTY_DAY))
    assert rows(alone.frame, stream).empty
    assert list(alone.frame.columns) == list(STREAMS[stream].column_names)
    if STREAMS[stream].source == "ga4":
        assert alone.scope == DEMO.property_id and alone.metadata["pages"] == 1
        assert alone.metadata["time_zone"] == "Europe/Brussels"
        assert alone.metadata["currency_code"] == "EUR"
    else:
        assert alone.scope == DEMO.customer_id and alone.metadata["retries"] == 0
        assert "currency_code" not in alone.metadata and "time_zone" not in alone.metadata


def test_doctests():
    assert doctest.testmod(shapes, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0
