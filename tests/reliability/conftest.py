"""The demo warehouse the crash and fault tests copy for each trial (built once a test run,
shared by the xdist workers: the tests copy it and never change it)."""

from __future__ import annotations

import pytest

from tests.reliability.runs import CONFIG_FILE, Demo, build_demo
from tests.shared_build import shared_folder


@pytest.fixture(scope="session")
def cli_demo(tmp_path_factory) -> Demo:
    """``campaign-kpi demo`` over four weeks in its own process, as a user runs it."""
    folder = shared_folder(tmp_path_factory, "cli-demo", build_demo)
    return Demo(folder, folder / CONFIG_FILE)
