"""The ``delivery`` section of the configuration: the SMTP server the reports are mailed
through, who receives which report in which language, and the team chats (Slack, Microsoft
Teams) that get a short summary.

>>> section = Delivery.model_validate({
...     "smtp": {"host": "smtp.example.be", "from_address": "kpi@example.be",
...              "username_env": "SMTP_USER", "password_env": "SMTP_PASSWORD"},
...     "recipients": [{"address": "an@example.be", "language": "nl"}],
...     "webhooks": [{"kind": "teams", "url_env": "TEAMS_WEBHOOK_URL", "language": "fr"}]})
>>> section.smtp.port, section.smtp.security, section.recipients[0].reports
(587, 'starttls', ('weekly',))
>>> section.smtp.sender_domain, section.webhooks[0].name
('example.be', 'teams:TEAMS_WEBHOOK_URL')

Secrets are never part of the configuration: the SMTP user name and password and each webhook's
URL (a webhook URL is a secret: whoever has it can post) are named by their environment
variable. What cannot work is refused, naming the field:

>>> Smtp(host="smtp.example.be", from_address="kpi@example.be", security="none")
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for Smtp
...security: none would send the report and the password unencrypted to smtp.example.be...
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
ReportKind = Literal["weekly", "monthly"]
Language = Literal["nl", "fr", "en"]
EnvName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
# One address, no display name: what RFC 5321 accepts in MAIL FROM / RCPT TO, loosely.
_ADDRESS = re.compile(r"[^@\s<>()\[\],;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")


def _address(value: str) -> str:
    """A plain e-mail address (``name@domain``), surrounding whitespace removed.

    >>> _address(" an@example.be ")
    'an@example.be'
    >>> _address("An <an@example.be>")
    Traceback (most recent call last):
    ...
    ValueError: 'An <an@example.be>' is not a plain e-mail address such as name@example.be
    """
    text = value.strip()
    if not _ADDRESS.fullmatch(text):
        raise ValueError(f"{value!r} is not a plain e-mail address such as name@example.be")
    return text


Address = Annotated[str, AfterValidator(_address)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DeliveryRetry(_Strict):
    """Back-off for temporary failures (4xx replies, timeouts, a server that is down)."""

    max_retries: int = Field(3, ge=0, le=10)  # of each message or post
    initial_seconds: float = Field(5.0, ge=0)
    max_seconds: float = Field(60.0, gt=0)
    deadline_seconds: float = Field(600.0, gt=0)  # for the whole delivery


class Smtp(_Strict):
    """The mail server: STARTTLS on 587 by default, or implicit TLS (``tls``, port 465);
    ``none`` (no encryption) only for a server on this machine."""

    host: str = Field(min_length=1)
    port: int = Field(0, ge=0, le=65535)  # 0: the usual port of ``security`` (587, 465, 25)
    security: Literal["starttls", "tls", "none"] = "starttls"
    username_env: EnvName | None = None  # the environment variables holding the login
    password_env: EnvName | None = None
    from_address: Address
    from_name: str | None = None  # shown beside the address, e.g. "Campaign KPIs"
    reply_to: Address | None = None
    timeout_seconds: float = Field(30.0, gt=0, le=600)
    ca_file: Path | None = None  # PEM roots to trust instead of the system's (a private relay)

    @model_validator(mode="before")
    @classmethod
    def _usual_port(cls, data: object) -> object:
        if isinstance(data, dict) and not data.get("port"):
            security = data.get("security", "starttls")
            data = {**data, "port": DEFAULT_PORTS.get(security, 0)}
        return data

    @model_validator(mode="after")
    def _workable(self) -> Smtp:
        problems = []
        if self.security == "none" and self.host.strip("[]").lower() not in (
                h.strip("[]") for h in LOCAL_HOSTS):
            problems.append(f"security: none would send the report and the password "
                            f"unencrypted to {self.host}: use starttls (port 587) or tls (port "
                            f"465); none is only for a server on this machine")
        if (self.username_env is None) != (self.password_env is None):
            problems.append("username_env and password_env: name both (a login) or neither "
                            "(a relay that needs none)")
        if self.from_name and re.search(r"[\r\n]", self.from_name):
            problems.append("from_name: one line, no line breaks")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def sender_domain(self) -> str:
        """The domain of the sender's address (Message-IDs are made in it)."""
        return self.from_address.rsplit("@", 1)[1]


class Recipient(_Strict):
    """One person: their address, the language they read, which reports they get."""

    address: Address
    language: Language = "en"
    reports: tuple[ReportKind, ...] = ("weekly",)


class Webhook(_Strict):
    """A team chat's incoming webhook: Slack (incoming webhook) or Microsoft Teams (a
    Workflows webhook that posts an Adaptive Card). Its URL is read from ``url_env``."""

    kind: Literal["slack", "teams"]
    url_env: EnvName
    language: Language = "en"
    reports: tuple[ReportKind, ...] = ("weekly",)
    timeout_seconds: float = Field(30.0, gt=0, le=600)

    @property
    def name(self) -> str:
        """How the ledger tells this chat apart (never the URL)."""
        return f"{self.kind}:{self.url_env}"


def _https_base(value: str | None) -> str | None:
    if value is not None and not value.startswith(("https://", "http://", "file://")):
        raise ValueError(f"{value!r}: give the base URL the report folders are published "
                         "under, e.g. https://share.example.be/kpi/reports")
    return value.rstrip("/") if value else value


class Delivery(_Strict):
    """Who gets the reports, and how. ``report_url``: where the ``reports`` folder is
    published (the week's folder is appended); unset, messages name the file path."""

    smtp: Smtp | None = None
    recipients: tuple[Recipient, ...] = ()
    webhooks: tuple[Webhook, ...] = ()
    report_url: Annotated[str | None, AfterValidator(_https_base)] = None
    retry: DeliveryRetry = DeliveryRetry()

    @model_validator(mode="after")
    def _consistent(self) -> Delivery:
        problems = []
        if self.recipients and self.smtp is None:
            problems.append("smtp: recipients are mailed through an SMTP server: set "
                            "smtp.host and smtp.from_address")
        seen: set[str] = set()
        for n, recipient in enumerate(self.recipients):
            if recipient.address.lower() in seen:
                problems.append(f"recipients.{n}.address: listed twice")
            seen.add(recipient.address.lower())
        names = [w.name for w in self.webhooks]
        for n, name in enumerate(names):
            if name in names[:n]:
                problems.append(f"webhooks.{n}: {name} listed twice")
        if not self.recipients and not self.webhooks:
            problems.append("recipients: list who gets the reports (or a webhook), or leave "
                            "the delivery section out")
        if problems:
            raise ValueError("; ".join(problems))
        return self
