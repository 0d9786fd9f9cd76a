"""A local GA4 Data API: ``POST /v1beta/properties/{id}:runReport`` over plain HTTP (REST).

It answers from the demo account (``DemoSource(settings).pull(...)``) for the dimensions and
metrics of ``ga4_sessions_daily`` and ``ga4_key_events_daily``, in the real API's JSON shape, and
can be scripted to fail. Point the real client at it with::

    BetaAnalyticsDataClient(credentials=AnonymousCredentials(), transport="rest",
                            client_options={"api_endpoint": server.endpoint})
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import urlsplit

import pandas as pd

from pipelines.sources.base import Window
from pipelines.sources.demo import DemoSettings
from pipelines.sources.demo.world import CURRENCY_CODE, TIME_ZONE
from pipelines.sources.streams import GA4_KEY_EVENTS_DAILY, GA4_SESSIONS_DAILY
from tests.fakes import Accounts, ScriptedServer

DIMENSIONS = {"date": "date", "sessionSource": "session_source", "sessionMedium": "session_medium",
              "sessionCampaignId": "session_campaign_id",
              "sessionCampaignName": "session_campaign_name", "eventName": "event_name"}
METRICS = {"sessions": ("sessions", "TYPE_INTEGER"),
           "engagedSessions": ("engaged_sessions", "TYPE_INTEGER"),
           "keyEvents": ("key_events", "TYPE_INTEGER"), "eventValue": ("event_value", "TYPE_FLOAT")}
SCHEMA_URL = "https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema"
QUOTA_LIMITS = {"tokensPerDay": 200_000, "tokensPerHour": 40_000, "concurrentRequests": 10,
                "serverErrorsPerProjectPerHour": 10, "potentiallyThresholdedRequestsPerHour": 120,
                "tokensPerProjectPerHour": 14_000}
_QUOTA_HELP = " To learn more, see https://developers.google.com/analytics/devguides/reporting/data/v1/quotas"

GA4FaultKind = Literal["quota_hourly", "quota_daily", "unavailable", "unauthenticated", "delay",
                       "restate", "thresholded"]
_ERRORS: dict[str, tuple[int, str, str]] = {
    "quota_hourly": (429, "RESOURCE_EXHAUSTED",
                     "Exhausted property tokens per hour for this property." + _QUOTA_HELP),
    "quota_daily": (429, "RESOURCE_EXHAUSTED",
                    "Exhausted property tokens per day for this property." + _QUOTA_HELP),
    "unavailable": (503, "UNAVAILABLE", "The service is currently unavailable."),
    "unauthenticated": (401, "UNAUTHENTICATED",
                        "Request had invalid authentication credentials. Expected OAuth 2 access "
                        "token, login cookie or other valid authentication credential."),
}


@dataclass
class GA4Request:
    """One logged request: URL path, property, JSON body, headers (lower-case), status."""

    path: str
    property_id: str
    body: dict[str, Any]
    headers: dict[str, str]
    status: int = 0

    @property
    def dimensions(self) -> list[str]:
        return [d.get("name", "") for d in self.body.get("dimensions", [])]

    @property
    def metrics(self) -> list[str]:
        return [m.get("name", "") for m in self.body.get("metrics", [])]

    @property
    def offset(self) -> int:
        return int(self.body.get("offset", 0))

    @property
    def limit(self) -> int:
        return int(self.body.get("limit", 0))


@dataclass(frozen=True)
class GA4Fault:
    """A scripted failure; ``nth``, ``times``, ``when``: see :class:`tests.fakes.ScriptedServer`.

    Kinds: ``quota_hourly`` / ``quota_daily`` (429), ``unavailable`` (503), ``unauthenticated``
    (401), ``delay`` (answer after ``delay`` s), ``thresholded`` (subjectToThresholding=true),
    ``restate`` (answer, then serve ``settings``, by default ``end`` one day later).
    """

    kind: GA4FaultKind
    nth: int = 1
    times: int = 1
    when: Callable[[GA4Request], bool] | None = None
    delay: float = 2.0
    settings: DemoSettings | None = None


class ApiError(Exception):
    """An error answered Google-style: ``{"error": {"code", "message", "status"}}``."""

    def __init__(self, code: int, status: str, message: str):
        super().__init__(message)
        self.code, self.status, self.message = code, status, message

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


def _number(value: float, kind: str) -> str:
    if kind == "TYPE_INTEGER":
        return str(round(value))
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ApiError(400, "INVALID_ARGUMENT",
                       f"fake: dates must be YYYY-MM-DD, got {text!r}") from None


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, payload = self.server.fake.handle(
            self.path, {k.lower(): v for k, v in self.headers.items()}, raw)
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up (timeout): nothing to answer
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _HTTPServer(ThreadingHTTPServer):
    fake: GA4Server


class GA4Server(ScriptedServer[GA4Fault]):
    """Fake GA4 Data API on ``127.0.0.1:<free port>``, accounts by property ID; a context manager.

    ``tokens_used`` (per property) feeds ``propertyQuota``; at 40,000 (200,000) requests get
    the hourly (daily) 429: set it to simulate a spent quota.
    """

    def __init__(self, accounts: Accounts, tokens_per_request: int = 10):
        super().__init__(accounts)
        self.tokens_per_request = tokens_per_request
        self.tokens_used: dict[str, int] = {}
        self._server_errors = self._thresholded = 0
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> GA4Server:
        self._httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()  # ends delays
        if self._httpd is not None and self._thread is not None:
            self._httpd.shutdown()
            self._httpd.server_close()  # joins the request threads
            self._thread.join(timeout=10)

    @property
    def port(self) -> int:
        assert self._httpd is not None, "GA4Server is not started"
        return self._httpd.server_address[1]

    @property
    def endpoint(self) -> str:
        """``client_options={"api_endpoint": ...}`` for the REST transport."""
        return f"http://127.0.0.1:{self.port}"

    def handle(self, raw_path: str, headers: dict[str, str], raw: bytes) -> tuple[int, Any]:
        """Answer one HTTP request: (status, JSON payload)."""
        path = urlsplit(raw_path).path
        match = re.fullmatch(r"/v1beta/properties/([^/:]+):runReport", path)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        request = GA4Request(path, match[1] if match else "", body or {}, headers)
        fault = self._log(request)
        try:
            if match is None:
                raise ApiError(404, "NOT_FOUND", f"fake: no such method {path}")
            if not isinstance(body, dict):
                raise ApiError(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")
            if fault and fault.kind in _ERRORS:
                with self._lock:
                    self._server_errors += fault.kind == "unavailable"
                raise ApiError(*_ERRORS[fault.kind])
            if fault and fault.kind == "delay":
                self._stopping.wait(fault.delay)
            with self._lock:
                payload = self._report(request, fault is not None and fault.kind == "thresholded")
            if fault and fault.kind == "restate":
                if fault.settings is None:
                    self.advance(1, request.property_id)
                else:
                    self.set_settings(fault.settings, request.property_id)
            request.status = 200
            return 200, payload
        except ApiError as error:
            request.status = error.code
            return error.code, error.body()

    def _report(self, request: GA4Request, thresholded: bool) -> dict[str, Any]:
        source = self._sources.get(request.property_id)
        if source is None:
            raise ApiError(403, "PERMISSION_DENIED",
                           "User does not have sufficient permissions for this property.")
        spent = self.tokens_used.get(request.property_id, 0)
        if spent >= QUOTA_LIMITS["tokensPerHour"]:  # the fake's hour and day never roll over
            daily = spent >= QUOTA_LIMITS["tokensPerDay"]
            raise ApiError(*_ERRORS["quota_daily" if daily else "quota_hourly"])
        dims, mets = request.dimensions, request.metrics
        for name, known, what in [(d, DIMENSIONS, "dimension") for d in dims] + [
                (m, METRICS, "metric") for m in mets]:
            if name not in known:
                raise ApiError(400, "INVALID_ARGUMENT", f"Field {name} is not a valid {what}. "
                               f"For a list of valid dimensions and metrics, see {SCHEMA_URL} ")
        ranges = request.body.get("dateRanges", [])
        if len(ranges) != 1:
            raise ApiError(400, "INVALID_ARGUMENT", "fake: exactly one dateRange is supported")
        start, end = _day(ranges[0].get("startDate")), _day(ranges[0].get("endDate"))
        if end < start:
            raise ApiError(400, "INVALID_ARGUMENT", "Invalid date range: endDate before startDate")
        dim_cols = [DIMENSIONS[d] for d in dims]
        met_cols = [METRICS[m][0] for m in mets]
        stream = next((s for s in (GA4_SESSIONS_DAILY, GA4_KEY_EVENTS_DAILY)
                       if set(dim_cols + met_cols) <= set(s.column_names)), None)
        if stream is None:
            raise ApiError(400, "INVALID_ARGUMENT", f"fake: cannot combine {dims} with {mets}")
        frame = source.pull(stream, Window(start, end)).frame
        frame = self._aggregate(frame, dim_cols, met_cols)
        frame = self._order(frame, request.body.get("orderBys", []), dims, mets)
        offset, limit = request.offset, min(request.limit or 10_000, 250_000)
        if offset < 0 or limit < 0:
            raise ApiError(400, "INVALID_ARGUMENT", "offset and limit must be non-negative")
        rows = [{"dimensionValues": [{"value": v.strftime("%Y%m%d") if c == "date" else str(v)}
                                     for c, v in zip(dim_cols, row[:len(dims)], strict=True)],
                 "metricValues": [{"value": _number(v, METRICS[m][1])}
                                  for m, v in zip(mets, row[len(dims):], strict=True)]}
                for row in frame.iloc[offset:offset + limit].itertuples(index=False, name=None)]
        metadata: dict[str, Any] = {"currencyCode": CURRENCY_CODE, "timeZone": TIME_ZONE}
        if thresholded:
            metadata["subjectToThresholding"] = True
            self._thresholded += 1
        used = self.tokens_used.get(request.property_id, 0) + self.tokens_per_request
        self.tokens_used[request.property_id] = used
        payload: dict[str, Any] = {
            "dimensionHeaders": [{"name": d} for d in dims],
            "metricHeaders": [{"name": m, "type": METRICS[m][1]} for m in mets],
            **({"rows": rows} if rows else {}), **({"rowCount": len(frame)} if len(frame) else {}),
            "metadata": metadata}
        if request.body.get("returnPropertyQuota"):
            payload["propertyQuota"] = self._quota(request.property_id, thresholded)
        return payload | {"kind": "analyticsData#runReport"}

    @staticmethod
    def _aggregate(frame: pd.DataFrame, dims: list[str], mets: list[str]) -> pd.DataFrame:
        """Sum the metrics over the dimensions not asked for, as GA4 does."""
        frame = frame[dims + mets]
        if not dims:
            return frame.sum().to_frame().T if len(frame) else frame
        if not mets:
            return frame.drop_duplicates()
        return frame.groupby(dims, sort=False, dropna=False)[mets].sum().reset_index()

    @staticmethod
    def _order(frame: pd.DataFrame, order_bys: list[dict[str, Any]], dims: list[str],
               mets: list[str]) -> pd.DataFrame:
        by, ascending = [], []
        for order in order_bys:
            if "dimension" in order and order["dimension"].get("dimensionName") in dims:
                by.append(DIMENSIONS[order["dimension"]["dimensionName"]])
            elif "metric" in order and order["metric"].get("metricName") in mets:
                by.append(METRICS[order["metric"]["metricName"]][0])
            else:
                raise ApiError(400, "INVALID_ARGUMENT", f"fake: cannot order by {order}")
            ascending.append(not order.get("desc", False))
        if not by:
            return frame
        return frame.sort_values(by, ascending=ascending, kind="stable").reset_index(drop=True)

    def _quota(self, property_id: str, thresholded: bool) -> dict[str, Any]:
        tokens = self.tokens_used[property_id]
        used = {"tokensPerDay": tokens, "tokensPerHour": tokens, "tokensPerProjectPerHour": tokens,
                "concurrentRequests": 0, "serverErrorsPerProjectPerHour": self._server_errors,
                "potentiallyThresholdedRequestsPerHour": self._thresholded}
        now = {"concurrentRequests": 0, "serverErrorsPerProjectPerHour": 0,
               "potentiallyThresholdedRequestsPerHour": int(thresholded)}
        return {name: {"consumed": now.get(name, self.tokens_per_request),
                       "remaining": max(limit - used[name], 0)}
                for name, limit in QUOTA_LIMITS.items()}
