"""Fixtures shared by every suite: a real headless Chromium and the demo warehouse
(session-scoped)."""

import pytest

from tests.assets.conftest import copied_demo_build, keep_demo_build, keep_next_night
from tests.browser import browser, open_page  # noqa: F401
from tests.fakes.fixtures import (  # noqa: F401
    ads_server,
    ads_tls,
    demo_meta_server,
    ga4_server,
    meta_server,
)
from tests.fakes.hubspot_fixtures import hubspot, portal  # noqa: F401
from tests.shared_build import shared_folder


def pytest_configure(config) -> None:
    """Trust the fake Google Ads server's certificate before any secure gRPC channel opens."""
    from tests.fakes.tls import trust_localhost_cert

    trust_localhost_cert()


# The longest modules first, then the slowest folders: with ``--dist loadscope
# --no-loadscope-reorder`` (the Makefile's) pytest-xdist hands modules to its two workers in
# this order, so the long ones run side by side at the start and the short ones fill the end.
# (Without ``--no-loadscope-reorder`` xdist orders modules by their number of tests: the
# 6-minute Spark module, 3 tests, ran alone at the end.) Measured with a per-test timeline of
# ``make test`` (module seconds): Spark warehouse ~350, the CLI ~230, the calendar sweep ~160,
# the pipeline ~140, the roll-up ~130, crash safety ~120, faults ~105, idempotency ~105.
SLOWEST_MODULES = (
    "tests/scale/test_spark_warehouse.py",
    "tests/e2e/test_cli.py",
    "tests/e2e/test_calendar_sweep.py",
    "tests/assets/test_pipeline.py",
    "tests/scale/test_bigquery_warehouse.py",
    "tests/kpi/test_rollup_incremental.py",
    "tests/reliability/test_crash_safety.py",
    "tests/reliability/test_faults.py",
    "tests/reliability/test_idempotency.py",
    "tests/assets/test_experiments.py",
    "tests/scale/test_spark_parity.py",
    "tests/reliability/test_purge.py",
    "tests/assets/test_real_sources.py",
    "tests/assets/test_budget.py",
)
SLOWEST_FIRST = ("tests/scale/", "tests/reliability/", "tests/e2e/", "tests/assets/")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items) -> None:
    """Order the run by :data:`SLOWEST_MODULES`, then :data:`SLOWEST_FIRST` (stable: within a
    module or folder nothing moves)."""

    def rank(item) -> tuple[int, int]:
        module = item.nodeid.split("::")[0]
        if module in SLOWEST_MODULES:
            return 0, SLOWEST_MODULES.index(module)
        return 1, next((i for i, folder in enumerate(SLOWEST_FIRST)
                        if item.nodeid.startswith(folder)), len(SLOWEST_FIRST))

    items.sort(key=rank)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A warehouse holding the short demo history (tests.assets.conftest), built once a test
    run (tests.shared_build) and copied whole into each worker's own folder, with the run's
    result as it came back: each worker's tests may open it as before."""
    shared = shared_folder(tmp_path_factory, "built", keep_demo_build)
    return copied_demo_build(shared, tmp_path_factory.mktemp("built") / "data")


@pytest.fixture(scope="session")
def next_night(built, tmp_path_factory):
    """``built``, then the nightly run of its last day on top of it (its run history kept), made
    once a test run and copied into each worker's folder as ``built`` is: the data folder and
    that night's result."""
    shared = shared_folder(tmp_path_factory, "next-night",
                           lambda folder: keep_next_night(built[0].data_dir, folder))
    return copied_demo_build(shared, tmp_path_factory.mktemp("next-night") / "data")


def pytest_terminal_summary(terminalreporter) -> None:
    """The figures tests recorded (``record_property("figure", ...)``), listed after the run:
    they reach here from pytest-xdist's workers too."""
    figures = [value for report in terminalreporter.getreports("passed")
               for name, value in report.user_properties if name == "figure"]
    if figures:
        terminalreporter.section("figures")
        for line in sorted(figures):
            terminalreporter.write_line(line)
