"""The overview judges paid efficiency (paid cost over paid conversions) and labels the blended
figure: a channel without paid conversions shows "–" as its CPA, never "0,00 €".

Two weeks, two channels worked out on paper: Search (paid) costs 1 000 € for 20 purchases,
15 leads and 3 000 € of revenue; Organic Search costs nothing and brings 30 purchases, 5 leads
and 4 000 €. Account CPA 1 000 / 20 = 50 €, blended 1 000 / 50 = 20 €; CPL 1 000 / 15,
blended 1 000 / 20 = 50 €; ROAS 3,0×, blended (MER) 7,0×."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from markupsafe import escape

from dashboards.overview import render_overview
from kpi.language.format import format_value
from kpi.language.translate import translator
from kpi.registry import KPIS, MEASURES
from tests.conversion_views import views
from tests.dashboards.conftest import _rows, _with_comparisons

t = translator("common")

W47 = dt.date(2026, 11, 16)
PAID = {"impressions": 40_000, "clicks": 1_000, "cost": 1_000.0, "sessions": 900,
        "engaged_sessions": 500, "leads": 15, "purchases": 20, "conversions": 35,
        "revenue": 3_000.0}
ORGANIC = {"impressions": 0, "clicks": 0, "cost": 0.0, "sessions": 2_000,
           "engaged_sessions": 1_200, "leads": 5, "purchases": 30, "conversions": 35,
           "revenue": 4_000.0}


def _paid(sums: dict[str, float], paid: bool) -> dict[str, float]:
    """The sums with their paid facts (all of them, or none) as the model keeps them."""
    return {**sums, **views(sums, float(paid)),
            **{m.id: (sums.get(m.paid_of, 0.0) if paid else 0.0) for m in MEASURES.values()
               if m.paid_of}}


def two_weeks() -> pd.DataFrame:
    rows = []
    for start in (W47 - dt.timedelta(days=7), W47):
        year, number, _ = start.isocalendar()
        base = {"grain": "week", "period_start": start, "period_end": start + dt.timedelta(6),
                "period_label": f"{year}-W{number:02d}", "complete": True,
                "provisional": False, "currency": "EUR", "campaign_key": None,
                "campaign_name": None, "ad_group_key": None, "ad_group_name": None}
        channels = {"Search": _paid(PAID, True), "Organic Search": _paid(ORGANIC, False)}
        for channel, sums in channels.items():
            rows += _rows({"level": "channel", "channel": channel}, sums, base, {})
        total = {k: sum(s.get(k, 0.0) for s in channels.values())
                 for k in {*PAID, *channels["Search"]}}
        rows += _rows({"level": "total", "channel": None}, total, base, {"cpa": 55.0})
    return _with_comparisons(pd.DataFrame(rows))


def table_row(page: str, name: str) -> list[str]:
    """The cells of the channel table's row ``name``."""
    row = re.search(rf"<tr><td>{re.escape(name)}</td>(.*?)</tr>", page)
    assert row is not None, name
    return re.findall(r"<td[^>]*>(.*?)</td>", row[1])


def tile(page: str, label: str) -> str:
    start = page.index(f">{label}<")
    return page[start: page.index('<div class="card tile">', start)]


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_unpaid_channels_show_no_cost_per_acquisition(lang: str) -> None:
    page = render_overview(two_weeks(), lang=lang)
    heads = re.findall(r"<th>(.*?)</th>", re.split(r"<table[ >]", page.split("<tbody>")[0])[-1])
    organic = dict(zip(heads[1:], table_row(page, "Organic Search"), strict=True))
    cpa, roas = (escape(KPIS[k].label(lang)) for k in ("cpa", "roas"))
    assert organic[cpa] == "–" and organic[roas] == "–"  # not "0,00 €": it has no price
    search = dict(zip(heads[1:], table_row(page, "Search"), strict=True))
    assert search[cpa] == format_value(50.0, "currency", lang)  # 1 000 € / 20 paid purchases


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_tiles_judge_the_paid_figure_and_label_the_blended_one(lang: str) -> None:
    page = render_overview(two_weeks(), lang=lang)
    for paid, value, blended, mixed in (("cpa", 50.0, "cpa_blended", 20.0),
                                        ("cpl", 1000 / 15, "cpl_blended", 50.0),
                                        ("roas", 3.0, "roas_blended", 7.0)):
        unit = KPIS[paid].unit
        card = tile(page, KPIS[paid].label(lang))
        shown = re.search(r'<div class="value">(.*?)</div>', card)[1]
        assert shown == format_value(value, unit, lang), paid
        label = escape(KPIS[blended].label(lang))
        colon = "\u202f:" if lang == "fr" else ":"  # French typography
        assert f"{label}{colon} {format_value(mixed, unit, lang)}" in card, (paid, card)
    cpa = tile(page, KPIS["cpa"].label(lang))
    assert format_value(55.0, "currency", lang) in cpa  # the target sits with the paid CPA
    assert "Blended" in page if lang != "fr" else "global" in page
    assert escape(t("paid_note", lang)) in page
