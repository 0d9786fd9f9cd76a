"""Pytest fixtures for the fake Google servers; in a conftest::

    from tests.fakes.fixtures import ads_server, ads_tls, ga4_server, meta_server  # noqa: F401

(``demo_meta_server`` serves the demo's Meta account instead of the planted ones.)

and, if anything in the test process may open a secure gRPC channel before the first
``ads_server`` (gRPC reads its trusted roots once), also::

    def pytest_configure(config): trust_localhost_cert()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from google.ads.googleads.client import GoogleAdsClient
from google.analytics.data_v1beta import BetaAnalyticsDataClient
from google.auth import credentials as ga_credentials

from pipelines.sources.demo import DemoSettings
from tests.fakes.ads_server import AdsServer
from tests.fakes.ga4_server import GA4Server
from tests.fakes.meta_data import ACCOUNT as META_ACCOUNT
from tests.fakes.meta_data import SECOND as META_SECOND
from tests.fakes.meta_demo import DemoMetaAccount
from tests.fakes.meta_server import MetaServer
from tests.fakes.tls import LocalhostCert, trust_localhost_cert

# The demo account (property 318004561, customer 4815162342) and a second one.
DEMO = DemoSettings(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
SECOND = DemoSettings(dt.date(2026, 1, 1), dt.date(2026, 3, 31), seed=8,
                      customer_id="5550001111", property_id="318009999")
DEVELOPER_TOKEN = "fake-developer-token"
LOGIN_CUSTOMER_ID = "1112223333"


class FakeCredentials(ga_credentials.Credentials):
    """Bearer ``fake-token-N``; ``refresh`` (offline) moves to N + 1.

    Use these rather than AnonymousCredentials where a 401 may come back: the REST transport's
    AuthorizedSession answers a 401 by refreshing the credentials and retrying (twice), and
    AnonymousCredentials cannot be refreshed.
    """

    def __init__(self) -> None:
        super().__init__()
        self.refreshes = 0
        self.token = "fake-token-0"

    def refresh(self, request: object) -> None:
        self.refreshes += 1
        self.token = f"fake-token-{self.refreshes}"


def ga4_client(server: GA4Server, credentials: ga_credentials.Credentials | None = None
               ) -> BetaAnalyticsDataClient:
    """The real GA4 client on its REST transport, pointed at ``server`` (close it after use)."""
    return BetaAnalyticsDataClient(credentials=credentials or FakeCredentials(), transport="rest",
                                   client_options={"api_endpoint": server.endpoint})


def ads_client(server: AdsServer, login_customer_id: str = LOGIN_CUSTOMER_ID) -> GoogleAdsClient:
    """The real Google Ads client, built as in production, pointed at ``server``."""
    return GoogleAdsClient(credentials=FakeCredentials(), developer_token=DEVELOPER_TOKEN,
                           endpoint=server.endpoint, login_customer_id=login_customer_id,
                           use_proto_plus=True, version="v26")


@pytest.fixture(scope="session")
def ads_tls() -> LocalhostCert:
    """Make gRPC trust the fakes' localhost certificate (sets GRPC_DEFAULT_SSL_ROOTS_FILE_PATH)."""
    return trust_localhost_cert()


@pytest.fixture
def ga4_server() -> Iterator[GA4Server]:
    """A fresh fake GA4 Data API serving DEMO and SECOND (by property ID)."""
    with GA4Server([DEMO, SECOND]) as server:
        yield server


@pytest.fixture
def ads_server(ads_tls: LocalhostCert) -> Iterator[AdsServer]:
    """A fresh fake Google Ads API serving DEMO and SECOND (by customer ID)."""
    with AdsServer([DEMO, SECOND]) as server:
        yield server


@pytest.fixture
def meta_server() -> Iterator[MetaServer]:
    """A fresh fake Graph API serving the planted Meta accounts (EUR and GBP)."""
    with MetaServer([META_ACCOUNT, META_SECOND]) as server:
        yield server


@pytest.fixture
def demo_meta_server() -> Iterator[MetaServer]:
    """A fresh fake Graph API serving the demo's Meta account (DEMO's days, seen the morning
    after DEMO's end; ``restate`` moves the morning)."""
    with MetaServer([DemoMetaAccount(DEMO)]) as server:
        yield server
