"""One week's report delivered: to every recipient and chat the ``delivery`` section lists for
that report, except those the ledger says were already reached (unless ``resend``), each in
their language; every attempt is written to the ledger, whatever became of it.

Recipients are named in logs and errors by their place in the configuration
(``delivery.recipients.2``), never by their address; webhooks by kind and variable.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ibis.backends import BaseBackend

from dashboards.delivery import chat, ledger, smtp
from dashboards.delivery.digest import Digest, Where, build_digest
from dashboards.delivery.mail import Sender, compose
from dashboards.delivery.retrying import Budget, DeliveryError, with_retries
from dashboards.delivery.tally import Tally
from dashboards.delivery.webhook import post_json
from dashboards.report_inputs import ReportInputs
from pipelines.delivery_config import Delivery, Recipient, Webhook
from pipelines.months import CalendarMonth
from pipelines.privacy import pseudonym_key, pseudonymise
from pipelines.weeks import IsoWeek

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportFiles:
    """The written report of one week (or, for the monthly report, one month): its HTML and
    PDF per language."""

    week: IsoWeek | CalendarMonth
    html: Mapping[str, Path]
    pdf: Mapping[str, Path]


@dataclass(frozen=True)
class Outcome:
    """One recipient or chat: ``sent``, ``skipped`` (reached before), ``refused`` or
    ``failed``, with the error."""

    target: str  # delivery.recipients.0, delivery.webhooks.1
    channel: str  # mail, slack, teams
    language: str
    recipient: str  # pseudonym
    status: str
    error: str | None = None
    message_id: str | None = None


@dataclass(frozen=True)
class DeliveryResult(Tally):
    week: str
    outcomes: tuple[Outcome, ...]

    def summary(self) -> str:
        """``2026-W47: 2 sent, 1 skipped (reached before), 1 refused, 0 failed``."""
        return (f"{self.week}: {self.count('sent')} sent, {self.count('skipped')} skipped "
                f"(reached before), {self.count('refused')} refused, "
                f"{self.count('failed')} failed")


def location(settings: Delivery, files: ReportFiles, lang: str) -> str:
    """The report's URL under ``report_url``, else its file path."""
    html = files.html[lang]
    if settings.report_url:
        return f"{settings.report_url}/{files.week.label}/{html.name}"
    return str(html)


class _Digests:
    """Each language's digest, made once."""

    def __init__(self, settings: Delivery, data: Any, files: ReportFiles,
                 build: Callable[[Any, str, Where], Digest] = build_digest) -> None:
        self.settings, self.data, self.files, self.build = settings, data, files, build
        self._made: dict[str, tuple[Digest, bytes | None, str | None]] = {}

    def get(self, lang: str) -> tuple[Digest, bytes | None, str | None]:
        if lang not in self._made:
            pdf_path = self.files.pdf.get(lang)
            try:
                pdf = pdf_path.read_bytes() if pdf_path is not None else None
            except OSError:  # missing or unreadable: sent without it, and the mail says so
                pdf = None
            name = pdf_path.name if pdf is not None and pdf_path is not None else None
            where = Where(location(self.settings, self.files, lang), name)
            self._made[lang] = (self.build(self.data, lang, where), pdf, name)
        return self._made[lang]


def _mail(settings: Delivery, due: list[tuple[int, Recipient, str]], digests: _Digests,
          env: Mapping[str, str], budget: Budget, now: dt.datetime) -> list[Outcome]:
    if not due or settings.smtp is None:
        return []
    s = settings.smtp
    sender = Sender(s.from_address, s.from_name, s.reply_to)
    messages = []
    for _, recipient, _ in due:
        digest, pdf, name = digests.get(recipient.language)
        messages.append(compose(digest, recipient.address, sender, pdf=pdf, pdf_name=name,
                                now=now))
    results = smtp.send_all(s, messages, env, settings.retry, budget)
    return [Outcome(f"delivery.recipients.{n}", "mail", r.language, pseudonym, result.status,
                    result.error, str(message["Message-ID"]))
            for (n, r, pseudonym), message, result in zip(due, messages, results, strict=True)]


def _post(settings: Delivery, n: int, webhook: Webhook, pseudonym: str, digests: _Digests,
          env: Mapping[str, str], budget: Budget) -> Outcome:
    target = f"delivery.webhooks.{n}"

    def outcome(status: str, error: str | None = None) -> Outcome:
        return Outcome(target, webhook.kind, webhook.language, pseudonym, status, error)

    url = env.get(webhook.url_env, "").strip()
    if not url:
        return outcome("failed", f"webhook {webhook.name}: {webhook.url_env} is not set (the "
                       "webhook's URL is read from the environment)")
    payload = chat.PAYLOADS[webhook.kind](digests.get(webhook.language)[0])
    try:
        with_retries(lambda: post_json(webhook.name, url, payload,
                                       timeout=webhook.timeout_seconds),
                     settings.retry, budget, what=f"webhook {webhook.name}")
    except DeliveryError as exc:
        return outcome("failed", str(exc))
    return outcome("sent")


def deliver(settings: Delivery, data: ReportInputs | Any, files: ReportFiles, con: BaseBackend,
            *, report: str = "weekly", resend: bool = False,
            env: Mapping[str, str] | None = None, now: dt.datetime | None = None,
            digest: Callable[[Any, str, Where], Digest] = build_digest) -> DeliveryResult:
    """Deliver the written report ``files`` (built from ``data``) and record every attempt in
    ``con``'s ledger. PseudonymKeyError when the pseudonym key is missing (nothing is sent);
    ValueError as the report when its week has no data. ``report`` picks the recipients
    (``monthly``: the monthly report, whose ``digest`` builds the messages from its inputs)."""
    env = os.environ if env is None else env
    now = now or dt.datetime.now(dt.UTC)
    key = pseudonym_key(env)
    week = files.week.label
    done = set() if resend else ledger.reached(con, week, report)
    digests, budget = _Digests(settings, data, files, digest), Budget(settings.retry)
    outcomes: list[Outcome] = []
    due: list[tuple[int, Recipient, str]] = []
    recipients = [(n, r) for n, r in enumerate(settings.recipients) if report in r.reports]
    names = pseudonymise([r.address for _, r in recipients], key)
    for (n, recipient), pseudonym in zip(recipients, names, strict=True):
        if (pseudonym, "mail") in done:
            outcomes.append(Outcome(f"delivery.recipients.{n}", "mail", recipient.language,
                                    pseudonym, "skipped"))
        else:
            due.append((n, recipient, pseudonym))
    outcomes += _mail(settings, due, digests, env, budget, now)
    hooks = [(n, w) for n, w in enumerate(settings.webhooks) if report in w.reports]
    for (n, webhook), pseudonym in zip(hooks, pseudonymise([w.name for _, w in hooks], key),
                                       strict=True):
        if (pseudonym, webhook.kind) in done:
            outcomes.append(Outcome(f"delivery.webhooks.{n}", webhook.kind, webhook.language,
                                    pseudonym, "skipped"))
        else:
            outcomes.append(_post(settings, n, webhook, pseudonym, digests, env, budget))
    ledger.record(con, [
        ledger.Attempt(week, files.week.start, report, o.recipient, o.language, o.channel,
                       o.message_id if o.status == "sent" else None, now, o.status, o.error)
        for o in outcomes if o.status != "skipped"])
    for o in outcomes:
        log.info("%s %s (%s, %s): %s%s", report, week, o.target, o.channel, o.status,
                 f": {o.error}" if o.error else "")
    return DeliveryResult(week, tuple(outcomes))
