"""Local fake Google servers serving the demo account, for offline tests of the real connectors
through the real client libraries: :mod:`.ga4_server` (GA4 Data API, REST) and
:mod:`.ads_server` (Google Ads API v26, gRPC over TLS, see :mod:`.tls`); and a local Graph API
for the Meta SDK, :mod:`.meta_server`, serving planted accounts (:mod:`.meta_data`). Fixtures
and client helpers live in :mod:`.fixtures`. This module holds what the Google servers share.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import socket
import threading
from collections.abc import Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Generic, TypeVar

from pipelines.sources.demo import DemoSettings, DemoSource
from tests.fakes.shapes import Shape

FaultT = TypeVar("FaultT")
Accounts = DemoSettings | Iterable[DemoSettings] | Mapping[str, DemoSettings]


class FaultScript(Generic[FaultT]):
    """Scripted faults and a request log, what every fake server shares (Google's and Meta's).

    A fault fires for the ``nth`` .. ``nth + times - 1``-th request (1-based, counted from
    :meth:`script`) that its ``when`` predicate accepts (every request if ``when`` is None).
    """

    def __init__(self) -> None:
        self.requests: list[Any] = []
        self._faults: list[list[Any]] = []  # [fault, matching requests seen]
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def script(self, *faults: FaultT) -> None:
        with self._lock:
            self._faults += [[f, 0] for f in faults]

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def _log(self, request: Any) -> FaultT | None:
        """Record ``request``; the fault it triggers, if any."""
        chosen = None
        with self._lock:
            self.requests.append(request)
            for armed in self._faults:
                fault = armed[0]
                if fault.when is None or fault.when(request):
                    armed[1] += 1
                    if chosen is None and 0 <= armed[1] - fault.nth < fault.times:
                        chosen = fault
        return chosen


class Disconnect(Exception):
    """Raised by a fake's ``handle`` to drop the connection without an answer."""


class JsonHandler(BaseHTTPRequestHandler):
    """The request handler of a :class:`LocalHttpFake`: each GET or POST goes to the fake's
    ``handle(method, path, headers, body) -> (status, extra headers, payload)``; a payload is
    sent as JSON (a ``str`` as HTML, as an API's gateway error page is); :class:`Disconnect`
    drops the connection."""

    server: LocalServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once, no 40 ms delayed ACK
    json_type: ClassVar[str] = "application/json; charset=UTF-8"

    def _serve(self, method: str) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            status, extra, payload = self.server.fake.handle(
                method, self.path, {k.lower(): v for k, v in self.headers.items()}, raw)
        except Disconnect:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        html = isinstance(payload, str)
        data = payload.encode() if html else json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/html" if html else self.json_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def log_message(self, format: str, *args: Any) -> None:
        pass


class LocalHttpFake(FaultScript[FaultT]):
    """A fault-scripted fake served over plain HTTP on 127.0.0.1 by a thread (Meta's Graph API,
    HubSpot): ``with Fake(...) as fake:`` starts it on a free port, ``fake.base_url`` reaches
    it. Subclasses name their request handler (``handler``: a ``BaseHTTPRequestHandler`` that
    finds the fake as ``self.server.fake``)."""

    handler: ClassVar[type[BaseHTTPRequestHandler]] = JsonHandler

    def __init__(self) -> None:
        super().__init__()
        self._httpd: LocalServer | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self):
        self._httpd = LocalServer(("127.0.0.1", 0), self.handler)
        self._httpd.fake = self
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._httpd is not None and self._thread is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(timeout=10)

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, f"{type(self).__name__} is not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"


class LocalServer(ThreadingHTTPServer):
    fake: Any
    daemon_threads = True


class ScriptedServer(FaultScript[FaultT]):
    """What both Google fakes share: demo accounts by ID, each in a
    :class:`~tests.fakes.shapes.Shape` (the demo's own by default), plus the fault script, the
    request log and the stop flag of :class:`FaultScript`.
    """

    key = "property_id"  # the DemoSettings attribute accounts are served by

    def __init__(self, accounts: Accounts):
        if isinstance(accounts, DemoSettings):
            accounts = [accounts]
        if not isinstance(accounts, Mapping):
            accounts = {getattr(s, self.key): s for s in accounts}
        self._sources = {k: DemoSource(s) for k, s in accounts.items()}
        self._shapes: dict[str, Shape] = {}
        super().__init__()

    def settings(self, account: str | None = None) -> DemoSettings:
        return self._sources[account or next(iter(self._sources))].settings

    def set_settings(self, settings: DemoSettings, account: str | None = None) -> None:
        """Serve ``settings`` for ``account`` (default: the settings' own ID) from now on."""
        with self._lock:
            self._sources[account or getattr(settings, self.key)] = DemoSource(settings)

    def set_shape(self, shape: Shape, account: str | None = None) -> None:
        """Serve ``account`` (default: the first) in ``shape`` from now on."""
        with self._lock:
            self._shapes[account or next(iter(self._sources))] = shape

    def shape(self, account: str) -> Shape:
        return self._shapes.get(account, Shape())

    def advance(self, days: int = 1, account: str | None = None) -> None:
        """Move ``end`` (and so ``as_of``) forward: late and restated data appear."""
        account = account or next(iter(self._sources))
        old = self.settings(account)
        self.set_settings(dataclasses.replace(old, end=old.end + dt.timedelta(days=days)), account)
