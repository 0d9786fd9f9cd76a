"""Mail through the configured SMTP server (standard library ``smtplib``): STARTTLS or implicit
TLS with the certificate verified (the system's roots, or ``smtp.ca_file``), the login read
from the environment variables the configuration names, one message per recipient.

Temporary failures (4xx replies, timeouts, a refused or dropped connection) are retried
(:mod:`dashboards.delivery.retrying`), on a new connection; a recipient the server refuses for
good (5xx) is reported and the others are still sent. When the server stays unreachable, the
messages not yet sent fail with the same error, naming the server: no one is retried in vain.
Errors never contain the password.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from dashboards.delivery.retrying import (
    Budget,
    DeliveryError,
    Permanent,
    Temporary,
    with_retries,
)
from pipelines.delivery_config import DeliveryRetry, Smtp


class Refused(Permanent):
    """The server refused this message for good (a 5xx reply to its recipient or its data);
    the next message may still go."""


@dataclass(frozen=True)
class MailOutcome:
    """What became of one message: ``sent``, ``refused`` (for good) or ``failed`` (the server
    could not be reached or kept deferring)."""

    status: str
    error: str | None = None


def server_name(settings: Smtp) -> str:
    return f"{settings.host}:{settings.port}"


def _login(settings: Smtp, env: Mapping[str, str]) -> tuple[str, str] | None:
    """(user, password) from the environment; a :class:`Permanent` error naming the variable
    that is not set (never its value)."""
    if settings.username_env is None or settings.password_env is None:
        return None
    missing = [n for n in (settings.username_env, settings.password_env) if not env.get(n)]
    if missing:
        raise Permanent(f"{server_name(settings)}: {' and '.join(missing)} not set (the SMTP "
                        "login is read from the environment)")
    return env[settings.username_env], env[settings.password_env]


def _reply(exc: smtplib.SMTPResponseException) -> str:
    said = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) \
        else str(exc.smtp_error)
    return f"{exc.smtp_code} {' '.join(said.split())}"


def _classified(exc: BaseException, where: str) -> DeliveryError:
    """An smtplib, ssl or socket error as Temporary or Permanent, naming the server."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = list(exc.recipients.values())
        code, said = codes[0] if codes else (550, b"refused")
        reply = f"{code} {said.decode('utf-8', 'replace') if isinstance(said, bytes) else said}"
        error = Temporary if 400 <= code < 500 else Refused
        return error(f"{where} refused the recipient: {' '.join(reply.split())}")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return Permanent(f"{where} refused the login: {_reply(exc)} (check the user name and "
                         "password in the environment variables smtp.username_env and "
                         "smtp.password_env name)")
    if isinstance(exc, smtplib.SMTPResponseException):
        per_message = isinstance(exc, smtplib.SMTPDataError | smtplib.SMTPSenderRefused)
        error = (Temporary if 400 <= exc.smtp_code < 500
                 else Refused if per_message else Permanent)
        return error(f"{where} answered {_reply(exc)}")
    if isinstance(exc, smtplib.SMTPNotSupportedError) and "STARTTLS" in str(exc).upper():
        return Permanent(f"{where} does not offer STARTTLS: set smtp.security to tls (implicit "
                         f"TLS, usually port 465) if it speaks that ({exc})")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return Permanent(f"{where} offers no login ({exc}): leave smtp.username_env and "
                         "smtp.password_env out if it needs none")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return Permanent(f"{where}: its TLS certificate could not be verified "
                         f"({exc.verify_message}); set smtp.ca_file to the roots that sign it")
    if isinstance(exc, ssl.SSLError):
        return Permanent(f"{where}: TLS failed ({exc.reason or exc})")
    if isinstance(exc, TimeoutError):
        return Temporary(f"{where} did not answer in time")
    if isinstance(exc, ConnectionRefusedError):
        return Temporary(f"{where} refused the connection (is the server up?)")
    if isinstance(exc, smtplib.SMTPServerDisconnected) and "timed out" in str(exc):
        return Temporary(f"{where} did not answer in time")
    if isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError):
        return Temporary(f"{where} closed the connection ({exc or type(exc).__name__})")
    if isinstance(exc, OSError):
        return Temporary(f"{where}: {exc.strerror or exc}")
    return Permanent(f"{where}: {type(exc).__name__}: {exc}")


class Connection:
    """One SMTP session, opened on first use and again after a temporary failure."""

    def __init__(self, settings: Smtp, env: Mapping[str, str]) -> None:
        self.settings, self.env = settings, env
        self.where = f"SMTP server {server_name(settings)}"
        self._smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context(cafile=str(s.ca_file) if s.ca_file else None)
        login = _login(s, self.env)
        if s.security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_seconds,
                                                  context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
        try:
            smtp.ehlo()
            if s.security == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
            if login is not None:
                smtp.login(*login)
        except BaseException:
            _quietly_close(smtp)
            raise
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Send ``message`` on the open session (opening it first); a Temporary or Permanent
        error naming the server otherwise. After a temporary error the session is closed."""
        try:
            if self._smtp is None:
                self._smtp = self._open()
            refused = self._smtp.send_message(message)
        except Exception as exc:
            error = _classified(exc, self.where)
            if not isinstance(error, Refused):
                self.close()  # a session in an unknown state is not reused
            raise error from None
        if refused:  # only with several recipients in one message; we send one each
            raise Refused(f"{self.where} refused {len(refused)} recipient(s)")

    def close(self) -> None:
        if self._smtp is not None:
            _quietly_close(self._smtp)
            self._smtp = None


def _quietly_close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def send_all(settings: Smtp, messages: Sequence[EmailMessage], env: Mapping[str, str],
             policy: DeliveryRetry, budget: Budget | None = None) -> list[MailOutcome]:
    """Send each message (one recipient each) in order, on one session; an outcome per
    message. A server that stays unreachable fails the rest with the same error."""
    budget = budget or Budget(policy)
    connection = Connection(settings, env)
    outcomes: list[MailOutcome] = []
    try:
        for n, message in enumerate(messages):
            try:
                with_retries(lambda m=message: connection.send(m), policy, budget,
                             what=connection.where)
            except Refused as exc:
                outcomes.append(MailOutcome("refused", str(exc)))
            except DeliveryError as exc:  # the server, the login, TLS, or temporary failures
                # that outlasted the retries: no other message would fare better
                outcomes += [MailOutcome("failed", str(exc))] * (len(messages) - n)
                break
            else:
                outcomes.append(MailOutcome("sent"))
    finally:
        connection.close()
    return outcomes
