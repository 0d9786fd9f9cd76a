"""A local Graph API (Meta Marketing API v26.0) over plain HTTP on 127.0.0.1, threaded, serving
planted ad accounts (:mod:`tests.fakes.meta_data`) to the REAL facebook-business SDK.

It answers what the connector asks, in Meta's JSON shapes:

- ``GET /v26.0/act_<id>``: the ad account (currency, time zone);
- ``GET /v26.0/act_<id>/campaigns``: campaigns with their status, cursor-paged;
- ``POST /v26.0/act_<id>/insights``: starts an async report run (``level=adset``,
  ``time_increment=1``, a ``time_range``, ``action_attribution_windows``) -> ``report_run_id``;
- ``GET /v26.0/<run id>``: ``async_status`` / ``async_percent_completion``;
- ``GET /v26.0/<run id>/insights``: the run's rows, cursor-paged (``limit``, ``after``).

The token comes as ``Authorization: Bearer <token>`` (or ``OAuth <token>``, or
``access_token=``); ``tokens`` are valid, and each token reads the accounts listed for it
(``grants``; default all). Accounts are :class:`MetaAccount` objects (the planted
:mod:`tests.fakes.meta_data` ones here). Faults are scripted with :class:`MetaFault`. The SDK
points here through its session's Graph base URL::

    session.GRAPH = server.endpoint   # http://127.0.0.1:<port>
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol
from urllib.parse import parse_qs, urlsplit

import pandas as pd

from tests.fakes import Disconnect, LocalHttpFake
from tests.fakes.meta_data import DEFAULT_WINDOWS, WINDOWS

VERSION = "v26.0"
TOKEN = "EAAFakeSystemUserToken0123456789abcdef"

MetaFaultKind = Literal["code_4", "code_17", "code_613", "code_80004", "throttle_headers",
                        "transient", "disconnect", "token_expired", "permission",
                        "job_running", "job_failed", "job_completed_early"]
RequestKind = Literal["account", "campaigns", "start", "status", "results", "other"]


class MetaAccount(Protocol):
    """What the fake serves for one ad account (:class:`tests.fakes.meta_data.PlantedAccount`,
    or an adapter over the demo's Meta data): frames as PlantedAccount documents them;
    :meth:`MetaServer.restate` needs a dataclass with an ``as_of`` field."""

    account_id: str
    currency: str
    time_zone: str
    name: str

    def campaigns(self) -> list[dict[str, str]]: ...

    def delivery(self, start: dt.date, end: dt.date) -> pd.DataFrame: ...

    def cells(self, start: dt.date, end: dt.date) -> pd.DataFrame: ...


@dataclass
class MetaRequest:
    """One logged request: method, path, kind, parameters (query and form), headers (lower
    case), status, and when it arrived (``time.monotonic()``)."""

    method: str
    path: str
    kind: RequestKind
    params: dict[str, str]
    headers: dict[str, str]
    status: int = 0
    received: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class MetaFault:
    """A scripted fault for the ``nth`` .. ``nth + times - 1``-th request that ``when`` accepts
    (counted from :meth:`MetaServer.script`; every request when ``when`` is None).

    Kinds: ``code_4`` / ``code_17`` / ``code_613`` / ``code_80004`` (the rate limits, with a
    ``x-business-use-case-usage`` header asking ``regain_minutes``), ``throttle_headers`` (a
    normal answer whose headers say the account is at 100 % and ask ``regain_minutes``),
    ``transient`` (code 2, ``is_transient``, HTTP 500), ``disconnect`` (the connection closes
    without an answer), ``token_expired`` (code 190, subcode 463), ``permission`` (code 200),
    ``job_running`` (the run this request starts stays "Job Running" for ``polls`` polls),
    ``job_failed`` (the run this request starts ends "Job Failed") and ``job_completed_early``
    (its first poll says "Job Completed" at 95 %, a race Meta documents: the rows are not
    ready until 100 %).
    """

    kind: MetaFaultKind
    nth: int = 1
    times: int = 1
    when: Callable[[MetaRequest], bool] | None = None
    regain_minutes: float = 0.0
    polls: int = 5


def on(*kinds: RequestKind) -> Callable[[MetaRequest], bool]:
    """``when=on("results")``: a fault for requests of these kinds only."""
    return lambda request: request.kind in kinds


class GraphError(Exception):
    """An error answered Graph-style, with extra headers."""

    def __init__(self, http: int, code: int, message: str, *, subcode: int | None = None,
                 kind: str = "OAuthException", transient: bool = False,
                 headers: Mapping[str, str] | None = None, user_msg: str | None = None):
        super().__init__(message)
        self.http, self.code, self.message, self.subcode = http, code, message, subcode
        self.kind, self.transient, self.headers = kind, transient, dict(headers or {})
        self.user_msg = user_msg

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "type": self.kind, "code": self.code,
                                 "is_transient": self.transient,
                                 "fbtrace_id": "A" + secrets.token_urlsafe(16)[:20]}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if self.user_msg:
            error["error_user_title"], error["error_user_msg"] = "Limit", self.user_msg
        return {"error": error}


def buc_header(account_id: str, kind: str, percent: float, regain_minutes: float) -> str:
    """``x-business-use-case-usage``: per business ID, per use case."""
    return json.dumps({account_id: [{"type": kind, "call_count": percent,
                                     "total_cputime": percent / 2, "total_time": percent / 2,
                                     "estimated_time_to_regain_access": regain_minutes}]})


def _fault_error(fault: MetaFault, account_id: str) -> GraphError | None:
    buc = {"x-business-use-case-usage": buc_header(account_id or "0", "ads_insights", 100,
                                                   fault.regain_minutes)}
    return {
        "code_4": GraphError(400, 4, "(#4) Application request limit reached", transient=True,
                             headers={"x-app-usage": json.dumps({"call_count": 100,
                                                                 "total_time": 40,
                                                                 "total_cputime": 30}), **buc}),
        "code_17": GraphError(400, 17, "(#17) User request limit reached", subcode=2446079,
                              transient=True, headers=buc),
        "code_613": GraphError(400, 613, "(#613) Calls to this api have exceeded the rate "
                               "limit.", transient=True, headers=buc),
        "code_80004": GraphError(
            400, 80004, "(#80004) There have been too many calls to this ad-account. Wait a bit "
            "and try again. For more info, please refer to https://developers.facebook.com/docs/"
            "graph-api/overview/rate-limiting#ads-management.", subcode=2446079,
            headers={"x-business-use-case-usage": buc_header(
                account_id or "0", "ads_management", 100, fault.regain_minutes)}),
        "transient": GraphError(500, 2, "An unexpected error has occurred. Please retry your "
                                "request later.", transient=True),
        "token_expired": GraphError(
            400, 190, "Error validating access token: Session has expired on Saturday, "
            "05-Dec-26 23:00:00 PST. The current time is Sunday, 06-Dec-26 00:12:09 PST.",
            subcode=463),
        "permission": GraphError(403, 200, "(#200) Ad account owner has NOT grant ads_management "
                                 "or ads_read permission", kind="OAuthException"),
    }.get(fault.kind)


@dataclass
class ReportRun:
    """One async run: its rows (computed when it starts: a run's result is fixed), and how its
    polls go."""

    id: str
    account_id: str
    rows: list[dict[str, Any]]
    polls_to_finish: int = 1
    fails: bool = False
    early: bool = False  # the first poll says "Job Completed" at 95 %
    polls: int = 0

    def status(self) -> tuple[str, int]:
        self.polls += 1
        if self.early and self.polls == 1:
            return "Job Completed", 95
        if self.fails:
            return ("Job Running", 40) if self.polls < 2 else ("Job Failed", 40)
        if self.polls <= self.polls_to_finish - 1:
            return ("Job Started" if self.polls == 1 else "Job Running",
                    min(99, 100 * self.polls // self.polls_to_finish))
        return "Job Completed", 100

    def seen(self) -> str:
        """The status the last poll showed (without polling again)."""
        if self.fails:
            return "Job Failed" if self.polls >= 2 else "Job Running"
        return "Job Completed" if self.polls >= self.polls_to_finish else "Job Running"


def _encode(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def _decode(cursor: str) -> int:
    try:
        return int(base64.b64decode(cursor).decode().split(":", 1)[1])
    except (ValueError, IndexError, UnicodeDecodeError):
        raise GraphError(400, 100, "(#100) Invalid cursor", kind="GraphMethodException") from None


def _listed(value: str | None) -> list[str]:
    """A list parameter as the SDK sends it: JSON (``["a","b"]``) or comma separated."""
    if not value:
        return []
    if value.startswith("["):
        return [str(v) for v in json.loads(value)]
    return [v for v in value.split(",") if v]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


class MetaServer(LocalHttpFake[MetaFault]):
    """The fake Graph API on ``127.0.0.1:<free port>``; a context manager.

    ``accounts``: planted accounts by ID; ``tokens``: the valid tokens (default
    :data:`TOKEN`); ``grants``: token -> the account IDs it may read (default every account);
    ``polls_to_finish``: polls a run needs before "Job Completed" (default 2: one "Job
    Started", then done).
    """

    def __init__(self, accounts: Iterable[MetaAccount], tokens: Iterable[str] = (TOKEN,),
                 grants: Mapping[str, Iterable[str]] | None = None, polls_to_finish: int = 2):
        self.accounts = {a.account_id: a for a in accounts}
        self.tokens = set(tokens)
        self.grants = {t: set(ids) for t, ids in (grants or {}).items()}
        self.polls_to_finish = polls_to_finish
        super().__init__()  # the request log (MetaRequest), scripted faults, the lock
        self.runs: dict[str, ReportRun] = {}

    # -- life cycle (start, stop: LocalHttpFake) ------------------------------------------------
    @property
    def endpoint(self) -> str:
        return self.base_url

    # -- scripting (script, clear_faults, _log: FaultScript) ------------------------------------
    def restate(self, as_of: dt.date) -> None:
        """Serve every account as seen on ``as_of`` from now on (late conversions arrive)."""
        with self._lock:
            self.accounts = {k: dataclasses.replace(a, as_of=as_of)
                             for k, a in self.accounts.items()}

    def of(self, kind: RequestKind) -> list[MetaRequest]:
        return [r for r in self.requests if r.kind == kind]


    # -- answering ----------------------------------------------------------------------------
    def handle(self, method: str, raw_path: str, headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, str], Any]:
        """Answer one request: (status, extra headers, JSON payload)."""
        url = urlsplit(raw_path)
        params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        if method == "POST":
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
            params.update({k: v[-1] for k, v in form.items()})
        parts = url.path.strip("/").split("/")
        kind = self._kind(method, parts)
        request = MetaRequest(method, url.path, kind, params, headers)
        fault = self._log(request)
        account_id = parts[1].removeprefix("act_") if len(parts) > 1 and parts[1].startswith(
            "act_") else (self.runs[parts[1]].account_id if len(parts) > 1
                          and parts[1] in self.runs else "")
        try:
            if fault is not None and fault.kind == "disconnect":
                raise Disconnect
            self._authorise(headers, params, account_id)
            error = _fault_error(fault, account_id) if fault is not None else None
            if error is not None:
                raise error
            extra: dict[str, str] = {}
            if fault is not None and fault.kind == "throttle_headers":
                extra = {"x-business-use-case-usage": buc_header(
                            account_id, "ads_insights", 100, fault.regain_minutes),
                         "x-fb-ads-insights-throttle": json.dumps(
                             {"app_id_util_pct": 35.5, "acc_id_util_pct": 100,
                              "ads_api_access_tier": "standard_access"})}
            else:
                extra = {"x-fb-ads-insights-throttle": json.dumps(
                    {"app_id_util_pct": 3.2, "acc_id_util_pct": 1.5,
                     "ads_api_access_tier": "standard_access"})}
            payload = self._answer(kind, parts, params, account_id, fault)
            request.status = 200
            return 200, extra, payload
        except GraphError as error:
            request.status = error.http
            return error.http, error.headers, error.body()

    @staticmethod
    def _kind(method: str, parts: list[str]) -> RequestKind:
        if len(parts) < 2 or parts[0] != VERSION:
            return "other"
        node, edge = parts[1], parts[2] if len(parts) > 2 else None
        if node.startswith("act_"):
            return {None: "account", "campaigns": "campaigns"}.get(
                edge, "start" if edge == "insights" and method == "POST" else "other")
        return {None: "status", "insights": "results"}.get(edge, "other")

    def _authorise(self, headers: dict[str, str], params: dict[str, str],
                   account_id: str) -> None:
        auth = headers.get("authorization", "")
        token = (auth.split(" ", 1)[1] if auth.lower().startswith(("oauth ", "bearer "))
                 else params.get("access_token", ""))
        if not token:
            raise GraphError(400, 2500, "An active access token must be used to query "
                             "information about the current user.")
        if token not in self.tokens:
            raise GraphError(400, 190, "Invalid OAuth access token - Cannot parse access token",
                             subcode=467 if len(token) > 3 else None)
        granted = self.grants.get(token)
        if account_id and (account_id not in self.accounts
                           or (granted is not None and account_id not in granted)):
            raise GraphError(400, 100, f"Unsupported get request. Object with ID "
                             f"'act_{account_id}' does not exist, cannot be loaded due to "
                             "missing permissions, or does not support this operation. Please "
                             "read the Graph API documentation at "
                             "https://developers.facebook.com/docs/graph-api", subcode=33,
                             kind="GraphMethodException")

    def _answer(self, kind: RequestKind, parts: list[str], params: dict[str, str],
                account_id: str, fault: MetaFault | None) -> Any:
        if kind == "other":
            raise GraphError(400, 100, f"(#100) fake: no such edge /{'/'.join(parts)}",
                             kind="GraphMethodException")
        if kind == "account":
            account = self.accounts[account_id]
            data = {"id": f"act_{account_id}", "account_id": account_id, "name": account.name,
                    "currency": account.currency, "timezone_name": account.time_zone}
            wanted = _listed(params.get("fields")) or ["id"]
            return {k: v for k, v in data.items() if k in wanted or k == "id"}
        if kind == "campaigns":
            statuses = set(_listed(params.get("effective_status"))) or {"ACTIVE", "PAUSED"}
            rows = [c for c in self.accounts[account_id].campaigns() if c["status"] in statuses]
            wanted = set(_listed(params.get("fields"))) | {"id"}
            rows = [{k: v for k, v in row.items() if k in wanted} for row in rows]
            return self._page(rows, params, f"{VERSION}/act_{account_id}/campaigns")
        if kind == "start":
            return self._start(account_id, params, fault)
        run = self.runs.get(parts[1])
        if run is None:
            raise GraphError(400, 100, f"Unsupported get request. Object with ID '{parts[1]}' "
                             "does not exist", subcode=33, kind="GraphMethodException")
        if kind == "status":
            with self._lock:
                status, percent = run.status()
            return {"id": run.id, "async_status": status, "async_percent_completion": percent,
                    "account_id": run.account_id}
        if run.polls == 0 or run.seen() != "Job Completed":
            raise GraphError(400, 100, "(#100) fake: the report run is not completed yet",
                             kind="GraphMethodException")
        return self._page(run.rows, params, f"{VERSION}/{run.id}/insights")

    def _start(self, account_id: str, params: dict[str, str],
               fault: MetaFault | None) -> dict[str, Any]:
        if params.get("level") != "adset" or params.get("time_increment") != "1":
            raise GraphError(400, 100, "(#100) fake: level=adset and time_increment=1 only",
                             kind="OAuthException")
        try:
            span = json.loads(params["time_range"])
            start, end = (dt.date.fromisoformat(span["since"]),
                          dt.date.fromisoformat(span["until"]))
        except (KeyError, ValueError, TypeError):
            raise GraphError(400, 100, "(#100) time_range must be {since, until} (YYYY-MM-DD)",
                             kind="OAuthException") from None
        windows = tuple(_listed(params.get("action_attribution_windows")))
        unknown = [w for w in windows if w not in WINDOWS]
        if unknown:
            raise GraphError(400, 100, f"(#100) action_attribution_windows[0] must be one of "
                             f"{list(WINDOWS)}; fake does not serve {unknown}",
                             kind="OAuthException")
        fields = _listed(params.get("fields"))
        rows = self._insights(self.accounts[account_id], start, end, windows, fields)
        run = ReportRun(str(6_000_000_000_000 + len(self.runs) + 1), account_id, rows,
                        polls_to_finish=(fault.polls + 1 if fault and fault.kind == "job_running"
                                         else self.polls_to_finish),
                        fails=bool(fault and fault.kind == "job_failed"),
                        early=bool(fault and fault.kind == "job_completed_early"))
        with self._lock:
            self.runs[run.id] = run
        return {"report_run_id": run.id}

    @staticmethod
    def _insights(account: MetaAccount, start: dt.date, end: dt.date,
                  windows: tuple[str, ...], fields: list[str]) -> list[dict[str, Any]]:
        """The run's rows in Meta's shape: strings for numbers, actions with ``value`` (the
        account's default windows) and one key per requested window."""
        base = account.delivery(start, end)
        if base.empty:
            return []
        cells = account.cells(start, end)
        by_row: dict[tuple[Any, str], dict[str, dict[str, list[float]]]] = {}
        for c in cells.itertuples(index=False):
            entry = by_row.setdefault((c.date, c.adset_id), {}).setdefault(
                c.action_type, {w: [0.0, 0.0] for w in WINDOWS})
            entry[c.window] = [float(c.count_), float(c.value)]
        rows = []
        for rec in base.sort_values(["date", "campaign_id", "adset_id"]).to_dict("records"):
            actions, values = [], []
            for action_type, per_window in sorted(by_row.get((rec["date"], rec["adset_id"]),
                                                             {}).items()):
                for out, slot in ((actions, 0), (values, 1)):
                    default = sum(per_window[w][slot] for w in DEFAULT_WINDOWS)
                    entry = {"action_type": action_type, "value": _number(default)}
                    entry |= {w: _number(per_window[w][slot]) for w in windows
                              if per_window[w][slot]}
                    if default or len(entry) > 2:
                        out.append(entry)
            day = rec["date"].isoformat()
            row = {"account_id": account.account_id, "account_currency": account.currency,
                   "campaign_id": rec["campaign_id"], "campaign_name": rec["campaign_name"],
                   "objective": rec["objective"], "adset_id": rec["adset_id"],
                   "adset_name": rec["adset_name"], "date_start": day, "date_stop": day,
                   "impressions": str(rec["impressions"]), "reach": str(rec["reach"]),
                   "clicks": str(rec["clicks"]), "inline_link_clicks": str(rec["link_clicks"]),
                   "spend": f"{rec['spend']:.2f}", "actions": actions, "action_values": values}
            rows.append({k: v for k, v in row.items()
                         if k in fields or k in ("date_start", "date_stop")})
        return rows

    def _page(self, rows: list[dict[str, Any]], params: dict[str, str],
              path: str) -> dict[str, Any]:
        limit = int(params.get("limit") or 25)
        offset = _decode(params["after"]) if params.get("after") else 0
        page = rows[offset:offset + limit]
        payload: dict[str, Any] = {"data": page}
        if page:
            payload["paging"] = {"cursors": {"before": _encode(offset),
                                             "after": _encode(offset + len(page))}}
            if offset + len(page) < len(rows):
                payload["paging"]["next"] = (f"{self.endpoint}/{path}?limit={limit}"
                                             f"&after={_encode(offset + len(page))}")
        return payload
