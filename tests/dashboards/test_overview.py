"""The overview page as HTML: content, colours by direction, escaping, empty states, errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from markupsafe import escape
from plotly.offline import get_plotlyjs

from dashboards.overview import (
    TILE_METRICS,
    TREND_KPIS,
    _tile,
    _trend_figure,
    latest_complete_week,
    render_overview,
    write_overview,
)
from dashboards.page import PLOTLY_FILE, SITE_SCRIPT, STYLESHEET
from kpi.language.format import format_value, format_week
from kpi.language.translate import translator
from kpi.registry import KPIS, MEASURES
from tests.dashboards.conftest import HOSTILE_IMG, HOSTILE_SCRIPT

t = translator("common")

W47 = (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
SIZE_BUDGET = 400_000  # bytes of markup and data: plotly.js is a shared file beside the pages


def total(values: pd.DataFrame, metric: str, start: dt.date = W47[0]) -> pd.Series:
    rows = values[(values["level"] == "total") & (values["metric"] == metric)
                  & (values["period_start"] == start)]
    return rows.iloc[0]


def test_latest_complete_week(kpi_values: pd.DataFrame) -> None:
    assert latest_complete_week(kpi_values) == W47  # W48 is incomplete
    assert latest_complete_week(pd.DataFrame()) is None


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_page_shows_every_tile_and_trend_with_registry_labels(kpi_values: pd.DataFrame,
                                                              lang: str) -> None:
    page = render_overview(kpi_values, lang=lang, account="Demo")
    for metric in TILE_METRICS:
        d = KPIS.get(metric) or MEASURES[metric]
        assert f">{escape(d.label(lang))}<" in page, metric
    for metric in ("cost", "cpa", "roas", "conversion_rate"):
        unit = (KPIS.get(metric) or MEASURES[metric]).unit
        assert format_value(total(kpi_values, metric)["value"], unit, lang) in page, metric
    assert format_week(*W47, lang) in page
    assert all(f'id="trend-{k}"' in page for k in TREND_KPIS) and 'id="channels"' in page


def row(value: float | None, previous: float | None, target: float | None = None,
        on_target: bool | None = None, provisional: bool = False) -> pd.Series:
    """One total-level row of the input contract, as _tile receives it."""
    change = None if value is None or not previous else value / previous - 1
    vs = None if value is None or not target else value / target - 1
    return pd.Series({"value": value, "previous_value": previous, "change": change,
                      "target": target, "vs_target": vs, "on_target": on_target,
                      "provisional": provisional})


def test_change_colour_follows_direction() -> None:
    assert 'class="pill bad"' in _tile("cpa", row(33.0, 30.0), "en", "EUR", badge=False)
    assert 'class="pill good"' in _tile("cpl", row(27.0, 30.0), "en", "EUR", badge=False)
    assert 'class="pill good"' in _tile("roas", row(4.4, 4.0), "en", "EUR", badge=False)
    assert 'class="pill bad"' in _tile("ctr", row(0.02, 0.025), "en", "EUR", badge=False)
    assert ">▲ +10,0%<" in _tile("cpa", row(33.0, 30.0), "en", "EUR", badge=False)
    flat = _tile("cpa", row(30.0, 30.0), "en", "EUR", badge=False)
    assert 'class="pill flat"' in flat and ">0,0%<" in flat  # no arrow when unchanged
    cost = _tile("cost", row(900.0, 1000.0, provisional=True), "en", "EUR", badge=True)
    assert 'class="pill flat"' in cost and "▼ -10,0%" in cost  # measures stay neutral
    assert 'class="badge"' in cost


def test_target_and_vs_target() -> None:
    tile = _tile("roas", row(3.0, 2.5, target=4.0, on_target=False), "nl", "EUR", badge=False)
    assert "Doel 4,0×" in tile and 'title="t.o.v. doel · slechter">▼ -25,0%<' in tile
    tile = _tile("cpa", row(20.0, 25.0, target=25.0, on_target=True), "fr", "EUR", badge=False)
    assert "Objectif 25,00\xa0€" in tile
    assert 'class="pill good" title="vs objectif · meilleur">▼ -20,0\xa0%<' in tile
    assert "pas de semaine précédente" in _tile("cpa", row(20.0, None), "fr", "EUR", badge=False)
    assert "Geen gegevens" in _tile("cpa", row(None, 25.0), "nl", "EUR", badge=False)
    assert ">No data<" in _tile("cpa", None, "en", "EUR", badge=False)


def test_trend_marks_provisional_weeks_and_target(kpi_values: pd.DataFrame) -> None:
    rows = kpi_values[(kpi_values["level"] == "total") & (kpi_values["metric"] == "cpa")]
    target, provisional, final = go.Figure(_trend_figure(rows, KPIS["cpa"], "en", "EUR")).data
    assert target.line.dash == "dash" and set(target.y) == {55.0}
    assert provisional.line.dash == "dot" and final.line.dash is None
    flagged = [(not c) or p for c, p in zip(rows["complete"], rows["provisional"], strict=True)]
    assert [y is None for y in final.y] == flagged  # the solid line skips every flagged week
    assert all(y is not None for y, f in zip(provisional.y, flagged, strict=True) if f)


def test_hostile_names_never_appear_unescaped(kpi_values: pd.DataFrame) -> None:
    page = render_overview(kpi_values, lang="en", account=HOSTILE_SCRIPT)
    rest = page.replace(get_plotlyjs(), "")
    for hostile in (HOSTILE_IMG, HOSTILE_SCRIPT, "<script>alert", "onerror=alert(1)>"):
        assert hostile not in rest
    assert rest.lower().count("<script") == 3  # plotly.js and site files, the figures
    assert "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in rest  # the table cell
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in rest  # plotly text, escaped twice
    assert "http://" not in rest and "https://" not in rest


def test_page_size_budget(kpi_values: pd.DataFrame) -> None:
    size = len(render_overview(kpi_values, lang="fr").encode("utf-8"))
    assert size < SIZE_BUDGET, f"{size:,} bytes"  # plotly.js is a shared file, not inlined


def test_empty_input_renders_the_no_data_state() -> None:
    page = render_overview(pd.DataFrame(), lang="fr")
    assert escape(t("no_data_hint", "fr")) in page
    assert page.count(t("no_data", "fr")) == 1  # one clear message, not one per chart
    assert 'class="plot"' not in page and "data-plots" not in page.split("<script>")[0]


def test_kpi_without_data_gets_its_own_no_data_card(make_kpi_values: Callable[..., pd.DataFrame],
                                                    ) -> None:
    values = make_kpi_values(channels=["Search"])
    values.loc[values["metric"] == "cpl", "value"] = None
    page = render_overview(values, lang="en")
    assert 'id="trend-cpl"' not in page and 'id="trend-cpa"' in page


def test_bad_input_gets_a_clear_error(kpi_values: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match=r"\['target'"):
        render_overview(kpi_values.drop(columns=["target", "on_target"]))
    mixed = kpi_values.copy()
    mixed.loc[mixed.index[:3], "currency"] = "USD"
    with pytest.raises(ValueError, match=r"EUR.*USD"):
        render_overview(mixed)
    with pytest.raises(ValueError, match="'de'"):
        render_overview(kpi_values, lang="de")


def test_render_is_pure_and_write_replaces_the_file(kpi_values: pd.DataFrame,
                                                    tmp_path: Path) -> None:
    first = render_overview(kpi_values, lang="nl", generated_at=dt.datetime(2026, 11, 26, 6, 5))
    assert first == render_overview(kpi_values, lang="nl",
                                    generated_at=dt.datetime(2026, 11, 26, 6, 5))
    assert "Aangemaakt 26 nov 2026, 06:05" in first
    path = write_overview(tmp_path / "out" / "overview.html", kpi_values, lang="nl",
                          generated_at=dt.datetime(2026, 11, 26, 6, 5))
    assert path.read_text(encoding="utf-8") == first
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(
        ["overview.html", PLOTLY_FILE, STYLESHEET, SITE_SCRIPT])
