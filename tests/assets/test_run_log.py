"""The Dagster instance kept in the data folder: telemetry off unless the user says otherwise."""

from __future__ import annotations

import doctest

import dagster as dg
import pytest

import assets.instance
from assets.instance import prepare_home


def test_a_new_instance_has_telemetry_off(tmp_path):
    home = prepare_home(tmp_path / "dagster_home")
    with dg.DagsterInstance.local_temp(tempdir=str(home)) as instance:
        assert instance.telemetry_enabled is False


@pytest.mark.parametrize("name", ["dagster.yaml", "dagster.yml"])
def test_the_users_own_settings_are_kept(tmp_path, name):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / name).write_text("telemetry:\n  enabled: true\n", encoding="utf-8")
    prepare_home(home)
    assert sorted(p.name for p in home.iterdir()) == [name]
    assert (home / name).read_text(encoding="utf-8") == "telemetry:\n  enabled: true\n"
    with dg.DagsterInstance.local_temp(tempdir=str(home)) as instance:
        assert instance.telemetry_enabled is True  # theirs to choose


def test_the_examples_hold():
    for module in (assets.instance,):
        assert doctest.testmod(module).failed == 0, module.__name__
