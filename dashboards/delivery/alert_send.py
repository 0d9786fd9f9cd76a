"""The anomaly alerts delivered: each subscriber (a recipient or a chat whose ``reports`` list
``alerts``) gets, in one message in their language, the alerts opened since they were last
told and, unless ``notify_closed: false``, a "back to normal" line for those told before that
closed since. Each (alert, event, subscriber) is sent once: the ``alert_deliveries`` ledger
keeps every attempt, and only a ``sent`` one counts, so a failed send is tried again at the
next run and an open anomaly is never re-sent day after day.

During ``delivery.quiet_hours`` nothing is sent and nothing recorded: the alerts stay pending
and go out at the first run outside them. An alert opened more than :data:`MAX_AGE_DAYS` ago
is not sent any more when first found pending (a delivery configured today does not mail the
alerts of the last month); one that closed before it was sent is not sent at all.

Recipients are named in logs and errors by their place in the configuration
(``delivery.recipients.2``), webhooks by kind and variable; never an address or a URL.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import ibis
from ibis.backends import BaseBackend

from dashboards.delivery import alert_mail, smtp
from dashboards.delivery.ledger import append_attempts
from dashboards.delivery.mail import Sender
from dashboards.delivery.retrying import Budget, DeliveryError, with_retries
from dashboards.delivery.tally import Tally
from dashboards.delivery.webhook import post_json
from kpi.alerts.state import Alert
from pipelines.delivery_config import Delivery, Recipient, Webhook
from pipelines.privacy import pseudonym_key, pseudonymise

log = logging.getLogger(__name__)

ALERT_DELIVERIES_TABLE = "alert_deliveries"
MAX_AGE_DAYS = 7
SCHEMA = ibis.schema({
    "alert_id": "string", "event": "string", "day": "date", "recipient": "string",
    "language": "string", "channel": "string", "message_id": "string",
    "sent_at": "timestamp('UTC')", "status": "string", "error": "string"})


@dataclass(frozen=True)
class Attempt:
    """One row of ``alert_deliveries``: one event of one alert to one subscriber (``day``,
    the day it was tried, dates the row for retention)."""

    alert_id: str
    event: str  # opened | closed
    day: dt.date
    recipient: str  # pseudonym
    language: str
    channel: str  # mail, slack, teams
    message_id: str | None
    sent_at: dt.datetime
    status: str  # sent, refused, failed
    error: str | None


def reached(con: BaseBackend) -> set[tuple[str, str, str, str]]:
    """(alert_id, event, recipient pseudonym, channel) already sent."""
    if ALERT_DELIVERIES_TABLE not in con.list_tables():
        return set()
    t = con.table(ALERT_DELIVERIES_TABLE)
    rows = con.execute(t.filter(t.status == "sent")[["alert_id", "event", "recipient",
                                                     "channel"]])
    return set(rows.itertuples(index=False, name=None))


def record(con: BaseBackend, attempts: Sequence[Attempt]) -> int:
    """Append ``attempts`` (the table is created on first use); the rows written."""
    return append_attempts(con, ALERT_DELIVERIES_TABLE, SCHEMA, attempts, "day")


def due(alerts: Sequence[Alert], subscriber: Recipient | Webhook, told: set[tuple[str, str]],
        today: dt.date) -> tuple[list[Alert], list[Alert]]:
    """The (opened, closed) alerts ``subscriber`` is to be told of, ``told``: the (alert_id,
    event) pairs already sent to them.

    >>> from pipelines.delivery_config import Webhook
    >>> a = Alert("a1", "spend_spike", "campaign", "gads:8", "gads", "Paid Search", "cost",
    ...     dt.date(2026, 12, 2), dt.date(2026, 12, 2), 1, 900.0, 300.0, 200.0, 450.0,
    ...     "open", dt.date(2026, 12, 3), dt.date(2026, 12, 3))
    >>> hook = Webhook(kind="slack", url_env="S", reports=("alerts",), channels=("Paid Search",))
    >>> [len(x) for x in due([a], hook, set(), dt.date(2026, 12, 3))]
    [1, 0]
    >>> [len(x) for x in due([a], hook, {("a1", "opened")}, dt.date(2026, 12, 3))]
    [0, 0]
    >>> other = hook.model_copy(update={"channels": ("Paid Social",)})
    >>> [len(x) for x in due([a], other, set(), dt.date(2026, 12, 3))]
    [0, 0]
    """
    oldest = today - dt.timedelta(days=MAX_AGE_DAYS)
    opened, closed = [], []
    for a in alerts:
        if not subscriber.wants(a.kind, a.channel):
            continue
        if a.status == "open" and (a.alert_id, "opened") not in told and a.opened_on >= oldest:
            opened.append(a)
        elif (a.status == "closed" and subscriber.notify_closed
              and (a.alert_id, "opened") in told and (a.alert_id, "closed") not in told):
            closed.append(a)
    return opened, closed


@dataclass(frozen=True)
class AlertOutcome:
    """One subscriber's message: ``sent``, ``refused`` or ``failed`` (with the error)."""

    target: str  # delivery.recipients.0, delivery.webhooks.1
    channel: str
    language: str
    recipient: str  # pseudonym
    opened: tuple[str, ...]  # alert ids
    closed: tuple[str, ...]
    status: str
    error: str | None = None
    message_id: str | None = None


