"""A local GA4 Data API: ``POST /v1beta/properties/{id}:runReport`` over plain HTTP (REST).

It answers from the demo account (``DemoSource(settings).pull(...)``) for the dimensions and
metrics of ``ga4_sessions_daily`` and ``ga4_key_events_daily``, in the real API's JSON shape, and
can be scripted to fail. Given experiment events (:func:`experiment_events`, built from the demo's
experiment units) it also answers ``totalUsers`` by a user-scoped custom dimension
(``customUser:exp_lp_offer_nl``), with a ``dimensionFilter`` on ``eventName`` and the ``TOTAL``
metric aggregation. Point the real client at it with::

    BetaAnalyticsDataClient(credentials=AnonymousCredentials(), transport="rest",
                            client_options={"api_endpoint": server.endpoint})
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import urlsplit

import numpy as np
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

# Experiments: users by a user-scoped custom dimension holding the arm, and the events they sent.
CUSTOM_USER = "customUser:"
EXPERIMENT_METRICS = {"totalUsers": ("total_users", "TYPE_INTEGER")}
EVENT_COLUMNS = ("dimension", "value", "user_id", "date", "event_name")
NOT_SET = "(not set)"
UNASSIGNED = 250  # users per experiment active on its days without the property
EXPOSURE_EVENT, LEAD_EVENT = "page_view", "generate_lead"
_TOTAL = (1, "TOTAL")  # MetricAggregation.TOTAL; the REST transport sends enums as integers
_MATCH_TYPES = {0: "EXACT", 1: "EXACT", 2: "BEGINS_WITH", 3: "ENDS_WITH", 4: "CONTAINS",
                5: "FULL_REGEXP", 6: "PARTIAL_REGEXP", "MATCH_TYPE_UNSPECIFIED": "EXACT"}

GA4FaultKind = Literal["quota_hourly", "quota_daily", "quota_concurrent", "unavailable",
                       "unauthenticated", "delay", "restate", "thresholded", "sampled"]
_ERRORS: dict[str, tuple[int, str, str]] = {
    "quota_hourly": (429, "RESOURCE_EXHAUSTED",
                     "Exhausted property tokens per hour for this property." + _QUOTA_HELP),
    "quota_daily": (429, "RESOURCE_EXHAUSTED",
                    "Exhausted property tokens per day for this property." + _QUOTA_HELP),
    "quota_concurrent": (429, "RESOURCE_EXHAUSTED",
                         "Exhausted concurrent requests quota." + _QUOTA_HELP),
    "unavailable": (503, "UNAVAILABLE", "The service is currently unavailable."),
    "unauthenticated": (401, "UNAUTHENTICATED",
                        "Request had invalid authentication credentials. Expected OAuth 2 access "
                        "token, login cookie or other valid authentication credential."),
}


@dataclass
class GA4Request:
    """One logged request: URL path, property, JSON body, headers (lower-case), status, and
    when it arrived (``time.monotonic()``: measure the client's waits between requests)."""

    path: str
    property_id: str
    body: dict[str, Any]
    headers: dict[str, str]
    status: int = 0
    received: float = field(default_factory=time.monotonic)

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

    Kinds: ``quota_hourly`` / ``quota_daily`` / ``quota_concurrent`` (429: tokens per hour or
    day, or more than 10 requests at once), ``unavailable`` (503), ``unauthenticated``
    (401), ``delay`` (answer after ``delay`` s), ``thresholded`` (subjectToThresholding=true),
    ``sampled`` (a samplingMetadatas entry), ``restate`` (answer, then serve ``settings``, by
    default ``end`` one day later).
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


def variant_dimension(experiment_id: str) -> str:
    """The custom dimension a team registers for an experiment's arm: ``customUser:exp_`` and
    the ID with every character but letters and digits as ``_``.

    >>> variant_dimension("lp-offer-nl")
    'customUser:exp_lp_offer_nl'
    """
    return CUSTOM_USER + "exp_" + "".join(c if c.isalnum() else "_" for c in experiment_id)


def experiment_events(units: pd.DataFrame, unassigned: int = UNASSIGNED,
                      dimension: Callable[[str], str] = variant_dimension) -> pd.DataFrame:
    """What GA4 holds for experiment units: one row per event (:data:`EVENT_COLUMNS`) with the
    user's value of the experiment's dimension (``dimension(experiment_id)``).

    ``units`` has ``experiment_id``, ``unit_id``, ``arm``, ``first_exposure_date`` and
    ``converted`` (as :func:`pipelines.sources.demo.experiments.demo_units` makes them). The user
    property is set at exposure, so every event of a unit carries its arm: ``page_view`` on the
    exposure day (every third unit again the next day) and, when ``converted == 1``,
    ``generate_lead`` that day (every second converter again two days later). Besides, per
    experiment, ``unassigned`` users are active on its days without the property (value
    ``(not set)``), every tenth of them with a ``generate_lead``.
    """
    if units.empty:
        return pd.DataFrame(columns=list(EVENT_COLUMNS)).astype({"date": "datetime64[s]"})
    day = pd.to_datetime(units["first_exposure_date"]).dt.normalize().reset_index(drop=True)
    base = pd.DataFrame({"dimension": units["experiment_id"].astype(str).map(dimension).to_numpy(),
                         "value": units["arm"].astype(str).to_numpy(),
                         "user_id": units["unit_id"].astype(str).to_numpy(), "date": day})
    index = np.arange(len(base))
    converted = units["converted"].to_numpy() == 1
    one = pd.Timedelta(days=1)
    parts = [base.assign(event_name=EXPOSURE_EVENT),
             base[index % 3 == 0].assign(date=lambda f: f.date + one, event_name=EXPOSURE_EVENT),
             base[converted].assign(event_name=LEAD_EVENT),
             base[converted & (index % 2 == 0)].assign(date=lambda f: f.date + 2 * one,
                                                       event_name=LEAD_EVENT)]
    spans = base.groupby("dimension", sort=True)["date"].agg(["min", "max"])
    for name, (first, last) in spans.iterrows():
        i = np.arange(unassigned)
        anon = pd.DataFrame({"dimension": name, "value": NOT_SET,
                             "user_id": [f"anon_{k:06d}" for k in i + 1],
                             "date": first + pd.to_timedelta(i % ((last - first).days + 1), "D"),
                             "event_name": EXPOSURE_EVENT})
        parts += [anon, anon[i % 10 == 0].assign(event_name=LEAD_EVENT)]
    frame = pd.concat(parts, ignore_index=True)[list(EVENT_COLUMNS)]
    return frame.astype({"date": "datetime64[s]"})


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

    ``experiments`` (see :func:`experiment_events`) is served for every property: a report with
    one of its ``customUser:`` dimensions and ``totalUsers`` counts distinct users per value;
    another ``customUser:`` dimension is a 400, as in the real API.
    """

    def __init__(self, accounts: Accounts, tokens_per_request: int = 10,
                 experiments: pd.DataFrame | None = None):
        super().__init__(accounts)
        self.tokens_per_request = tokens_per_request
        self.tokens_used: dict[str, int] = {}
        self._server_errors = self._thresholded = 0
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._by_dimension: dict[str, pd.DataFrame] | None = None
        self.experiments = experiments

    @property
    def experiments(self) -> pd.DataFrame | None:
        """The experiment events served (columns :data:`EVENT_COLUMNS`), or None."""
        return self._experiments

    @experiments.setter
    def experiments(self, events: pd.DataFrame | None) -> None:
        if events is not None and not set(EVENT_COLUMNS) <= set(events.columns):
            raise ValueError(f"experiment events need the columns {EVENT_COLUMNS}")
        by_dimension = None if events is None else {
            str(name): group.reset_index(drop=True)
            for name, group in events.groupby("dimension", sort=False)}
        with self._lock:
            self._experiments, self._by_dimension = events, by_dimension

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
                payload = self._report(request, fault is not None and fault.kind == "thresholded",
                                       sampled=fault is not None and fault.kind == "sampled")
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

    def _report(self, request: GA4Request, thresholded: bool,
                sampled: bool = False) -> dict[str, Any]:
        source = self._sources.get(request.property_id)
        if source is None:
            raise ApiError(403, "PERMISSION_DENIED",
                           "User does not have sufficient permissions for this property.")
        shape = self.shape(request.property_id)
        spent = self.tokens_used.get(request.property_id, 0)
        if spent >= QUOTA_LIMITS["tokensPerHour"]:  # the fake's hour and day never roll over
            daily = spent >= QUOTA_LIMITS["tokensPerDay"]
            raise ApiError(*_ERRORS["quota_daily" if daily else "quota_hourly"])
        dims, mets = request.dimensions, request.metrics
        experiment = self._by_dimension is not None and any(d.startswith(CUSTOM_USER)
                                                             for d in dims)
        checks = [] if experiment else [(d, DIMENSIONS, "dimension") for d in dims] + [
            (m, METRICS, "metric") for m in mets]
        for name, known, what in checks:
            if name not in known:
                raise ApiError(400, "INVALID_ARGUMENT", f"Field {name} is not a valid {what}. "
                               f"For a list of valid dimensions and metrics, see {SCHEMA_URL} ")
        if experiment:
            self._check_experiment(dims, mets)
        ranges = request.body.get("dateRanges", [])
        if len(ranges) != 1:
            raise ApiError(400, "INVALID_ARGUMENT", "fake: exactly one dateRange is supported")
        start, end = _day(ranges[0].get("startDate")), _day(ranges[0].get("endDate"))
        if end < start:
            raise ApiError(400, "INVALID_ARGUMENT", "Invalid date range: endDate before startDate")
        metrics: Mapping[str, tuple[str, str]] = METRICS
        total_users = None
        if experiment:
            dim_cols, metrics = list(dims), EXPERIMENT_METRICS
            frame, total_users = self._users(request, dims[0], start, end)
        else:
            dim_cols = [DIMENSIONS[d] for d in dims]
            met_cols = [METRICS[m][0] for m in mets]
            stream = next((s for s in (GA4_SESSIONS_DAILY, GA4_KEY_EVENTS_DAILY)
                           if set(dim_cols + met_cols) <= set(s.column_names)), None)
            if stream is None:
                raise ApiError(400, "INVALID_ARGUMENT", f"fake: cannot combine {dims} with {mets}")
            frame = source.pull(stream, Window(start, end)).frame
            frame = shape.apply(stream.name, frame)
            frame = self._aggregate(frame, dim_cols, met_cols)
        frame = self._order(frame, request.body.get("orderBys", []), dims, mets,
                            dict(zip(dims, dim_cols, strict=True)), metrics)
        offset, limit = request.offset, min(request.limit or 10_000, 250_000)
        if offset < 0 or limit < 0:
            raise ApiError(400, "INVALID_ARGUMENT", "offset and limit must be non-negative")
        rows = [{"dimensionValues": [{"value": v.strftime("%Y%m%d") if c == "date" else str(v)}
                                     for c, v in zip(dim_cols, row[:len(dims)], strict=True)],
                 "metricValues": [{"value": _number(v, metrics[m][1])}
                                  for m, v in zip(mets, row[len(dims):], strict=True)]}
                for row in frame.iloc[offset:offset + limit].itertuples(index=False, name=None)]
        metadata: dict[str, Any] = {"currencyCode": shape.currency_code or CURRENCY_CODE,
                                    "timeZone": TIME_ZONE}
        if thresholded:
            metadata["subjectToThresholding"] = True
            self._thresholded += 1
        if sampled:
            metadata["samplingMetadatas"] = [{"samplesReadCount": "500000",
                                              "samplingSpaceSize": "2000000"}]
        used = self.tokens_used.get(request.property_id, 0) + self.tokens_per_request
        self.tokens_used[request.property_id] = used
        payload: dict[str, Any] = {
            "dimensionHeaders": [{"name": d} for d in dims],
            "metricHeaders": [{"name": m, "type": metrics[m][1]} for m in mets],
            **({"rows": rows} if rows else {}), **({"rowCount": len(frame)} if len(frame) else {}),
            "metadata": metadata}
        if total_users is not None and any(a in _TOTAL for a in
                                           request.body.get("metricAggregations", [])):
            payload["totals"] = [{"dimensionValues": [{"value": "RESERVED_TOTAL"}],
                                  "metricValues": [{"value": str(total_users)}]}]
        if request.body.get("returnPropertyQuota"):
            payload["propertyQuota"] = self._quota(request.property_id, thresholded)
        return payload | {"kind": "analyticsData#runReport"}

    def _check_experiment(self, dims: list[str], mets: list[str]) -> None:
        """A custom-dimension report: one registered ``customUser:`` dimension, ``totalUsers``."""
        assert self._by_dimension is not None
        for name in dims:
            if name.startswith(CUSTOM_USER) and name not in self._by_dimension:
                raise ApiError(400, "INVALID_ARGUMENT", f"Field {name} is not a valid dimension. "
                               f"For a list of valid dimensions and metrics, see {SCHEMA_URL} ")
        for name in mets:
            if name not in METRICS and name not in EXPERIMENT_METRICS:
                raise ApiError(400, "INVALID_ARGUMENT", f"Field {name} is not a valid metric. "
                               f"For a list of valid dimensions and metrics, see {SCHEMA_URL} ")
        if len(dims) != 1 or mets != ["totalUsers"]:
            raise ApiError(400, "INVALID_ARGUMENT", f"fake: a custom dimension is served alone "
                           f"with totalUsers, not {dims} with {mets}")

    def _users(self, request: GA4Request, dimension: str, start: dt.date,
               end: dt.date) -> tuple[pd.DataFrame, int]:
        """Distinct users per value of ``dimension`` with an event in the dates (and the filter),
        and distinct users in all (a user who changed value counts under each value)."""
        assert self._by_dimension is not None
        events = self._by_dimension[dimension]
        mask = (events["date"] >= pd.Timestamp(start)) & (events["date"] <= pd.Timestamp(end))
        expression = request.body.get("dimensionFilter")
        if expression:
            mask &= self._matches(expression, events, dimension)
        seen = events.loc[mask, ["value", "user_id"]].drop_duplicates()
        users = seen.groupby("value", sort=False).size()
        frame = pd.DataFrame({dimension: [str(v) for v in users.index],
                              "total_users": users.to_numpy(dtype="int64")})
        return frame, int(seen["user_id"].nunique())

    def _matches(self, expression: dict[str, Any], events: pd.DataFrame,
                 dimension: str) -> pd.Series:
        """Which events a FilterExpression keeps (on ``eventName`` or the dimension itself)."""
        if "andGroup" in expression or "orGroup" in expression:
            group = expression.get("andGroup") or expression.get("orGroup") or {}
            combine = operator.and_ if "andGroup" in expression else operator.or_
            out = pd.Series("andGroup" in expression, index=events.index)
            for part in group.get("expressions", []):
                out = combine(out, self._matches(part, events, dimension))
            return out
        if "notExpression" in expression:
            return ~self._matches(expression["notExpression"], events, dimension)
        found = expression.get("filter", {})
        column = {"eventName": "event_name", dimension: "value"}.get(found.get("fieldName", ""))
        if column is None:
            raise ApiError(400, "INVALID_ARGUMENT", f"fake: cannot filter on "
                           f"{found.get('fieldName')!r} (only eventName and {dimension})")
        values = events[column].astype(str)
        if "inListFilter" in found:
            listed = [str(v) for v in found["inListFilter"].get("values", [])]
            if found["inListFilter"].get("caseSensitive", False):
                return values.isin(listed)
            return values.str.lower().isin([v.lower() for v in listed])
        if "stringFilter" in found:
            spec = found["stringFilter"]
            kind = _MATCH_TYPES.get(spec.get("matchType", 0), spec.get("matchType"))
            value, sensitive = str(spec.get("value", "")), spec.get("caseSensitive", False)
            flags = 0 if sensitive else re.IGNORECASE
            if kind == "FULL_REGEXP":
                return values.str.fullmatch(value, flags=flags)
            if kind == "PARTIAL_REGEXP":
                return values.str.contains(value, flags=flags, regex=True)
            if not sensitive:
                values, value = values.str.lower(), value.lower()
            if kind == "EXACT":
                return values == value
            if kind == "BEGINS_WITH":
                return values.str.startswith(value)
            if kind == "ENDS_WITH":
                return values.str.endswith(value)
            if kind == "CONTAINS":
                return values.str.contains(value, regex=False)
            raise ApiError(400, "INVALID_ARGUMENT", f"fake: unknown matchType {kind!r}")
        raise ApiError(400, "INVALID_ARGUMENT",
                       f"fake: only inListFilter and stringFilter are served, got {found}")

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
               mets: list[str], columns: Mapping[str, str] = DIMENSIONS,
               metrics: Mapping[str, tuple[str, str]] = METRICS) -> pd.DataFrame:
        by, ascending = [], []
        for order in order_bys:
            if "dimension" in order and order["dimension"].get("dimensionName") in dims:
                by.append(columns[order["dimension"]["dimensionName"]])
            elif "metric" in order and order["metric"].get("metricName") in mets:
                by.append(metrics[order["metric"]["metricName"]][0])
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
