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


# The slowest folders first: pytest-xdist (--dist loadscope) hands modules to its workers in
# collection order, and a 5-minute Spark module collected last keeps one worker busy alone.
SLOWEST_FIRST = ("tests/scale/", "tests/reliability/", "tests/e2e/", "tests/assets/")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items) -> None:
    """Order the run by :data:`SLOWEST_FIRST` (stable: within a folder nothing moves)."""

    def rank(item) -> int:
        return next((i for i, folder in enumerate(SLOWEST_FIRST)
                     if item.nodeid.startswith(folder)), len(SLOWEST_FIRST))

    items.sort(key=rank)


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
