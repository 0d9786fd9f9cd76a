"""A local Google Ads API v26: ``GoogleAdsService.SearchStream`` over gRPC with TLS.

It answers GAQL ``FROM campaign`` / ``FROM ad_group`` queries (optionally segmented by
``segments.conversion_action``) and ``FROM click_view`` (one day per query, ``segments.date =``,
only the 90 days up to the account's ``as_of``: the raw gclids of
:mod:`pipelines.sources.demo.click_view`) from the demo account, per customer ID, and can be
scripted to fail as the real API does. The real client reaches it production-style,
``GoogleAdsClient(..., endpoint=server.endpoint, use_proto_plus=True, version="v26")``, once gRPC
trusts its certificate (see :mod:`tests.fakes.tls`).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
import secrets
import time
from collections.abc import Callable, Iterator
from concurrent import futures
from dataclasses import dataclass, field
from typing import Any, Literal

import grpc
import pandas as pd
from google.ads.googleads.v26.errors.types.errors import GoogleAdsFailure
from google.ads.googleads.v26.services.types.google_ads_service import (
    GoogleAdsRow,
    SearchGoogleAdsStreamRequest,
    SearchGoogleAdsStreamResponse,
)

from pipelines.sources.base import Window
from pipelines.sources.demo import DemoSource
from pipelines.sources.demo.click_view import click_rows
from pipelines.sources.demo.world import CURRENCY_CODE, TIME_ZONE
from pipelines.sources.streams import STREAMS
from tests.fakes import Accounts, ScriptedServer
from tests.fakes.shapes import Shape
from tests.fakes.tls import trust_localhost_cert

SERVICE = "google.ads.googleads.v26.services.GoogleAdsService"
FAILURE_KEY = "google.ads.googleads.v26.errors.googleadsfailure-bin"
# GAQL field -> (demo column, kind); kinds: date, int, float, str, enum, action (resource name)
FIELDS: dict[str, tuple[str, str]] = {
    "segments.date": ("date", "date"), "customer.id": ("customer_id", "int"),
    "customer.currency_code": ("currency_code", "str"), "customer.time_zone": ("time_zone", "str"),
    "campaign.id": ("campaign_id", "int"), "campaign.name": ("campaign_name", "str"),
    "campaign.status": ("campaign_status", "enum"), "ad_group.id": ("ad_group_id", "int"),
    "campaign.advertising_channel_type": ("channel_type", "enum"),
    "campaign_budget.amount_micros": ("budget_micros", "int"),
    "ad_group.name": ("ad_group_name", "str"), "ad_group.status": ("ad_group_status", "enum"),
    "segments.conversion_action": ("conversion_action_id", "action"),
    "segments.conversion_action_name": ("conversion_action_name", "str"),
    "segments.conversion_action_category": ("conversion_action_category", "enum"),
    "metrics.impressions": ("impressions", "int"), "metrics.clicks": ("clicks", "int"),
    "metrics.cost_micros": ("cost_micros", "int"), "metrics.conversions": ("conversions", "float"),
    "metrics.conversions_value": ("conversions_value", "float"),
    "click_view.gclid": ("gclid", "str"),
}
CLICK_VIEW_DAYS = 90  # click_view answers today (the account's as_of) and the 89 days before
_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq, "!=": operator.ne, ">": operator.gt, ">=": operator.ge, "<": operator.lt,
    "<=": operator.le, "IN": lambda col, values: col.isin(values)}
_CONVERT: dict[str, Callable[[Any], Any]] = {
    "int": int, "float": float, "str": str, "date": dt.date.isoformat}
_NUMBER = re.compile(r"-?\d+(\.\d*)?")
_VALUE = r"'[^']*'|\"[^\"]*\"|[\w.\-]+"
_ACTION_KEYS = ["date", "customer_id", "campaign_id", "conversion_action_id",
                "conversion_action_name", "conversion_action_category", "currency_code",
                "time_zone"]

AdsFaultKind = Literal["query_error", "resource_exhausted", "unauthenticated", "unavailable",
                       "mid_stream_unavailable", "delay"]


@dataclass
class AdsRequest:
    """One logged SearchStream call: customer, GAQL, invocation metadata, outcome, and when it
    arrived (``time.monotonic()``: measure the client's waits between calls)."""

    customer_id: str
    query: str
    metadata: dict[str, str | bytes]
    request_id: str
    code: str = "OK"  # the grpc.StatusCode name it ended with
    batches: int = 0
    received: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class AdsFault:
    """A scripted failure; ``nth``, ``times``, ``when``: see :class:`tests.fakes.ScriptedServer`.

    Kinds: ``query_error`` (INVALID_ARGUMENT + GoogleAdsFailure: ``code`` at ``field``),
    ``resource_exhausted`` (+ quota_error RESOURCE_TEMPORARILY_EXHAUSTED whose
    QuotaErrorDetails.retry_delay asks for ``retry_delay`` s; None: asks for none),
    ``unauthenticated`` and ``unavailable`` (bare status), ``mid_stream_unavailable`` (one
    batch, then UNAVAILABLE), ``delay`` (answer after ``delay`` s: a DeadlineExceeded with a
    shorter client timeout).
    """

    kind: AdsFaultKind
    nth: int = 1
    times: int = 1
    when: Callable[[AdsRequest], bool] | None = None
    field: str = "metrics.cost_micros"
    code: str = "UNRECOGNIZED_FIELD"
    message: str = ""
    delay: float = 2.0
    retry_delay: float | None = 30.0


class AdsAbort(Exception):
    """End the call with ``status``; ``failure`` (GoogleAdsFailure pb) goes to trailing metadata."""

    def __init__(self, status: grpc.StatusCode, details: str, failure: Any = None):
        super().__init__(details)
        self.status, self.details, self.failure = status, details, failure


def failure(error: str, code: str, message: str, *, field: str | None = None,
            trigger: str | None = None, retry_delay: float | None = None) -> Any:
    """A GoogleAdsFailure pb with one error: ``failure("query_error", "BAD_FIELD_NAME", msg)``."""
    pb = GoogleAdsFailure.pb()()
    err = pb.errors.add(message=message)
    enum = err.error_code.DESCRIPTOR.fields_by_name[error].enum_type
    setattr(err.error_code, error, enum.values_by_name[code].number)
    if field:
        err.location.field_path_elements.add(field_name=field)
    if trigger:
        err.trigger.string_value = trigger
    if retry_delay is not None:
        quota = err.details.quota_error_details
        quota.rate_scope = quota.QuotaRateScope.Value("ACCOUNT")
        quota.rate_name = "Requests per account"
        quota.retry_delay.FromNanoseconds(round(retry_delay * 1e9))
    return pb


def _query_error(code: str, message: str, trigger: str | None = None,
                 field: str | None = None) -> AdsAbort:
    return AdsAbort(grpc.StatusCode.INVALID_ARGUMENT, "Request contains an invalid argument.",
                    failure("query_error", code, message, trigger=trigger, field=field))


def _fault_abort(fault: AdsFault) -> AdsAbort | None:
    code = grpc.StatusCode
    if fault.kind == "query_error":
        return _query_error(fault.code, fault.message or
                            f"Unrecognized field in the query: '{fault.field}'.", field=fault.field)
    if fault.kind == "resource_exhausted":
        wait = f" Retry in {fault.retry_delay:g} seconds." if fault.retry_delay is not None else ""
        return AdsAbort(code.RESOURCE_EXHAUSTED, "Resource has been exhausted (e.g. check quota).",
                        failure("quota_error", "RESOURCE_TEMPORARILY_EXHAUSTED",
                                "Too many requests in a short amount of time." + wait,
                                retry_delay=fault.retry_delay))
    return {"unauthenticated": AdsAbort(code.UNAUTHENTICATED,
                                        "Request had invalid authentication credentials."),
            "unavailable": AdsAbort(code.UNAVAILABLE, "The service is currently unavailable.")
            }.get(fault.kind)


@functools.lru_cache(maxsize=8)
def _clicks(source: DemoSource) -> pd.DataFrame:
    """The account's raw clicks, made once (the API is asked for them a day at a time)."""
    return click_rows(source.truth)


def _literal(text: str) -> str:
    return text[1:-1] if text[:1] in "'\"" else text


class AdsServer(ScriptedServer[AdsFault]):
    """Fake Google Ads API on ``127.0.0.1:<free port>`` (TLS, name ``localhost``), accounts by
    customer ID; a context manager. ``batch_size`` rows go in each streamed message."""

    key = "customer_id"

    def __init__(self, accounts: Accounts, batch_size: int = 1000):
        super().__init__(accounts)
        self.batch_size = batch_size
        self._executor: futures.ThreadPoolExecutor | None = None
        self._server: grpc.Server | None = None
        self.port = 0

    def __enter__(self) -> AdsServer:
        cert = trust_localhost_cert()
        handler = grpc.unary_stream_rpc_method_handler(
            self._search_stream,
            request_deserializer=SearchGoogleAdsStreamRequest.pb().FromString,
            response_serializer=lambda message: message.SerializeToString())
        self._executor = futures.ThreadPoolExecutor(max_workers=8)
        self._server = grpc.server(self._executor)
        self._server.add_generic_rpc_handlers(
            (grpc.method_handlers_generic_handler(SERVICE, {"SearchStream": handler}),))
        self.port = self._server.add_secure_port(
            "127.0.0.1:0", grpc.ssl_server_credentials([(cert.key_pem, cert.cert_pem)]))
        self._server.start()
        self._check_tls()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        if self._server is not None and self._executor is not None:
            self._server.stop(grace=None).wait(timeout=10)
            self._executor.shutdown(wait=True, cancel_futures=True)

    def _check_tls(self) -> None:
        """Fail fast if gRPC does not trust our certificate (roots loaded before the env var)."""
        with grpc.secure_channel(self.endpoint, grpc.ssl_channel_credentials()) as channel:
            try:
                grpc.channel_ready_future(channel).result(timeout=5)
            except grpc.FutureTimeoutError:
                self.__exit__()
                raise RuntimeError("gRPC does not trust the fake's certificate: it read its roots "
                                   "before tests.fakes.tls.trust_localhost_cert() ran; call it "
                                   "earlier (pytest_configure).") from None

    @property
    def endpoint(self) -> str:
        """``GoogleAdsClient(endpoint=...)``: host ``localhost`` so the certificate matches."""
        return f"localhost:{self.port}"

    def _search_stream(self, request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
        rid = secrets.token_urlsafe(16)[:22]
        log = AdsRequest(request.customer_id, request.query,
                         dict(context.invocation_metadata()), rid)  # type: ignore[arg-type]
        fault = self._log(log)
        context.set_trailing_metadata((("request-id", rid),))
        try:
            if fault is not None and fault.kind == "delay":
                self._stopping.wait(fault.delay)
            abort = _fault_abort(fault) if fault is not None else None
            if abort is not None:
                raise abort
            with self._lock:
                messages = list(self._answer(request.customer_id, request.query, rid))
            for message in messages:
                log.batches += 1
                yield message
                if fault is not None and fault.kind == "mid_stream_unavailable":
                    raise AdsAbort(grpc.StatusCode.UNAVAILABLE, "The service is unavailable.")
        except AdsAbort as abort:
            log.code = abort.status.name
            metadata: list[tuple[str, str | bytes]] = [("request-id", rid)]
            if abort.failure is not None:
                abort.failure.request_id = rid
                metadata.insert(0, (FAILURE_KEY, abort.failure.SerializeToString()))
            context.set_trailing_metadata(tuple(metadata))
            context.abort(abort.status, abort.details)

    def _answer(self, customer_id: str, query: str, rid: str) -> Iterator[Any]:
        source = self._sources.get(customer_id)
        if source is None:
            raise AdsAbort(grpc.StatusCode.PERMISSION_DENIED, "The caller does not have permission",
                           failure("authorization_error", "USER_PERMISSION_DENIED",
                                   "User doesn't have permission to access customer. Note: If "
                                   "you're accessing a client customer, the manager's customer "
                                   "id must be set in the 'login-customer-id' header."))
        m = re.fullmatch(r"\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?\s*;?\s*", query,
                         re.I | re.S)
        if m is None:
            raise _query_error("UNEXPECTED_INPUT", "fake: expected SELECT ... FROM r [WHERE ...]")
        fields = [f.strip() for f in m[1].split(",")]
        for name in fields:
            if name not in FIELDS:
                raise _query_error("UNRECOGNIZED_FIELD",
                                   f"Unrecognized field in the query: '{name}'.", name)
        resource, conditions = m[2], self._conditions(m[3] or "")
        if resource not in ("campaign", "ad_group", "click_view"):
            raise _query_error("BAD_RESOURCE_TYPE_IN_FROM_CLAUSE",
                               f"fake: FROM {resource} is not served (campaign, ad_group, "
                               "click_view)")
        if resource == "click_view":
            self._check_click_view(source, conditions)
        if "segments.date" in fields and not any(c[0] == "segments.date" for c in conditions):
            raise _query_error("EXPECTED_FILTERS_ON_DATE_RANGE",
                               "A filter on segments.date with a finite date range is required.")
        actions = any(f.startswith("segments.conversion_action") for f in fields)
        frame = self._frame(source, resource, actions, self.shape(customer_id))
        for name, op, values in conditions:
            frame = frame[_OPS[op](self._typed(frame, name), values if op == "IN" else values[0])]
        missing = [f for f in fields if FIELDS[f][0] not in frame.columns]
        if missing:
            raise _query_error("PROHIBITED_FIELD_IN_SELECT_CLAUSE",
                               f"fake: {missing} not served FROM {resource} with these segments")
        rows = [self._row(rec, fields, resource) for rec in frame.to_dict("records")]
        Response = SearchGoogleAdsStreamResponse.pb()
        for start in range(0, max(len(rows), 1), self.batch_size):
            message = Response(results=rows[start:start + self.batch_size], request_id=rid)
            message.field_mask.paths.extend(fields)
            yield message

    @staticmethod
    def _check_click_view(source: DemoSource, conditions: list[tuple[str, str, list[Any]]]
                          ) -> None:
        """click_view's own rules: a single day (``segments.date = 'YYYY-MM-DD'``), in the last
        90 days."""
        days = [values[0] for name, op, values in conditions if name == "segments.date"]
        ops = {op for name, op, _ in conditions if name == "segments.date"}
        if ops != {"="} or len(days) != 1:
            raise _query_error("DATE_RANGE_TOO_WIDE", "Date range must be a single day for "
                               "click_view queries (segments.date = 'YYYY-MM-DD').")
        first = source.settings.as_of.date() - dt.timedelta(days=CLICK_VIEW_DAYS - 1)
        if dt.date.fromisoformat(days[0]) < first:
            raise _query_error("DATE_RANGE_TOO_WIDE", f"click_view can only be queried for the "
                               f"last {CLICK_VIEW_DAYS} days (from {first}).")

    @staticmethod
    def _conditions(where: str) -> list[tuple[str, str, list[Any]]]:
        """WHERE as [(field, op, [values])], ``BETWEEN a AND b`` as ``>= a`` and ``<= b``."""
        out: list[tuple[str, str, list[Any]]] = []
        between = rf"([\w.]+)\s+BETWEEN\s+({_VALUE})\s+AND\s+({_VALUE})"
        for name, lo, hi in re.findall(between, where, re.I):
            out += [(name, ">=", [_literal(lo)]), (name, "<=", [_literal(hi)])]
        rest = re.sub(between, " ", where, flags=re.I)
        for part in filter(None, (p.strip() for p in re.split(r"\bAND\b", rest, flags=re.I))):
            m = re.fullmatch(rf"([\w.]+)\s*(!=|>=|<=|=|>|<|IN\b)\s*(\(.*\)|{_VALUE})", part, re.I)
            if m is None:
                raise _query_error("UNEXPECTED_INPUT", f"fake: unsupported condition {part!r}")
            values = re.findall(_VALUE, m[3]) if m[2].upper() == "IN" else [m[3]]
            out.append((m[1], m[2].upper(), [_literal(v) for v in values]))
        for name, _, values in out:
            if name not in FIELDS:
                raise _query_error("UNRECOGNIZED_FIELD",
                                   f"Unrecognized field in the query: '{name}'.", name)
            if FIELDS[name][1] in ("int", "float") and all(_NUMBER.fullmatch(v) for v in values):
                values[:] = [float(v) for v in values]
        return out

    @staticmethod
    def _frame(source: DemoSource, resource: str, actions: bool, shape: Shape) -> pd.DataFrame:
        if resource == "click_view":  # the raw gclids the demo source pseudonymises
            return _clicks(source).assign(
                customer_id=source.settings.customer_id, currency_code=CURRENCY_CODE,
                time_zone=TIME_ZONE)
        stream = "ads_conversion_action_daily" if actions else f"ads_{resource}_daily"
        everything = Window(source.settings.start, source.settings.end)
        frame = shape.apply(stream, source.pull(STREAMS[stream], everything).frame)
        if actions:
            if resource == "ad_group":
                frame = frame[frame["ad_group_id"].notna()]
            else:  # campaign totals per action, summed over ad groups
                frame = frame.groupby(_ACTION_KEYS, sort=False, dropna=False)[
                    ["conversions", "conversions_value"]].sum().reset_index()
        channel = {c.id: c.channel_type for c in source.truth.campaigns}
        if "channel_type" not in frame.columns:
            frame = frame.assign(channel_type=frame["campaign_id"].map(channel))
        return frame

    @staticmethod
    def _typed(frame: pd.DataFrame, name: str) -> pd.Series:
        column, kind = FIELDS[name]
        if column not in frame.columns:
            raise _query_error("PROHIBITED_FIELD_IN_WHERE_CLAUSE", f"fake: cannot filter {name}")
        series = frame[column]
        if kind == "action":
            return "customers/" + frame["customer_id"] + "/conversionActions/" + series
        if kind in ("int", "float"):
            return pd.to_numeric(series)
        return series.map(_CONVERT["date"] if kind == "date" else str)

    @staticmethod
    def _row(rec: dict[str, Any], fields: list[str], resource: str) -> Any:
        row = GoogleAdsRow.pb()()
        cid = rec["customer_id"]
        for name in fields:
            value = rec[FIELDS[name][0]]
            if value is None or (isinstance(value, float) and pd.isna(value)):
                continue
            parent_name, attr = name.rsplit(".", 1)
            parent, kind = getattr(row, parent_name), FIELDS[name][1]
            if kind == "enum":
                enum = parent.DESCRIPTOR.fields_by_name[attr].enum_type
                value = enum.values_by_name[value].number
            elif kind == "action":
                value = f"customers/{cid}/conversionActions/{value}"
            setattr(parent, attr, _CONVERT.get(kind, lambda v: v)(value))
        prefixes = {f.split(".")[0] for f in fields} | {resource}
        if "customer" in prefixes:
            row.customer.resource_name = f"customers/{cid}"
        if "campaign" in prefixes:
            row.campaign.resource_name = f"customers/{cid}/campaigns/{rec['campaign_id']}"
        if "ad_group" in prefixes and rec.get("ad_group_id") is not None:
            row.ad_group.resource_name = f"customers/{cid}/adGroups/{rec['ad_group_id']}"
        return row
