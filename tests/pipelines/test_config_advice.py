"""check-config warns (without refusing the file) when no gross margin is set: CLV and CLV:CAC
are then on revenue, which is easily read as what a customer earns back (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assets.commands import check_config
from assets.settings import EXAMPLE_CONFIG, Paths
from pipelines.config import Config, load_config
from pipelines.config_checks import advice

BASE = {"history_start": "2026-01-01"}


def test_no_margin_is_advice_naming_the_key() -> None:
    (found,) = advice(Config.model_validate(BASE))
    assert found.loc == ("clv", "gross_margin") and "clv: gross_margin:" in found.message
    assert not Config.model_validate(BASE).clv.margin_set


@pytest.mark.parametrize("extra", [{"clv": {"gross_margin": 0.35}},
                                   {"clv": {"gross_margin": 1.0}},  # revenue, on purpose
                                   {"sources": {"orders": {"kind": "none"}}}])
def test_a_margin_set_or_no_orders_needs_no_advice(extra) -> None:
    assert advice(Config.model_validate({**BASE, **extra})) == ()


def test_check_config_warns_but_accepts_the_sample(tmp_path: Path, capsys) -> None:
    assert not load_config(EXAMPLE_CONFIG).clv.margin_set  # the demo shop has no known margin
    check_config(Paths(data_dir=tmp_path, config=EXAMPLE_CONFIG))  # no exit: accepted
    out = " ".join(capsys.readouterr().out.split())
    assert "OK" in out and "Warning clv.gross_margin: no gross margin set" in out
    configured = tmp_path / "campaign-kpi.yaml"
    plan = EXAMPLE_CONFIG.parent / "demo-budget-plan.csv"  # relative to the configuration
    (tmp_path / plan.name).write_bytes(plan.read_bytes())
    configured.write_text(EXAMPLE_CONFIG.read_text(encoding="utf-8").replace(
        "  # gross_margin: 0.35", "  gross_margin: 0.35"), encoding="utf-8")
    check_config(Paths(data_dir=tmp_path, config=configured))
    assert "Warning" not in capsys.readouterr().out
