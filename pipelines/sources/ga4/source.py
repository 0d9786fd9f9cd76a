"""GA4 as a source: one runReport per stream, paged by offset with a stable row count,
retried with back-off, credentials by Google's standard means."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from google.analytics.data_v1beta import BetaAnalyticsDataClient, types
from google.api_core import exceptions
from google.auth.credentials import Credentials
from google.auth.exceptions import GoogleAuthError

from pipelines import google_credentials
from pipelines.sources.base import Extract, Window
from pipelines.sources.ga4.reports import REPORTS, quality_flags, rows_frame
from pipelines.sources.retry import RetryCounter, RetryPolicy, SourceError
from pipelines.sources.streams import Stream

SCOPES = ("https://www.googleapis.com/auth/analytics.readonly",)
MAX_PAGE = 250_000  # the Data API's own limit per request


@dataclass(frozen=True)
class Ga4Settings:
    """How to reach one GA4 property."""

    property_id: str
    credentials_file: Path | None = None  # a service-account JSON key; default: ADC
    endpoint: str | None = None  # e.g. a regional endpoint, or a local test server
    transport: Literal["grpc", "rest"] = "grpc"
    anonymous: bool = False  # no credentials at all: only for local test servers
    page_size: int = 100_000
    timeout_s: float = 60.0
    max_rereads: int = 3  # when the row count moves between pages, re-read the window
    retry: RetryPolicy = field(default_factory=RetryPolicy)


def credentials(settings: Ga4Settings) -> Credentials:
    """Anonymous (local servers), a service-account key file, or application default
    credentials; a clear :class:`SourceError` says what to set when none work."""
    return google_credentials.load(
        anonymous=settings.anonymous, credentials_file=settings.credentials_file, scopes=SCOPES,
        setting="sources.ga4.credentials_file", error=SourceError,
        none_found="GA4: no credentials found. Set sources.ga4.credentials_file to a "
        "service-account key (JSON) with Viewer access to the property, or "
        "GOOGLE_APPLICATION_CREDENTIALS, or run 'gcloud auth application-default login' with "
        "the analytics.readonly scope.")


def make_client(settings: Ga4Settings) -> BetaAnalyticsDataClient:
    options = {"api_endpoint": settings.endpoint} if settings.endpoint else None
    return BetaAnalyticsDataClient(credentials=credentials(settings),
                                   transport=settings.transport, client_options=options)


def read_pages(client: BetaAnalyticsDataClient, settings: Ga4Settings,
               request: Callable[[int, int], types.RunReportRequest], counter: RetryCounter, *,
               what: str) -> list[types.RunReportResponse] | None:
    """Every page of one report (``request(offset, limit)`` builds a page's request), each
    with its own retries by ``settings.retry`` within the pull's budget (``counter``); None
    when the row count moved between pages. ``what`` names the report in errors, e.g.
    ``ga4_sessions_daily, property 318004561``."""
    limit = min(settings.page_size, MAX_PAGE)
    pages: list[types.RunReportResponse] = []
    offset, total = 0, None
    while True:
        page = request(offset, limit)
        response = settings.retry.call(
            lambda page=page: client.run_report(page, retry=None, timeout=settings.timeout_s),
            counter, what=f"GA4 runReport ({what}, rows from {offset})")
        if total is None:
            total = response.row_count
        elif response.row_count != total:
            return None
        pages.append(response)
        offset += len(response.rows)
        if offset >= total or not response.rows:
            return pages


def _explain(exc: exceptions.GoogleAPICallError, property_id: str) -> str:
    first = str(exc.message or exc).strip().splitlines()[0]
    if isinstance(exc, exceptions.Forbidden):  # 403 over REST, PERMISSION_DENIED over gRPC
        return (f"GA4 property {property_id}: permission denied ({first}). Give the service "
                "account (or user) Viewer access to the property and check property_id.")
    if isinstance(exc, exceptions.Unauthorized):  # 401 / UNAUTHENTICATED
        return f"GA4 rejected the credentials ({first}). Check sources.ga4.credentials_file."
    return f"GA4 property {property_id}: the request was rejected: {first}"


class Ga4Source:
    """One GA4 property."""

    name = "ga4"

    def __init__(self, settings: Ga4Settings, client: BetaAnalyticsDataClient | None = None):
        self.settings = settings
        self._client = client

    @property
    def client(self) -> BetaAnalyticsDataClient:
        if self._client is None:
            self._client = make_client(self.settings)
        return self._client

    def _pages(self, stream: Stream, window: Window,
               counter: RetryCounter) -> list[types.RunReportResponse] | None:
        """Every page of the report, or None when the row count moved between pages."""
        report, pid = REPORTS[stream.name], self.settings.property_id
        return read_pages(self.client, self.settings,
                          lambda offset, limit: report.request(pid, window, offset, limit),
                          counter, what=f"{stream.name}, property {pid}")

    def pull(self, stream: Stream, window: Window) -> Extract:
        if stream.name not in REPORTS:
            raise ValueError(f"GA4 has no stream {stream.name!r}")
        counter, extracted_at = RetryCounter(), dt.datetime.now(dt.UTC)
        pid = self.settings.property_id
        try:
            for _ in range(self.settings.max_rereads + 1):
                pages = self._pages(stream, window, counter)
                if pages is not None:
                    break
            else:
                raise SourceError(
                    f"GA4 property {pid}: the report's row count kept changing between pages "
                    f"({self.settings.max_rereads + 1} reads of {window.start}..{window.end}); "
                    "GA4 is still processing, the next run will try again")
        except exceptions.GoogleAPICallError as exc:
            raise SourceError(_explain(exc, pid)) from exc
        except GoogleAuthError as exc:
            raise SourceError(f"GA4: authentication failed ({type(exc).__name__}). Check "
                              "sources.ga4.credentials_file or application default "
                              "credentials.") from None
        frame = rows_frame(REPORTS[stream.name], pages, pid, extracted_at)
        metadata = {**quality_flags(pages), "pages": len(pages), "retries": counter.retries}
        return Extract(stream, window, frame, extracted_at, metadata, scope=pid)
