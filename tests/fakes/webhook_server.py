"""A local incoming-webhook receiver (http.server on 127.0.0.1) standing in for Slack and
Microsoft Teams: it keeps every JSON body posted and answers with the statuses queued for it
(then 200, as Slack does; Teams' Workflows answer 202)."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Posts:
    """What was posted, per path, and the statuses still to answer."""

    bodies: dict[str, list[Any]] = field(default_factory=dict)
    statuses: dict[str, list[int]] = field(default_factory=dict)  # per path, then ``ok``
    ok: int = 200
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextlib.contextmanager
def webhook_server(posts: Posts | None = None) -> Iterator[tuple[str, Posts]]:
    """(base URL, posts) of a receiver running for the ``with`` block."""
    posts = posts or Posts()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length).decode("utf-8"))
            with posts.lock:
                queued = posts.statuses.get(self.path, [])
                status = queued.pop(0) if queued else posts.ok
                if status < 300:
                    posts.bodies.setdefault(self.path, []).append(body)
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"invalid_payload")

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", posts
    finally:
        server.shutdown()
        server.server_close()
