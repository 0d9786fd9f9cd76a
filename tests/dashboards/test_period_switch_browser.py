"""The period and comparison switch in real headless Chromium, on planted days
(tests/dashboards/periods_data): the chosen variant shows (a 4-week CPA is the planted
sum(cost) / sum(paid purchases)), the choice is in the URL and survives a reload and the
language switch; charts follow it; at 390 × 844 no axis label is clipped and no bar label
overlaps another. Screenshots go to test-artifacts/ like the other browser tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from dashboards.overview import write_overview
from dashboards.site import Header
from dashboards.trends import write_trends
from kpi.language.format import format_value
from tests.browser import ARTIFACTS, LOCAL_SCHEMES
from tests.dashboards.periods_data import planted_values, summed

pytestmark = pytest.mark.browser
W44, W47 = dt.date(2026, 10, 26), dt.date(2026, 11, 16)
HEADER = Header(page="overview", account="Zonnig <i>Huis</i>")
SHOWN = """() => Array.from(document.querySelectorAll('[data-variant]'))
  .filter(el => !el.hidden).map(el => [el.tagName, el.getAttribute('data-period'),
                                       el.getAttribute('data-vs')])"""
TRACES = """id => document.getElementById(id).data.filter(tr => tr.visible !== false)
  .map(tr => [tr.meta ? tr.meta.period || '' : '', tr.meta ? tr.meta.vs || '' : '',
              (tr.y || []).filter(y => y != null).length])"""
LAYOUT = """() => {
  const inside = (r, box) => r.left >= box.left - 1 && r.right <= box.right + 1
    && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
  const clipped = [], overlaps = [];
  document.querySelectorAll('.js-plotly-plot').forEach(gd => {
    const box = gd.getBoundingClientRect();
    gd.querySelectorAll('.xtick text, .ytick text, .g-gtitle text, .annotation-text').forEach(t => {
      const r = t.getBoundingClientRect();
      if (r.width && !inside(r, box)) { clipped.push(gd.id + ': ' + t.textContent); }
    });
    const bars = Array.from(gd.querySelectorAll('.bartext')).map(t => t.getBoundingClientRect())
      .filter(r => r.width > 0);
    bars.forEach((a, i) => bars.slice(i + 1).forEach(b => {
      if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1
          && b.top < a.bottom - 1) { overlaps.push(gd.id); }
    }));
  });
  return {clipped, overlaps, width: document.documentElement.scrollWidth};
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """overview and trends in en and fr, side by side as the assets write them."""
    folder = tmp_path_factory.mktemp("site")
    values = planted_values()
    for lang in ("en", "fr"):
        write_overview(folder / f"overview.{lang}.html", values, lang=lang, header=HEADER,
                       account=HEADER.account)
        write_trends(folder / f"trends.{lang}.html", values, lang=lang,
                     header=dataclasses.replace(HEADER, page="trends"), account=HEADER.account)
    return folder


@pytest.fixture
def tab(browser: Browser) -> Iterator[callable]:
    contexts = []

    def open_tab(width: int = 1280, height: int = 900) -> Page:
        context = browser.new_context(viewport={"width": width, "height": height},
                                      service_workers="block")
        context.route("**/*", lambda route: route.continue_()
                      if route.request.url.startswith(LOCAL_SCHEMES) else route.abort())
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.errors = errors  # type: ignore[attr-defined]
        return page

    yield open_tab
    for context in contexts:
        context.close()


def switched(page: Page, state: str) -> None:
    page.wait_for_function(f"() => document.body.getAttribute('data-switched') === '{state}'",
                           timeout=30_000)


def choose(page: Page, name: str, value: str) -> None:
    page.click(f'.switch input[name="{name}"][value="{value}"] + span')


def test_the_switch_shows_the_variant_and_the_fragment_survives_reload_and_language(
        site: Path, tab) -> None:
    page = tab()
    page.goto((site / "overview.en.html").as_uri())
    switched(page, "week previous")
    assert page.evaluate(SHOWN) == [["SECTION", "week", "previous"], ["DIV", "week", None]]
    choose(page, "period", "4weeks")
    choose(page, "vs", "year")
    switched(page, "4weeks year")
    assert page.evaluate("() => window.location.hash") == "#period=4weeks&vs=year"
    four = summed(W44, W47 + dt.timedelta(days=6))
    cpa = format_value(four["cost"] / four["paid_purchases"], "currency", "en")

    def check(lang: str) -> None:
        assert page.evaluate(SHOWN) == [["SECTION", "4weeks", "year"], ["DIV", "4weeks", None]]
        section = page.locator('section[data-period="4weeks"][data-vs="year"]')
        assert cpa.replace("\xa0", " ") in section.inner_text().replace("\xa0", " ")
        assert {p for p, _, _ in page.evaluate(TRACES, "channels")} == {"4weeks"}
        assert page.locator(".site-period").inner_text().startswith(
            "Weeks 44–47" if lang == "en" else "Semaines 44 à 47")
        assert page.is_checked('input[name="period"][value="4weeks"]')
        assert page.is_checked('input[name="vs"][value="year"]')

    check("en")
    page.screenshot(path=ARTIFACTS / "overview-switch-4weeks-year-en.png", full_page=True)
    page.reload()
    switched(page, "4weeks year")
    check("en")
    page.click('a[data-lang-link][hreflang="fr"]')
    page.wait_for_url("**/overview.fr.html#period=4weeks&vs=year")
    switched(page, "4weeks year")
    check("fr")
    assert page.errors == []  # type: ignore[attr-defined]


def test_the_trends_history_follows_the_period_and_overlays_last_year(site: Path, tab) -> None:
    page = tab()
    page.goto((site / "trends.en.html").as_uri() + "#period=month&vs=year")
    switched(page, "month year")
    traces = page.evaluate(TRACES, "weekly-cpa")
    assert {p for p, _, _ in traces} == {"month"}
    last_year = [n for _, vs, n in traces if vs == "year"]
    assert last_year and last_year[0] >= 12  # the months that have a year before them
    ticks = page.evaluate("() => document.getElementById('weekly-cpa').layout.xaxis.ticktext")
    assert any("2026" in tick for tick in ticks)
    choose(page, "vs", "previous")
    switched(page, "month previous")
    assert all(vs == "" for _, vs, _ in page.evaluate(TRACES, "weekly-cpa"))
    assert page.evaluate("() => window.location.hash") == "#period=month&vs=previous"
    page.screenshot(path=ARTIFACTS / "trends-switch-month-en.png", full_page=True)
    assert page.errors == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(("name", "state"), [("overview", "week previous"),
                                             ("overview", "quarter year"),
                                             ("trends", "quarter year")])
def test_a_phone_screen_clips_no_label(site: Path, tab, name: str, state: str) -> None:
    page = tab(390, 844)
    period, vs = state.split()
    page.goto((site / f"{name}.fr.html").as_uri() + f"#period={period}&vs={vs}")
    switched(page, state)
    page.wait_for_timeout(300)  # Plotly's responsive redraw
    found = page.evaluate(LAYOUT)
    page.screenshot(path=ARTIFACTS / f"{name}-390-{period}-{vs}-fr.png", full_page=True)
    assert found["clipped"] == [] and found["overlaps"] == [], found
    assert found["width"] <= 390, found
    assert page.errors == []  # type: ignore[attr-defined]
