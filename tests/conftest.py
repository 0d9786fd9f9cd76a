"""Fixtures shared by every suite: a real headless Chromium and the demo warehouse
(session-scoped)."""

import pytest

from tests.assets.conftest import build_demo_warehouse
from tests.browser import browser, open_page  # noqa: F401
from tests.fakes.fixtures import ads_server, ads_tls, ga4_server  # noqa: F401


def pytest_configure(config) -> None:
    """Trust the fake Google Ads server's certificate before any secure gRPC channel opens."""
    from tests.fakes.tls import trust_localhost_cert

    trust_localhost_cert()


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A warehouse holding the short demo history (tests.assets.conftest), built once."""
    return build_demo_warehouse(tmp_path_factory.mktemp("built"))


def pytest_terminal_summary(terminalreporter) -> None:
    """The figures tests recorded (``record_property("figure", ...)``), listed after the run:
    they reach here from pytest-xdist's workers too."""
    figures = [value for report in terminalreporter.getreports("passed")
               for name, value in report.user_properties if name == "figure"]
    if figures:
        terminalreporter.section("figures")
        for line in sorted(figures):
            terminalreporter.write_line(line)
