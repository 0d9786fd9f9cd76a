"""Fixtures shared by every suite: a real headless Chromium (session-scoped)."""

from tests.browser import browser, open_page  # noqa: F401
