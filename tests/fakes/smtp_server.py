"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the delivery tests: STARTTLS with the
localhost test certificate (tests/fakes/tls.py), AUTH LOGIN/PLAIN required after STARTTLS,
every accepted message kept as bytes. It can refuse chosen recipients for good (550) or for
now (451, a number of times), and there are two broken servers: one that accepts connections
and never answers (a timeout) and a port where nothing listens (down).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import ssl
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.fakes.tls import localhost_cert

HOST = "127.0.0.1"
logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's own conversation log
USER, PASSWORD = "kpi-mailer", "s3cret-Pa55word-never-shown"


@dataclass
class Received:
    """One message as the server took it: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


@dataclass
class Inbox:
    """What the server received, and how it should answer."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # 550 on RCPT for these addresses
    defer: dict[str, int] = field(default_factory=dict)  # 451 on RCPT this many times
    logins: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 <mailbox unavailable>"
        if self.defer.get(address, 0) > 0:
            self.defer[address] -= 1
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          bytes(envelope.original_content)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


def _authenticator(inbox: Inbox):
    def check(server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
              and auth_data.password == PASSWORD.encode())
        if ok:
            inbox.logins.append(USER)
        return AuthResult(success=ok, handled=False)

    return check


class _Controller(Controller):
    def factory(self):
        """Each session's SMTP protocol; aiosmtpd warns "AUTH while not requiring TLS" for
        implicit TLS (its auth_require_tls only counts STARTTLS): the session is TLS."""
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
            return super().factory()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def smtp_server(inbox: Inbox | None = None,
                implicit_tls: bool = False) -> Iterator[tuple[int, Inbox]]:
    """(port, inbox) of a STARTTLS + AUTH server running for the ``with`` block (with
    ``implicit_tls``: TLS from the first byte, as on port 465)."""
    inbox = inbox or Inbox()
    cert = localhost_cert()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    key = cert.path.with_name("localhost.key")
    context.load_cert_chain(cert.path, key)
    port = free_port()
    # aiosmtpd's auth_require_tls only counts STARTTLS; implicit TLS is encrypted anyway.
    tls = ({"ssl_context": context, "auth_require_tls": False} if implicit_tls else
           {"tls_context": context, "require_starttls": True, "auth_require_tls": True})
    controller = _Controller(inbox, hostname=HOST, port=port, auth_required=True,
                             authenticator=_authenticator(inbox), ready_timeout=10, **tls)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


@contextlib.contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections and never says a word (an SMTP greeting timeout)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        sock.listen(16)
        yield sock.getsockname()[1]


def down_port() -> int:
    """A port where nothing listens (connection refused)."""
    return free_port()
