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

import datetime as dt
import difflib
import re
import zoneinfo
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
# ``alerts``: the anomaly alerts of the nightly run (kpi.alerts), as they open and close.
ReportKind = Literal["weekly", "monthly", "alerts"]
# The detectors' kinds (kpi.alerts.detect; a test keeps the two lists equal).
AlertKind = Literal["broken_tag", "spend_spike", "stopped_spending", "cpa_high", "cpl_high",
                    "roas_low", "ga4_ads_gap", "no_rows"]
ALERT_KINDS: tuple[str, ...] = get_args(AlertKind)
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


def _alert_kinds(value: object) -> object:
    """Unknown kinds refused with the closest one named (``spend_spikes``: spend_spike?).

    >>> _alert_kinds(["spend_spikes"])
    Traceback (most recent call last):
    ...
    ValueError: alert_kinds: 'spend_spikes' is not a detector's kind; did you mean spend_spike? ...
    """
    if isinstance(value, str):
        value = (value,)
    if isinstance(value, list | tuple):
        for kind in value:
            if kind not in ALERT_KINDS:
                close = difflib.get_close_matches(str(kind), ALERT_KINDS, n=1, cutoff=0.5)
                hint = f"; did you mean {close[0]}?" if close else ""
                raise ValueError(f"alert_kinds: {kind!r} is not a detector's kind{hint} "
                                 f"(one of {', '.join(ALERT_KINDS)})")
    return value


AlertKinds = Annotated[tuple[AlertKind, ...], BeforeValidator(_alert_kinds)]


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


class _Subscriber(_Strict):
    """Which reports and, with ``alerts`` among them, which alerts: ``alert_kinds`` (default
    every kind) on ``channels`` (the model's channels, e.g. Search, Paid Social; default all;
    an account's or a source's alert concerns every channel and always goes). ``notify_closed``:
    a short "back to normal" line when an alert sent before closes."""

    language: Language = "en"
    reports: tuple[ReportKind, ...] = ("weekly",)
    alert_kinds: AlertKinds = ALERT_KINDS  # type: ignore[assignment]
    channels: tuple[str, ...] | None = None
    notify_closed: bool = True

    @model_validator(mode="after")
    def _alerts_asked(self) -> _Subscriber:
        # Only what differs from the defaults: a configuration written back whole (the resolved
        # copy a run reads) repeats the defaults of a subscriber who takes no alerts.
        defaults = {"alert_kinds": ALERT_KINDS, "channels": None, "notify_closed": True}
        given = {f for f in self.model_fields_set & set(defaults)
                 if getattr(self, f) != defaults[f]}
        if given and "alerts" not in self.reports:
            field = sorted(given)[0]
            raise ValueError(f"{field}: only read for alerts: add them to the reports, e.g. "
                             f"reports: [{', '.join((*self.reports, 'alerts'))}]")
        if not self.alert_kinds:
            raise ValueError("alert_kinds: name at least one kind, or leave it out (all)")
        if self.channels is not None and not self.channels:
            raise ValueError("channels: name at least one channel, or leave it out (all)")
        return self

    def wants(self, kind: str, channel: str) -> bool:
        """Whether this subscriber gets an alert of ``kind`` on ``channel`` ("" for an
        account's or a source's alert)."""
        if "alerts" not in self.reports or kind not in self.alert_kinds:
            return False
        if not channel or self.channels is None:
            return True
        return channel.casefold() in {c.casefold() for c in self.channels}


class Recipient(_Subscriber):
    """One person: their address, the language they read, which reports they get."""

    address: Address


class Webhook(_Subscriber):
    """A team chat's incoming webhook: Slack (incoming webhook) or Microsoft Teams (a
    Workflows webhook that posts an Adaptive Card). Its URL is read from ``url_env``."""

    kind: Literal["slack", "teams"]
    url_env: EnvName
    timeout_seconds: float = Field(30.0, gt=0, le=600)

    @property
    def name(self) -> str:
        """How the ledger tells this chat apart (never the URL)."""
        return f"{self.kind}:{self.url_env}"


def _clock(value: object) -> object:
    """``"20:00"`` (or ``"7:30"``) as a time of day; a clear error otherwise."""
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", value)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValueError(f"{value!r} is not a time of day such as \"20:00\" or \"07:30\"")
        return dt.time(int(match[1]), int(match[2]))
    return value


def _zone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not a time zone; give an IANA name such as "
                         "Europe/Brussels") from None
    return value


Clock = Annotated[dt.time, BeforeValidator(_clock)]


class QuietHours(_Strict):
    """When no alert is sent: from ``start`` to ``end`` (across midnight when ``end`` comes
    first), in ``timezone``; ``weekend``: Saturday and Sunday whole too. What is held goes
    out at the first delivery run after.

    >>> q = QuietHours(start="20:00", end="07:30", weekend=True)
    >>> brussels = zoneinfo.ZoneInfo("Europe/Brussels")
    >>> [q.holds(dt.datetime(2026, 12, d, h, tzinfo=brussels)) for d, h in
    ...  ((7, 6), (7, 8), (7, 21), (5, 12))]   # Monday 06:00, 08:00, 21:00; Saturday noon
    [True, False, True, True]
    """

    start: Clock
    end: Clock
    timezone: Annotated[str, AfterValidator(_zone)] = "Europe/Brussels"
    weekend: bool = False

    @model_validator(mode="after")
    def _not_empty(self) -> QuietHours:
        if self.start == self.end:
            raise ValueError(f"end: the same as start ({self.start:%H:%M}) would be no quiet "
                             "hours at all; leave quiet_hours out, or give e.g. end: \"07:30\"")
        return self

    def holds(self, now: dt.datetime) -> bool:
        """Whether ``now`` (aware) falls in the quiet hours."""
        local = now.astimezone(zoneinfo.ZoneInfo(self.timezone))
        if self.weekend and local.weekday() >= 5:
            return True
        t = local.time().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end


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
    quiet_hours: QuietHours | None = None  # alerts only: the reports keep their schedule

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
