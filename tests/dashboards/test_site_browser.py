"""The pages as one site, in real headless Chromium (no network): the toolbar and date axes in
the page's language, the CSV download, the language switch keeping the page's state, and the
navigation of the pages the pipeline writes (the demo warehouse's output folder)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route

from dashboards.page import write_page
from dashboards.plotly_locale import plotly_locale
from dashboards.redirect import redirect_page
from dashboards.site import PAGES, page_file
from kpi.language import LANGUAGES
from kpi.language.translate import translator
from tests.browser import ARTIFACTS, LOCAL_SCHEMES, READY
from tests.dashboards.site_pages import EXPECTED_CSV, write_tiny_site

t = translator("common")

pytestmark = pytest.mark.browser
KEPT_BUTTONS = ("Download plot as a PNG", "Zoom", "Pan", "Reset axes")
MONTHS = {"nl": ("aug", "okt"), "fr": ("août", "oct."), "en": ("Aug", "Oct")}
ENGLISH_ONLY = ("Oct", "Aug", "Download", "Reset")  # never on an nl or fr page's charts


@pytest.fixture
def tiny_site(tmp_path: Path) -> dict[str, Path]:
    """The budget page of the tiny site in every language."""
    return write_tiny_site(tmp_path)


@contextmanager
def site_page(browser: Browser, width: int = 1280) -> Iterator[tuple[Page, list[str]]]:
    """A fresh page that accepts downloads, aborts every request that is not local and notes
    what a healthy page must not do (errors, dialogs, network)."""
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  accept_downloads=True, service_workers="block")
    problems: list[str] = []

    def block(route: Route) -> None:
        if route.request.url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            problems.append(f"network: {route.request.url}")
            route.abort()

    context.route("**/*", block)
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error"
            else None)
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    try:
        yield page, problems
    finally:
        context.close()


def goto(page: Page, path: Path, fragment: str = "") -> None:
    page.goto(path.resolve().as_uri() + fragment, wait_until="load")
    page.wait_for_function(READY, timeout=30_000)


def shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_toolbar_and_date_axis_speak_the_page_language(browser: Browser,
                                                       tiny_site: dict[str, Path],
                                                       lang: str) -> None:
    words = plotly_locale(lang)["dictionary"]
    for width in (1280, 390):
        with site_page(browser, width) as (page, problems):
            goto(page, tiny_site[lang])
            page.hover("#dates")
            titles = page.eval_on_selector_all(
                "#dates .modebar-btn", "bs => bs.map(b => b.getAttribute('data-title'))")
            ticks = page.eval_on_selector_all("#dates .xtick text",
                                              "ts => ts.map(t => t.textContent)")
            shoot(page, f"site-tiny-{lang}-{width}")
            assert problems == []
        assert titles == [words[english] for english in KEPT_BUTTONS], titles
        assert not any("Share" in x or "Studio" in x or "asso" in x for x in titles)
        axis = " ".join(ticks)
        assert all(month in axis for month in MONTHS[lang]), ticks
        if lang != "en":
            assert not any(word in axis for word in ENGLISH_ONLY), ticks


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_csv_download_gives_the_table_for_belgian_excel(browser: Browser,
                                                        tiny_site: dict[str, Path],
                                                        lang: str) -> None:
    with site_page(browser) as (page, problems):
        goto(page, tiny_site[lang])
        button = page.locator("button.csv-button")
        assert button.count() == 1 and button.inner_text() == "CSV"
        assert button.get_attribute("aria-label") == t("site_csv", lang)
        with page.expect_download() as info:
            button.click()
        download = info.value
        assert download.suggested_filename == "budget-lines.csv"
        data = Path(download.path()).read_bytes()
        assert problems == []
    assert data == EXPECTED_CSV.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the text as UTF-8


def test_language_switch_keeps_the_page_and_its_fragment(browser: Browser,
                                                         tiny_site: dict[str, Path]) -> None:
    with site_page(browser) as (page, problems):
        goto(page, tiny_site["nl"], "#period=4w&compare=year")
        page.click("a[data-lang-link][hreflang=fr]")
        page.wait_for_function(READY)
        assert page.url.endswith("/budget.fr.html#period=4w&compare=year")
        assert page.get_attribute("html", "lang") == "fr-BE"
        page.evaluate("() => { window.location.hash = 'period=month'; }")  # a hashchange
        page.click("a[data-lang-link][hreflang=en]")
        page.wait_for_function(READY)
        assert page.url.endswith("/budget.en.html#period=month")
        # A page script that keeps its state with replaceState (no hashchange event):
        page.evaluate("() => history.replaceState(null, '', '#period=quarter')")
        page.click("a[data-lang-link][hreflang=nl]")
        page.wait_for_function(READY)
        assert page.url.endswith("/budget.nl.html#period=quarter")
        assert page.get_attribute("body", "data-lang") == "nl"
        assert problems == []


def test_the_unsuffixed_page_opens_the_configured_language_with_its_fragment(
        browser: Browser, tiny_site: dict[str, Path]) -> None:
    """``budget.html`` is a redirect of a few hundred bytes, not a copy (the size budget)."""
    unsuffixed = write_page(tiny_site["fr"].with_name("budget.html"),
                            redirect_page("budget.fr.html", "fr"))
    assert unsuffixed.stat().st_size < 1_000
    for fragment in ("#period=4w&compare=year", ""):
        with site_page(browser) as (page, problems):
            goto(page, unsuffixed, fragment)
            assert page.url.endswith(f"/budget.fr.html{fragment}")
            assert page.get_attribute("html", "lang") == "fr-BE"
            assert problems == []


def _links(page: Page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "as => as.map(a => a.getAttribute('href'))")


class _Anchors(HTMLParser):
    """The header's links of a page: (href, class, data-lang-link?, aria-current) each."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[dict[str, str | None]] = []
        self._header = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self._header = self._header or (tag == "header" and found.get("class") == "site")
        if self._header and tag == "a":
            self.links.append(found)

    def handle_endtag(self, tag: str) -> None:
        self._header = self._header and tag != "header"