@dataclass(frozen=True)
class AlertDeliveryResult(Tally):
    """What one run did; ``held``: the pending messages kept back by the quiet hours."""

    outcomes: tuple[AlertOutcome, ...] = ()
    held: int = 0

    def summary(self) -> str:
        """``alerts: 2 sent, 0 refused, 0 failed`` (or held during the quiet hours)."""
        if self.held:
            return f"alerts: {self.held} messages held (quiet hours)"
        return (f"alerts: {self.count('sent')} sent, {self.count('refused')} refused, "
                f"{self.count('failed')} failed")


@dataclass(frozen=True)
class _Due:
    target: str
    subscriber: Recipient | Webhook
    pseudonym: str
    channel: str
    opened: list[Alert]
    closed: list[Alert]


def _subscribers(settings: Delivery, alerts: Sequence[Alert], key: bytes,
                 sent: set[tuple[str, str, str, str]], today: dt.date) -> list[_Due]:
    people = [(f"delivery.recipients.{n}", r, "mail", r.address)
              for n, r in enumerate(settings.recipients) if "alerts" in r.reports]
    hooks = [(f"delivery.webhooks.{n}", w, w.kind, w.name)
             for n, w in enumerate(settings.webhooks) if "alerts" in w.reports]
    both = [*people, *hooks]
    out = []
    for (target, sub, channel, _), pseudonym in zip(
            both, pseudonymise([who for *_, who in both], key), strict=True):
        told = {(a, e) for a, e, r, c in sent if r == pseudonym and c == channel}
        opened, closed = due(alerts, sub, told, today)
        if opened or closed:
            out.append(_Due(target, sub, pseudonym, channel, opened, closed))
    return out


def _outcome(d: _Due, status: str, error: str | None = None,
             message_id: str | None = None) -> AlertOutcome:
    return AlertOutcome(d.target, d.channel, d.subscriber.language, d.pseudonym,
                        tuple(a.alert_id for a in d.opened), tuple(a.alert_id for a in d.closed),
                        status, error, message_id)


def _mail(settings: Delivery, mails: list[_Due], names: Mapping[str, str],
          env: Mapping[str, str], budget: Budget, now: dt.datetime) -> list[AlertOutcome]:
    if not mails or settings.smtp is None:
        return []
    s = settings.smtp
    sender = Sender(s.from_address, s.from_name, s.reply_to)
    messages = []
    for d in mails:
        assert isinstance(d.subscriber, Recipient)
        m = alert_mail.build_message(d.opened, d.closed, d.subscriber.language, names)
        messages.append(alert_mail.compose(m, d.subscriber.address, sender, now))
    results = smtp.send_all(s, messages, env, settings.retry, budget)
    return [_outcome(d, r.status, r.error, str(message["Message-ID"]))
            for d, message, r in zip(mails, messages, results, strict=True)]


def _post(settings: Delivery, d: _Due, names: Mapping[str, str], env: Mapping[str, str],
          budget: Budget) -> AlertOutcome:
    hook = d.subscriber
    assert isinstance(hook, Webhook)
    url = env.get(hook.url_env, "").strip()
    if not url:
        return _outcome(d, "failed", f"webhook {hook.name}: {hook.url_env} is not set (the "
                        "webhook's URL is read from the environment)")
    m = alert_mail.build_message(d.opened, d.closed, hook.language, names)
    payload = alert_mail.PAYLOADS[hook.kind](m)
    try:
        with_retries(lambda: post_json(hook.name, url, payload, timeout=hook.timeout_seconds),
                     settings.retry, budget, what=f"webhook {hook.name}")
    except DeliveryError as exc:
        return _outcome(d, "failed", str(exc))
    return _outcome(d, "sent")


def deliver_alerts(settings: Delivery, alerts: Sequence[Alert], con: BaseBackend, *,
                   names: Mapping[str, str] | None = None,
                   env: Mapping[str, str] | None = None,
                   now: dt.datetime | None = None) -> AlertDeliveryResult:
    """Send each subscriber what is due of ``alerts`` (the ``alerts`` table) at ``now``
    (aware; default: the clock) and record every attempt in ``con``'s ledger.
    PseudonymKeyError when the pseudonym key is missing (nothing is sent)."""
    env = os.environ if env is None else env
    now = now or dt.datetime.now(dt.UTC)
    key = pseudonym_key(env)
    today = now.astimezone(dt.UTC).date()
    todo = _subscribers(settings, alerts, key, reached(con), today)
    if todo and settings.quiet_hours is not None and settings.quiet_hours.holds(now):
        log.info("alerts: %d messages held until the quiet hours end", len(todo))
        return AlertDeliveryResult(held=len(todo))
    budget, names = Budget(settings.retry), dict(names or {})
    outcomes = _mail(settings, [d for d in todo if d.channel == "mail"], names, env, budget,
                     now)
    outcomes += [_post(settings, d, names, env, budget) for d in todo if d.channel != "mail"]
    record(con, [
        Attempt(alert_id, event, today, o.recipient, o.language, o.channel,
                o.message_id if o.status == "sent" else None, now, o.status, o.error)
        for o in outcomes
        for event, ids in (("opened", o.opened), ("closed", o.closed)) for alert_id in ids])
    for o in outcomes:
        log.info("alerts (%s, %s): %d opened, %d closed: %s%s", o.target, o.channel,
                 len(o.opened), len(o.closed), o.status, f": {o.error}" if o.error else "")
    return AlertDeliveryResult(tuple(outcomes))
