"""A local HubSpot CRM API over plain HTTP on 127.0.0.1, threaded, serving a planted portal
(:mod:`tests.fakes.hubspot_data`) to the REAL hubspot-api-client.

It answers what the connector asks, in HubSpot's JSON shapes:

- ``POST /crm/v3/objects/{contacts,deals}/search``: ``filterGroups`` (EQ, GTE, GT, LTE, LT
  on any property; date-times in milliseconds or ISO), ``sorts``, ``properties``, ``limit``
  (at most 200), ``after``; answers ``total``, ``results`` and ``paging.next.after``. Like
  HubSpot, a query returns at most ``cap`` results (10,000 there; small here so the connector's
  split is tested): asking past it is a 400;
- ``GET /crm/v3/objects/{contacts,deals}`` with ``archived``, ``limit``, ``after``,
  ``properties``: the basic list (with ``archived=true``: the deleted records);
- ``POST /crm/v4/associations/contacts/deals/batch/read``: ``inputs`` [{id, after}]; a contact
  with more than ``association_page`` deals is paged; a contact without deals is an error of
  the batch (HTTP 207, ``NO_ASSOCIATIONS_FOUND``), as HubSpot answers.

The token comes as ``Authorization: Bearer <token>``; ``scopes`` says which scopes each valid
token has (default: both read scopes). Faults are scripted with :class:`HubSpotFault`. The
client points here through its configuration's host::

    HubSpot(access_token=..., host=server.host)
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from tests.fakes import Disconnect, JsonHandler, LocalHttpFake
from tests.fakes.hubspot_data import PlantedPortal, Record, iso

TOKEN = "pat-eu1-0f1e2d3c-fake-4b5a-9c8d-7e6f5a4b3c2d"
SCOPES = ("crm.objects.contacts.read", "crm.objects.deals.read")
CONTACT_DEFAULTS = ("email", "firstname", "lastname")  # what HubSpot answers when none named
DEAL_DEFAULTS = ("dealname", "amount", "closedate", "pipeline", "dealstage")

HubSpotFaultKind = Literal["rate_limit", "secondly", "daily", "bad_gateway", "disconnect",
                           "unauthorized", "expired", "missing_scope"]
RequestKind = Literal["contacts_search", "deals_search", "contacts_list", "deals_list",
                      "associations", "other"]


@dataclass
class HubSpotRequest:
    """One logged request: method, path, kind, query parameters (lists), JSON body, headers
    (lower case), status, and when it arrived (``time.monotonic()``)."""

    method: str
    path: str
    kind: RequestKind
    query: dict[str, list[str]]
    body: dict[str, Any]
    headers: dict[str, str]
    status: int = 0
    received: float = field(default_factory=time.monotonic)

    @property
    def properties(self) -> list[str]:
        """The properties this request asked for (search body or list query)."""
        return list(self.body.get("properties") or ()) + [
            p for v in self.query.get("properties", ()) for p in v.split(",") if p]


@dataclass(frozen=True)
class HubSpotFault:
    """A scripted fault for the ``nth`` .. ``nth + times - 1``-th request ``when`` accepts.

    Kinds: ``rate_limit`` (429 under the ten-secondly policy, with ``Retry-After:
    retry_after``), ``secondly`` (429, policy SECONDLY, no Retry-After), ``daily`` (429, policy
    DAILY), ``bad_gateway`` (502 with an HTML page), ``disconnect`` (the connection closes
    unanswered), ``unauthorized`` (401, an invalid token), ``expired`` (401,
    EXPIRED_AUTHENTICATION), ``missing_scope`` (403, MISSING_SCOPES naming ``scope``).
    """

    kind: HubSpotFaultKind
    nth: int = 1
    times: int = 1
    when: Callable[[HubSpotRequest], bool] | None = None
    retry_after: str = "0.2"
    scope: str = "crm.objects.deals.read"


def on(*kinds: RequestKind) -> Callable[[HubSpotRequest], bool]:
    """``when=on("deals_search")``: a fault for requests of these kinds only."""
    return lambda request: request.kind in kinds


class ApiError(Exception):
    """An error answered HubSpot-style: status, JSON (or text) body, extra headers."""

    def __init__(self, status: int, body: dict[str, Any] | str,
                 headers: Mapping[str, str] | None = None):
        super().__init__(str(body))
        self.status, self.body, self.headers = status, body, dict(headers or {})


def _error(status: int, message: str, category: str, **extra: Any) -> dict[str, Any]:
    return {"status": "error", "message": message, "correlationId": str(uuid.uuid4()),
            "category": category, **extra}


def _rate(policy: str, message: str) -> dict[str, Any]:
    return {"status": "error", "message": message, "errorType": "RATE_LIMIT",
            "correlationId": str(uuid.uuid4()), "policyName": policy,
            "groupName": "publicapi:private-app:crm-search:12345678"}


def _missing_scope(scope: str) -> ApiError:
    return ApiError(403, _error(
        403, "This app hasn't been granted all required scopes to make this call. Read more "
        "about required scopes here: https://developers.hubspot.com/scopes.", "MISSING_SCOPES",
        errors=[{"message": "One or more of the following scopes are required.",
                 "context": {"requiredGranularScopes": [scope]}}],
        links={"scopes": "https://developers.hubspot.com/scopes"}))


def fault_error(fault: HubSpotFault) -> ApiError | None:
    """The answer a scripted fault gives (None for a disconnect)."""
    return {
        "rate_limit": ApiError(429, _rate("TEN_SECONDLY_ROLLING", "You have reached your "
                                          "ten_secondly_rolling limit."),
                               {"Retry-After": fault.retry_after}),
        "secondly": ApiError(429, _rate("SECONDLY", "You have reached your secondly limit.")),
        "daily": ApiError(429, _rate("DAILY", "You have reached your daily limit.")),
        "bad_gateway": ApiError(502, "<html><body><h1>502 Bad Gateway</h1></body></html>"),
        "unauthorized": ApiError(401, _error(401, "Authentication credentials not found. This "
                                             "API supports OAuth 2.0 authentication.",
                                             "INVALID_AUTHENTICATION")),
        "expired": ApiError(401, _error(401, "The OAuth token used to make this call expired "
                                        "2 hour(s) ago.", "EXPIRED_AUTHENTICATION")),
        "missing_scope": _missing_scope(fault.scope),
    }.get(fault.kind)


def _millis(value: Any) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    if text.lstrip("-").isdigit():
        return int(text)
    return int(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def _compare(record_value: Any, operator: str, value: Any) -> bool:
    """One search filter on one property value (date-times compared in milliseconds)."""
    if operator == "HAS_PROPERTY":
        return record_value not in (None, "")
    if record_value in (None, ""):
        return False
    text = str(record_value)
    if "T" in text and ":" in text:  # a date-time: compared in milliseconds
        left, right = _millis(text), _millis(value)
    else:
        try:
            left, right = float(text), float(value)
        except (TypeError, ValueError):
            left, right = text, str(value)
    return {"EQ": left == right, "NEQ": left != right, "GT": left > right,
            "GTE": left >= right, "LT": left < right, "LTE": left <= right}[operator]


class HubSpotServer(LocalHttpFake[HubSpotFault]):
    """The fake CRM API on ``127.0.0.1:<free port>``; a context manager.

    ``portal``: the planted portal (changed in place by tests); ``cap``: the most results one
    search query returns (HubSpot's 10,000); ``association_page``: deals per contact in one
    associations answer; ``scopes``: token -> its scopes (default: :data:`TOKEN` with both).
    """

    def __init__(self, portal: PlantedPortal, *, cap: int = 10_000,
                 association_page: int = 500,
                 scopes: Mapping[str, Iterable[str]] | None = None):
        self.portal, self.cap, self.association_page = portal, cap, association_page
        self.scopes = {t: set(s) for t, s in (scopes or {TOKEN: SCOPES}).items()}
        super().__init__()

    @property
    def host(self) -> str:
        return self.base_url

    def of(self, *kinds: RequestKind) -> list[HubSpotRequest]:
        return [r for r in self.requests if r.kind in kinds]

    # -- answering ----------------------------------------------------------------------------
    def handle(self, method: str, raw_path: str, headers: dict[str, str],
               raw: bytes) -> tuple[int, dict[str, str], Any]:
        url = urlsplit(raw_path)
        query = parse_qs(url.query, keep_blank_values=True)
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = {}
        parts = url.path.strip("/").split("/")
        kind = self._kind(method, parts)
        request = HubSpotRequest(method, url.path, kind, query, body, headers)
        fault = self._log(request)
        try:
            if fault is not None and fault.kind == "disconnect":
                raise Disconnect
            self._authorise(headers, kind)
            error = fault_error(fault) if fault is not None else None
            if error is not None:
                raise error
            status, payload = self._answer(kind, parts, query, body)
            request.status = status
            return status, {}, payload
        except ApiError as error:
            request.status = error.status
            return error.status, error.headers, error.body

    @staticmethod
    def _kind(method: str, parts: list[str]) -> RequestKind:
        if parts[:3] == ["crm", "v3", "objects"] and len(parts) >= 4 and parts[3] in (
                "contacts", "deals"):
            if len(parts) == 5 and parts[4] == "search" and method == "POST":
                return f"{parts[3]}_search"  # type: ignore[return-value]
            if len(parts) == 4 and method == "GET":
                return f"{parts[3]}_list"  # type: ignore[return-value]
        if parts[:3] == ["crm", "v4", "associations"] and parts[3:] == [
                "contacts", "deals", "batch", "read"] and method == "POST":
            return "associations"
        return "other"

    def _authorise(self, headers: dict[str, str], kind: RequestKind) -> None:
        auth = headers.get("authorization", "")
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
        if token not in self.scopes:
            raise fault_error(HubSpotFault("unauthorized"))  # type: ignore[misc]
        needed = "crm.objects.deals.read" if kind.startswith("deals") else (
            "crm.objects.contacts.read")
        if needed not in self.scopes[token]:
            raise _missing_scope(needed)

    def _answer(self, kind: RequestKind, parts: list[str], query: dict[str, list[str]],
                body: dict[str, Any]) -> tuple[int, Any]:
        if kind.endswith("_search"):
            return 200, self._search(parts[3], body)
        if kind.endswith("_list"):
            return 200, self._list(parts[3], query)
        if kind == "associations":
            return self._associations(body)
        raise ApiError(404, _error(404, f"no route for /{'/'.join(parts)} in the fake",
                                   "OBJECT_NOT_FOUND"))

    def _search(self, object_type: str, body: dict[str, Any]) -> dict[str, Any]:
        limit = int(body.get("limit") or 10)
        if limit > 200:
            raise ApiError(400, _error(400, "limit must be at most 200", "VALIDATION_ERROR"))
        after = int(body.get("after") or 0)
        if after >= self.cap:
            raise ApiError(400, _error(
                400, f"There was a problem with the request: the maximum number of results "
                f"({self.cap}) was exceeded", "VALIDATION_ERROR"))
        with self._lock:
            records = list(self.portal.live(object_type))
        groups = body.get("filterGroups") or []
        matching = [r for r in records if not groups or any(
            all(_compare(r.properties.get(f["propertyName"]), f["operator"], f.get("value"))
                for f in g.get("filters") or ()) for g in groups)]
        for sort in reversed(body.get("sorts") or []):
            name = sort["propertyName"] if isinstance(sort, dict) else str(sort).lstrip("-")
            descending = (sort.get("direction") == "DESCENDING" if isinstance(sort, dict)
                          else str(sort).startswith("-"))
            matching.sort(key=lambda r, n=name: (_millis(r.properties.get(n)) or 0, int(r.id)),
                          reverse=descending)
        end = min(after + limit, len(matching), self.cap)
        defaults = CONTACT_DEFAULTS if object_type == "contacts" else DEAL_DEFAULTS
        payload: dict[str, Any] = {
            "total": len(matching),
            "results": [r.answer(body.get("properties"), defaults)
                        for r in matching[after:end]]}
        if end < min(len(matching), self.cap):
            payload["paging"] = {"next": {"after": str(end), "link": "?after=" + str(end)}}
        return payload

    def _list(self, object_type: str, query: dict[str, list[str]]) -> dict[str, Any]:
        archived = (query.get("archived") or ["false"])[-1].lower() == "true"
        limit = min(int((query.get("limit") or ["10"])[-1]), 100)
        after = int((query.get("after") or ["0"])[-1] or 0)
        with self._lock:
            records: list[Record] = list(self.portal.archived(object_type) if archived
                                         else self.portal.live(object_type))
        records.sort(key=lambda r: int(r.id))
        names = [p for v in query.get("properties", ()) for p in v.split(",") if p]
        defaults = CONTACT_DEFAULTS if object_type == "contacts" else DEAL_DEFAULTS
        page = records[after:after + limit]
        payload: dict[str, Any] = {"results": [r.answer(names, defaults) for r in page]}
        if after + limit < len(records):
            payload["paging"] = {"next": {"after": str(after + limit),
                                          "link": f"?after={after + limit}"}}
        return payload

    def _associations(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        results, errors = [], []
        with self._lock:
            table = {k: list(v) for k, v in self.portal.associations.items()}
        for entry in body.get("inputs") or ():
            cid, after = str(entry["id"]), int(entry.get("after") or 0)
            deals = sorted(table.get(cid, []), key=int)
            if not deals:
                errors.append({
                    "status": "error", "category": "OBJECT_NOT_FOUND",
                    "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
                    "context": {"fromObjectId": [cid]}, "links": {}, "errors": [],
                    "message": f"No deals are associated with contact {cid}."})
                continue
            page = deals[after:after + self.association_page]
            result: dict[str, Any] = {"from": {"id": cid}, "to": [
                {"toObjectId": int(d), "associationTypes": [
                    {"category": "HUBSPOT_DEFINED", "typeId": 4, "label": None}]}
                for d in page]}
            if after + self.association_page < len(deals):
                result["paging"] = {"next": {"after": str(after + self.association_page),
                                             "link": None}}
            results.append(result)
        now = iso(dt.datetime.now(dt.UTC))
        payload: dict[str, Any] = {"status": "COMPLETE", "results": results,
                                   "startedAt": now, "completedAt": now}
        if errors:
            payload |= {"numErrors": len(errors), "errors": errors}
        return (207 if errors else 200), payload


class _Handler(JsonHandler):
    json_type = "application/json;charset=utf-8"


HubSpotServer.handler = _Handler
