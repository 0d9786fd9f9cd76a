"""Print a local HTML file to an A4 PDF with headless Chromium (through Playwright).

Chromium is the one on PATH (``chromium``, ``chromium-browser`` or ``google-chrome``; Debian's
package is what ``make browser`` installs) or the executable named by ``CAMPAIGN_KPI_CHROMIUM``.
Every request other than ``file:`` and ``data:`` is aborted, so printing cannot reach the
network. The PDF is written beside and swapped in atomically.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CHROMIUM_ENV = "CAMPAIGN_KPI_CHROMIUM"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


class PdfError(RuntimeError):
    """The PDF could not be printed (no Chromium, or Chromium failed)."""


def chromium_path() -> str | None:
    """The Chromium executable to print with, or None when there is none."""
    chosen = os.environ.get(CHROMIUM_ENV)
    if chosen:
        return chosen if Path(chosen).is_file() else None
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def print_pdfs(pages: list[tuple[Path, Path]]) -> list[Path]:
    """Print each (html, pdf) pair with one browser; return the PDF paths.

    PdfError says what is missing: no Chromium (install it with ``make browser`` or point
    ``CAMPAIGN_KPI_CHROMIUM`` at one), or what Chromium reported.
    """
    executable = chromium_path()
    if executable is None:
        raise PdfError(f"no Chromium found to print the PDF (looked for {', '.join(CANDIDATES)}"
                       f" and ${CHROMIUM_ENV}); install it with `make browser`")
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # no event loop here: Playwright's sync API can run in this thread
        return _print(executable, pages)
    with ThreadPoolExecutor(max_workers=1) as worker:  # the sync API refuses a running loop
        return worker.submit(_print, executable, pages).result()


def _print(executable: str, pages: list[tuple[Path, Path]]) -> list[Path]:
    from playwright.sync_api import Error, Route, sync_playwright

    def local_only(route: Route) -> None:
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            route.abort()

    written = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=ARGS)
            try:
                for html, pdf in pages:
                    page = browser.new_page()
                    page.route("**/*", local_only)
                    page.goto(Path(html).resolve().as_uri(), wait_until="load")
                    partial = Path(pdf).with_name(Path(pdf).name + ".partial")
                    page.pdf(path=str(partial), format="A4", print_background=True,
                             prefer_css_page_size=True)
                    page.close()
                    partial.replace(pdf)
                    written.append(Path(pdf))
            finally:
                browser.close()
    except Error as exc:
        raise PdfError(f"Chromium could not print the PDF: {exc.message}") from None
    return written
