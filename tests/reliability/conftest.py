"""The demo warehouse the crash and fault tests copy for each trial (built once a session)."""

from __future__ import annotations

import pytest

from tests.reliability.runs import Demo, build_demo


@pytest.fixture(scope="session")
def cli_demo(tmp_path_factory) -> Demo:
    """``campaign-kpi demo`` over four weeks in its own process, as a user runs it."""
    return build_demo(tmp_path_factory.mktemp("cli-demo"))
