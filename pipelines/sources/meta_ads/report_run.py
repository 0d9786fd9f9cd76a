"""Insights through asynchronous report runs: start a run for a date range, poll its status and
completion until it is done (or fails, or takes too long), then read its rows page by page.

Each page is its own request with its own retries; a page asked again after an error is the
same page (the cursor moves only on success), so no row is read twice or skipped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adreportrun import AdReportRun
from facebook_business.api import Cursor

from pipelines.sources.base import Window
from pipelines.sources.meta_ads.calls import Calls
from pipelines.sources.retry import SourceError

COMPLETED, FAILED, SKIPPED = "Job Completed", "Job Failed", "Job Skipped"
MAX_POLL_S = 30.0


class RunFailed(Exception):
    """Meta ended the run with "Job Failed" or "Job Skipped"."""


@dataclass(frozen=True)
class RunSettings:
    page_size: int = 500
    timeout_s: float = 900.0  # one run from start to "Job Completed"
    poll_s: float = 2.0  # first wait between polls; doubles up to 30 s
    failed_run_retries: int = 2


def read_all(cursor: Cursor, calls: Calls, what: str) -> list[dict[str, Any]]:
    """Every object of ``cursor`` (its first page already loaded), each further page one
    request with retries."""
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        rows += [cursor[i].export_all_data() for i in range(len(cursor))]
        page += 1
        if not calls.call(cursor.load_next_page, what=f"{what}, page {page}"):
            return rows


class ReportRuns:
    """Async insights runs for one ad account."""

    def __init__(self, account: AdAccount, calls: Calls, settings: RunSettings):
        self.account, self.calls, self.settings = account, calls, settings
        self.runs = 0
        self.polls = 0

    def rows(self, window: Window, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Every insights row for ``window``: a failed run is started again up to
        ``failed_run_retries`` times."""
        acct, tries = self.account.get_id(), self.settings.failed_run_retries + 1
        reasons = []
        for _ in range(tries):
            try:
                run = self._completed(window, params)
            except RunFailed as exc:
                reasons.append(str(exc))
                continue
            what = f"Meta report run {run.get_id()} results ({acct}, {window.start}..{window.end})"
            first = self.calls.call(
                lambda run=run: run.get_insights(params={"limit": self.settings.page_size}),
                what=f"{what}, page 1")
            return read_all(first, self.calls, what)
        raise SourceError(
            f"Meta ad account {acct}: the insights report for {window.start}..{window.end} "
            f"failed {tries} time{'s' if tries > 1 else ''} ({'; '.join(reasons)}). Meta "
            "fails runs that are too large: lower sources.meta_ads.chunk_days. Nothing was "
            "written; the next run resumes.")

    def _completed(self, window: Window, params: dict[str, Any]) -> AdReportRun:
        """A started run, polled until "Job Completed" at 100 %."""
        acct = self.account.get_id()
        run = self.calls.call(lambda: self.account.get_insights_async(params=dict(params)),
                              what=f"Meta insights report start ({acct}, "
                              f"{window.start}..{window.end})")
        self.runs += 1
        started, wait = time.monotonic(), self.settings.poll_s
        status, percent = "", 0
        while True:
            self.polls += 1
            run = self.calls.call(lambda run=run: run.api_get(fields=[
                AdReportRun.Field.async_status, AdReportRun.Field.async_percent_completion]),
                what=f"Meta report run {run.get_id()} status ({acct})")
            status = str(run.get(AdReportRun.Field.async_status, ""))
            percent = int(run.get(AdReportRun.Field.async_percent_completion) or 0)
            if status == COMPLETED and percent >= 100:
                return run
            if status in (FAILED, SKIPPED):
                raise RunFailed(f"run {run.get_id()}: {status!r} at {percent} %")
            waited = time.monotonic() - started
            if waited + wait > self.settings.timeout_s:
                raise SourceError(
                    f"Meta ad account {acct}: report run {run.get_id()} for {window.start}.."
                    f"{window.end} was still {status!r} at {percent} % after {waited:.0f} s "
                    f"(sources.meta_ads.report_timeout_seconds = {self.settings.timeout_s:g}). "
                    "Meta is slow or the range is large: raise report_timeout_seconds or lower "
                    "chunk_days. Nothing was written; the next run resumes.")
            self.calls.sleep(wait)
            wait = min(wait * 2, MAX_POLL_S)