def test_every_demo_page_links_to_every_other_and_switches_language(built) -> None:
    """The output folder as the nightly run writes it: from every page in every language, the
    header links every page in that language (the current one marked) and the same page in
    every language, each a file that exists."""
    paths, _ = built
    out = paths.output
    for lang in LANGUAGES:
        for name, _key in PAGES:
            parser = _Anchors()
            parser.feed((out / page_file(name, lang)).read_text(encoding="utf-8"))
            hrefs = [str(a["href"]) for a in parser.links]
            switch = [str(a["href"]) for a in parser.links if "data-lang-link" in a]
            nav = [str(a["href"]) for a in parser.links
                   if "data-lang-link" not in a and not str(a["href"]).startswith("reports/")]
            assert nav == [page_file(other, lang) for other, _ in PAGES], (name, lang)
            assert switch == [page_file(name, code) for code in LANGUAGES], (name, lang)
            assert [a["href"] for a in parser.links if a.get("aria-current") == "page"] == [
                page_file(name, lang)]
            assert all((out / href).is_file() for href in hrefs), (name, lang, hrefs)


@pytest.mark.parametrize(("lang", "width"), [("nl", 1280), ("fr", 390)])
def test_following_the_demo_header_opens_every_page(browser: Browser, built, lang: str,
                                                    width: int) -> None:
    """In Chromium, from the overview, each page through the header's link: it opens quietly
    and marks itself as the current page; screenshots of the first and the last."""
    paths, _ = built
    with site_page(browser, width) as (page, problems):
        goto(page, paths.output / page_file("overview", lang))
        shoot(page, f"site-demo-overview-{lang}-{width}")
        for name, key in PAGES[1:]:
            page.click(f".site-nav a[href='{page_file(name, lang)}']")
            page.wait_for_function(READY)
            assert page.get_attribute("body", "data-page") == name
            current = page.eval_on_selector(".site-nav a[aria-current=page]",
                                            "a => a.textContent")
            assert current == t(key, lang)
        shoot(page, f"site-demo-{PAGES[-1][0]}-{lang}-{width}")
        assert problems == []
