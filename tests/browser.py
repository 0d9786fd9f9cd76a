"""A real headless Chromium for page tests: one browser per session, one context per page.

``open_page(path)`` loads a local HTML file, dismisses and records dialogs, records console
and page errors, aborts and records every request that is not ``file:`` or ``data:``, waits
for the page's plots, counts the traces with data of each ``.js-plotly-plot`` and saves a
full-page screenshot to ``test-artifacts/<name>.png``.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Route, sync_playwright

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
READY = ("() => document.body !== null && (document.body.hasAttribute('data-plots-ready')"
         " || document.body.hasAttribute('data-plots-error'))")
PLOTS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => ({
  id: gd.id,
  traces: (gd.data || []).filter(tr => {
    const xs = tr.x || [], ys = tr.y || [];
    return xs.some((x, i) => x != null && ys[i] != null);  // != null: neither null nor undefined
  }).length,
}))"""


@dataclass
class PageReport:
    """What happened while a page loaded in Chromium."""

    name: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    plots: dict[str, int] = field(default_factory=dict)  # plot div id -> traces with data
    plot_error: str | None = None
    svg_texts: list[str] = field(default_factory=list)  # every text drawn inside the charts
    body_text: str = ""
    probe: Any = None  # result of the optional ``probe`` JavaScript function
    render_ms: float = 0.0  # from navigation start until every plot is drawn
    screenshot: Path | None = None

    @property
    def problems(self) -> list[str]:
        """Everything that should not happen on a healthy offline page."""
        return ([f"console: {m}" for m in self.console_errors]
                + [f"page error: {m}" for m in self.page_errors]
                + [f"dialog: {m}" for m in self.dialogs]
                + [f"network: {u}" for u in self.external_requests]
                + ([f"plot error: {self.plot_error}"] if self.plot_error else []))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium (the Debian package) for the whole session."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is not installed (no `chromium` on PATH): run make test "
                    "(it installs chromium)", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS,
                                              headless=True)
        yield chromium
        chromium.close()


def _load(page: Page, path: Path, report: PageReport) -> None:
    started = time.perf_counter()
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.wait_for_function(READY, timeout=30_000)
    report.render_ms = (time.perf_counter() - started) * 1000
    report.plot_error = page.evaluate("() => document.body.getAttribute('data-plots-error')")
    report.plots = {p["id"]: p["traces"] for p in page.evaluate(PLOTS)}
    report.svg_texts = page.evaluate(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot svg text'))"
        ".map(t => t.textContent)")
    report.body_text = page.inner_text("body")


@pytest.fixture(scope="session")
def open_page(browser: Browser) -> Callable[..., PageReport]:
    """``open_page(path, *, name=None, width=1280, probe=None) -> PageReport``."""

    def _open(path: Path, *, name: str | None = None, width: int = 1280,
              probe: str | None = None) -> PageReport:
        report = PageReport(name=name or Path(path).stem)
        context = browser.new_context(viewport={"width": width, "height": 900},
                                      service_workers="block")

        def note(url: str) -> None:
            if not url.startswith(LOCAL_SCHEMES) and url not in report.external_requests:
                report.external_requests.append(url)

        def block(route: Route) -> None:
            note(route.request.url)
            if route.request.url.startswith(LOCAL_SCHEMES):
                route.continue_()
            else:
                route.abort()

        def dialog(d: Dialog) -> None:
            report.dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                report.console_errors.append(message.text)

        context.route("**/*", block)
        page = context.new_page()
        page.on("dialog", dialog)
        page.on("console", console)
        page.on("pageerror", lambda error: report.page_errors.append(str(error)))
        page.on("websocket", lambda ws: note(ws.url))
        page.on("request", lambda request: note(request.url))
        try:
            _load(page, Path(path), report)
            ARTIFACTS.mkdir(exist_ok=True)
            report.screenshot = ARTIFACTS / f"{report.name}.png"
            page.screenshot(path=report.screenshot, full_page=True)
            if probe is not None:  # after the screenshot: a probe may hover or click
                report.probe = page.evaluate(probe)
        finally:
            context.close()
        return report

    return _open
