"""The fake HubSpot portal and server as pytest fixtures (registered in tests/conftest.py),
and the connector pointed at them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pandas as pd
import pytest

from pipelines.sources.crm.hubspot.source import HubSpotSettings, HubSpotSource
from pipelines.sources.crm.hubspot.token import AccessToken
from pipelines.sources.crm.streams import CRM_STREAMS
from pipelines.sources.retry import RetryPolicy
from tests.fakes import hubspot_expected as expect
from tests.fakes.hubspot_data import INSTALL_PIPELINE, PlantedPortal, planted_portal
from tests.fakes.hubspot_server import TOKEN, HubSpotServer

KEY = b"test-pseudonym-key-0123456789abcdef"
NOW = dt.datetime(2026, 4, 2, 6, 0, tzinfo=dt.UTC)
FAST = RetryPolicy(max_retries=3, initial_s=0.01, maximum_s=2.0, deadline_s=30)
PIPELINES = (("default", ("closedwon",), ("closedlost",)),
             (INSTALL_PIPELINE, ("1003",), ("1004",)))
CONTACTS, DEALS = CRM_STREAMS["crm_contacts"], CRM_STREAMS["crm_deals"]
PAIRS, ARCHIVED = CRM_STREAMS["crm_contact_deals"], CRM_STREAMS["crm_archived"]


@pytest.fixture
def portal() -> PlantedPortal:
    """A fresh planted portal (tests change it in place)."""
    return planted_portal()


@pytest.fixture
def hubspot(portal: PlantedPortal) -> Iterator[HubSpotServer]:
    """The fake CRM API serving ``portal``, capping a query at 60 results, 2 deals a contact
    per associations answer."""
    with HubSpotServer(portal, cap=60, association_page=2) as server:
        yield server


def source(server: HubSpotServer, *, key: bytes = KEY, token: str = TOKEN,
           now: dt.datetime = NOW, **change) -> HubSpotSource:
    settings = HubSpotSettings(host=server.host, page_size=25, max_results=server.cap,
                               pipelines=PIPELINES, portal_currency="EUR",
                               association_batch=40, spacing_s=0.0, retry=FAST)
    return HubSpotSource(dataclasses.replace(settings, **change), token=AccessToken(token),
                         key=key, now=lambda: now)


def same(frame: pd.DataFrame, expected: pd.DataFrame, key: tuple[str, ...]) -> None:
    pd.testing.assert_frame_equal(expect.comparable(frame, key),
                                  expect.comparable(expected, key))
