"""The browser harness itself notices dialogs, errors and network requests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.browser import PageReport

pytestmark = pytest.mark.browser

LEAKY_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>leaky</title>
</head><body><p>leaky</p><img src="https://example.invalid/pixel.png" alt="">
<script>alert("hello"); console.error("boom");
document.body.setAttribute("data-plots-ready", "0");
setTimeout(function () { throw new Error("late"); }, 0);</script></body></html>"""


def test_harness_records_what_a_page_must_not_do(open_page: Callable[..., PageReport],
                                                 tmp_path: Path) -> None:
    path = tmp_path / "leaky.html"
    path.write_text(LEAKY_PAGE, encoding="utf-8")
    report = open_page(path, name="harness-leaky")
    assert report.dialogs == ["alert: hello"]
    assert report.external_requests == ["https://example.invalid/pixel.png"]
    assert "boom" in report.console_errors
    assert report.plots == {} and report.screenshot is not None and report.screenshot.exists()
    assert len(report.problems) >= 3
