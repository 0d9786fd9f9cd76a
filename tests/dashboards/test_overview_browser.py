"""The overview page in real headless Chromium: renders offline, quietly, with literal names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from dashboards.overview import TREND_KPIS, write_overview
from kpi.language.translate import translator
from tests.browser import PageReport
from tests.dashboards.conftest import HOSTILE_IMG, HOSTILE_MARKUP, HOSTILE_SCRIPT

t = translator("common")

pytestmark = pytest.mark.browser
RENDER_BUDGET_MS = 10_000  # generous: ~1 s on a 2-core machine; catches hangs, not regressions
HOVER_CHANNELS = """async () => {
  const gd = document.getElementById('channels'), out = [];
  for (let i = 0; i < gd.data[0].y.length; i++) {
    Plotly.Fx.hover(gd, [{curveNumber: 0, pointNumber: i}]);
    await new Promise(r => setTimeout(r, 80));
    out.push(Array.from(gd.querySelectorAll('.hoverlayer text')).map(e => e.textContent).join(' '));
  }
  return out;
}"""


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_overview_opens_cleanly(kpi_values: pd.DataFrame, open_page: Callable[..., PageReport],
                                tmp_path: Path, lang: str) -> None:
    path = write_overview(tmp_path / f"overview-{lang}.html", kpi_values, lang=lang,
                          account=f"Demo {HOSTILE_SCRIPT}",
                          generated_at=dt.datetime(2026, 11, 26, 6, 5))
    report = open_page(path, name=f"overview-{lang}", probe=HOVER_CHANNELS)
    assert report.problems == []
    assert set(report.plots) == {f"trend-{k}" for k in TREND_KPIS} | {"channels"}
    assert all(traces >= 1 for traces in report.plots.values()), report.plots
    assert report.render_ms < RENDER_BUDGET_MS
    # Hostile names show as literal text: in the table and header, on the axis, in the hover.
    assert HOSTILE_IMG in report.body_text and HOSTILE_SCRIPT in report.body_text
    assert f"Demo {HOSTILE_SCRIPT}" in report.body_text
    assert HOSTILE_IMG in report.svg_texts  # Plotly leaves unknown tags as text anyway, but
    assert HOSTILE_MARKUP in report.svg_texts  # it would render <b> and <i> if not escaped
    assert any(text.startswith("</script><script>alert(2)") for text in report.svg_texts)
    assert any(HOSTILE_SCRIPT in text for text in report.probe), report.probe
    assert any(HOSTILE_IMG in text for text in report.probe), report.probe
    assert any(HOSTILE_MARKUP in text for text in report.probe), report.probe


def test_empty_page_shows_no_data(open_page: Callable[..., PageReport], tmp_path: Path) -> None:
    lang = "fr"
    path = write_overview(tmp_path / f"overview-empty-{lang}.html", pd.DataFrame(), lang=lang)
    report = open_page(path, name=f"overview-empty-{lang}")
    assert report.problems == []
    assert report.plots == {}
    assert t("no_data_hint", lang) in report.body_text
    assert report.body_text.count(t("no_data", lang)) == 1


def test_narrow_screen(kpi_values: pd.DataFrame, open_page: Callable[..., PageReport],
                       tmp_path: Path) -> None:
    path = write_overview(tmp_path / "overview-phone.html", kpi_values, lang="nl")
    report = open_page(path, name="overview-phone-nl", width=390)
    assert report.problems == [] and all(n >= 1 for n in report.plots.values())
