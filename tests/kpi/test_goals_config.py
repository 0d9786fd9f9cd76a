"""The goals: and risks: sections: a mistake names the field and the likely intended value."""

from __future__ import annotations

import pytest
import yaml

from assets.settings import EXAMPLE_CONFIG
from pipelines.config import ConfigError, load_config


def load_with(tmp_path, **sections):
    raw = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    raw.update(sections)
    raw.pop("budget", None)  # its files sit beside the example, not in tmp_path
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return load_config(path)


def test_the_example_has_recurring_goals_a_fixed_one_and_owners() -> None:
    config = load_config(EXAMPLE_CONFIG)
    assert {g.every for g in config.goals} >= {"month", "quarter", None}
    assert {g.level for g in config.goals} == {"total", "channel", "campaign"}
    assert config.risks.owner_of("srm") == "Lotte" and config.risks.owner_of("pacing") == "Jonas"


@pytest.mark.parametrize(("goal", "said"), [
    ({"name": "a", "measure": "lead", "target": 5, "every": "month"},
     "goals.0.measure: unknown measure 'lead'; did you mean 'leads'?"),
    ({"name": "a", "measure": "leads", "target": 5, "kpi": "cpll", "kpi_target": 4,
      "every": "month"}, "goals.0.kpi: unknown KPI 'cpll'; did you mean 'cpl'?"),
    ({"name": "a", "measure": "leads", "target": 5, "kpi": "cpl", "every": "month"},
     "a condition needs both kpi and kpi_target"),
    ({"name": "a", "measure": "leads", "target": 5, "start": "2026-01-01"},
     "missing deadline"),
    ({"name": "a", "measure": "leads", "target": 5, "start": "2026-03-01",
      "deadline": "2026-01-31"}, "did you mean 2027-01-31?"),
    ({"name": "a", "measure": "leads", "target": 5, "every": "week"},
     "goals.0.every: Input should be 'month' or 'quarter'"),
    ({"name": "a", "measure": "leads", "target": 5, "every": "month", "chanel": "Video"},
     "unknown setting 'chanel'; did you mean 'channel'?"),
    ({"name": "a", "measure": "leads", "target": -5, "every": "month"},
     "goals.0.target: Input should be greater than 0"),
])
def test_a_bad_goal_names_its_field_and_the_likely_value(tmp_path, goal, said) -> None:
    with pytest.raises(ConfigError) as caught:
        load_with(tmp_path, goals=[goal])
    assert said in str(caught.value) and "(line " in str(caught.value)


def test_two_goals_with_one_name_and_an_unknown_risk_kind(tmp_path) -> None:
    goal = {"name": "Leads", "measure": "leads", "target": 5, "every": "month"}
    with pytest.raises(ConfigError, match="two goals named 'Leads'"):
        load_with(tmp_path, goals=[goal, goal])
    with pytest.raises(ConfigError, match="unknown risk kind 'pacin'; did you mean 'pacing'"):
        load_with(tmp_path, risks={"owners": {"pacin": "Ann"}})
