"""Fixtures shared by every suite: a real headless Chromium (session-scoped)."""

from tests.browser import browser, open_page  # noqa: F401
from tests.fakes.fixtures import ads_server, ads_tls, ga4_server  # noqa: F401


def pytest_configure(config) -> None:
    """Trust the fake Google Ads server's certificate before any secure gRPC channel opens."""
    from tests.fakes.tls import trust_localhost_cert

    trust_localhost_cert()
