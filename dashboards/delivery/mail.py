"""The weekly report as one e-mail: a plain-text part and a mail-safe HTML alternative (the
template ``delivery/mail.html``, autoescaped), the week's PDF attached when there is one, and
the headers a mail client and a spam filter expect (Date, Message-ID in the sender's domain,
From, To, Reply-To, Subject and ``Content-Language`` in the reader's language).

>>> from dashboards.report_model import Pill, Table
>>> digest = Digest(lang="fr", html_lang="fr-BE", subject="Rapport KPI · 2026-W47",
...     title="Rapport KPI", week="Semaine 47", meta=("Démo",), status="",
...     verdict=Pill("Tout va bien", "good"), kpis=Table(("KPI",), ()), actions=(),
...     where="Le rapport : /out", location="/out", attachment="", footer="")
>>> sender = Sender("kpi@example.be", name="KPI", reply_to="pm@example.be")
>>> message = compose(digest, "an@example.be", sender, pdf=b"%PDF-1.7", pdf_name="r.pdf",
...                   now=dt.datetime(2026, 11, 23, 7, tzinfo=dt.UTC))
>>> message["Subject"], message["Content-Language"], message["From"], message["Date"]
('Rapport KPI · 2026-W47', 'fr-BE', 'KPI <kpi@example.be>', 'Mon, 23 Nov 2026 07:00:00 +0000')
>>> message["Message-ID"].endswith("@example.be>")
True
>>> [part.get_content_type() for part in message.walk()]
['multipart/mixed', 'multipart/alternative', 'text/plain', 'text/html', 'application/pdf']
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
from dataclasses import dataclass
from email.message import EmailMessage

from dashboards.delivery.digest import Digest, plain_text
from dashboards.page import ENV
from dashboards.report_sentences import _t

TEMPLATE = "delivery/mail.html"


@dataclass(frozen=True)
class Sender:
    """Who the mail is from (and where replies go)."""

    address: str
    name: str | None = None
    reply_to: str | None = None

    @property
    def domain(self) -> str:
        return self.address.rsplit("@", 1)[1]


def render_html(digest: Digest) -> str:
    """The mail's HTML part (every string escaped by the template)."""
    link = digest.location if digest.location.startswith(("https://", "http://")) else None

    def text(key: str) -> str:
        return _t(key, digest.lang)

    return ENV.get_template(TEMPLATE).render(d=digest, t=text, link=link)


def compose(digest: Digest, to: str, sender: Sender, *, pdf: bytes | None,
            pdf_name: str | None, now: dt.datetime) -> EmailMessage:
    """The message for ``to`` (SMTP policy: CRLF line ends, long headers folded)."""
    message = envelope(digest.subject, to, sender, now)
    message.set_content(plain_text(digest))
    message.add_alternative(render_html(digest), subtype="html")
    if pdf is not None:
        message.add_attachment(pdf, maintype="application", subtype="pdf",
                               filename=pdf_name or "weekly-report.pdf")
    return in_language(message, digest.html_lang)


def envelope(subject: str, to: str, sender: Sender, now: dt.datetime) -> EmailMessage:
    """A message with its headers and no body yet (the report's mail and the alerts')."""
    message = EmailMessage(policy=email.policy.SMTP)
    message["Date"] = email.utils.format_datetime(now.astimezone(dt.UTC))
    message["Message-ID"] = email.utils.make_msgid(domain=sender.domain)
    message["From"] = email.utils.formataddr((sender.name or "", sender.address))
    message["To"] = to
    if sender.reply_to:
        message["Reply-To"] = sender.reply_to
    message["Subject"] = subject
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    return message


def in_language(message: EmailMessage, html_lang: str) -> EmailMessage:
    """``Content-Language`` on the message and its text parts. Last: set_content and the
    multipart conversions move or drop Content-* headers."""
    message["Content-Language"] = html_lang
    for part in message.walk():
        if part.get_content_maintype() == "text":
            part["Content-Language"] = html_lang
    return message
