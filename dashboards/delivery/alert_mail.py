"""The anomaly alerts as one message per subscriber, in their language: the alerts opened since
the last delivery (each in the quality page's words: what, where, since, how far, the likely
cause; :func:`dashboards.quality_alerts.describe`) and a "back to normal" line for those that
closed; as an e-mail (plain text and a mail-safe HTML alternative, the template
``delivery/alert_mail.html``, autoescaped) or a short chat post (Slack, Teams). Pure: no
sending, no clock (``now`` is passed in).

>>> import datetime as dt
>>> from kpi.alerts.state import Alert
>>> tag = Alert("a1", "broken_tag", "campaign", "gads:7", "gads", "Search", "conversions",
...     dt.date(2026, 12, 3), dt.date(2026, 12, 4), 2, 0.0, 14.2, 6.0, 25.0, "open",
...     dt.date(2026, 12, 4), dt.date(2026, 12, 5))
>>> spike = Alert("a2", "spend_spike", "campaign", "gads:8", "gads", "Search", "cost",
...     dt.date(2026, 12, 2), dt.date(2026, 12, 2), 1, 900.0, 300.0, 200.0, 450.0, "open",
...     dt.date(2026, 12, 3), dt.date(2026, 12, 3))
>>> names = {"gads:7": "Search – Warmtepompen – NL", "gads:8": "Search – Merk"}
>>> for lang in ("nl", "fr", "en"):
...     print(build_message([tag, spike], [], lang, names).subject.replace("\u202f", " "))
2 afwijkingen: Search – Warmtepompen – NL conversies op 0 sinds 3 dec
2 anomalies : Search – Warmtepompen – NL conversions à 0 depuis le 3 déc.
2 anomalies: Search – Warmtepompen – NL conversions at 0 since 3 Dec
>>> print(build_message([], [spike], "en", names).closed[0])
Spend spike – Search – Merk: back in its range on 03 Dec 2026 (since 02 Dec 2026).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from dashboards.delivery.chat import ADAPTIVE_CARD, _slack_escape
from dashboards.delivery.mail import Sender, envelope, in_language
from dashboards.page import ENV
from dashboards.quality_alerts import KIND_TEXTS, UNITS, describe
from kpi.alerts.state import Alert
from kpi.language import locale_for
from kpi.language.format import format_date, format_day_month, format_value
from kpi.language.translate import translator

_t = translator("quality")
TEMPLATE = "delivery/alert_mail.html"
CHAT_LINES = 5  # opened alerts a chat post lists (the mail lists them all)


@dataclass(frozen=True)
class Opened:
    """One opened alert in words."""

    kind: str
    line: str
    cause: str


@dataclass(frozen=True)
class AlertMessage:
    """One subscriber's message, every string in their language."""

    lang: str
    html_lang: str
    subject: str
    opened: tuple[Opened, ...]
    closed: tuple[str, ...]  # "back to normal" lines
    more: str  # where every open anomaly is
    footer: str


def _names(alerts: Sequence[Alert], names: Mapping[str, str] | None) -> dict[str, str]:
    """Campaign names by key, a channel's alerts by the channel, an account's by itself."""
    out = {a.key: a.channel or a.account for a in alerts if a.level in ("channel", "account")}
    return {**out, **(names or {})}


def _order(alerts: Sequence[Alert]) -> list[Alert]:
    """Newest first, then by kind and key (the first one is the subject's)."""
    return sorted(alerts, key=lambda a: (-a.since.toordinal(), a.kind, a.key))


def _subject(opened: list[Alert], closed: list[Alert], lang: str,
             names: Mapping[str, str]) -> str:
    if opened:
        a = opened[0]
        key = "a_subject_one" if len(opened) == 1 else "a_subject_many"
        return _t(key, lang).format(
            count=len(opened), where=names.get(a.key, a.key),
            metric=_t(f"alert_metric_{a.metric}", lang),
            observed=format_value(a.observed, UNITS.get(a.metric, "count"), lang),
            since=format_day_month(a.since, lang))
    if len(closed) == 1:
        a = closed[0]
        return _t("a_subject_closed_one", lang).format(
            where=names.get(a.key, a.key), metric=_t(f"alert_metric_{a.metric}", lang))
    return _t("a_subject_closed_many", lang).format(count=len(closed))


def back_to_normal(alert: Alert, lang: str, names: Mapping[str, str]) -> str:
    """``Spend spike – Search – Merk: back in its range on 03 Dec 2026 (since 02 Dec 2026).``"""
    what = KIND_TEXTS[alert.kind][0] if alert.kind in KIND_TEXTS else alert.kind
    closed = alert.closed_on or alert.updated_on
    return _t("a_back_to_normal", lang).format(
        what=_t(what, lang) if what in _t else what, where=names.get(alert.key, alert.key),
        closed=format_date(closed, lang), since=format_date(alert.since, lang))


def build_message(opened: Sequence[Alert], closed: Sequence[Alert], lang: str,
                  names: Mapping[str, str] | None = None) -> AlertMessage:
    """The message about ``opened`` and ``closed`` alerts in ``lang`` (at least one of them);
    campaigns named by ``names`` (key -> name)."""
    if not opened and not closed:
        raise ValueError("an alert message needs an opened or a closed alert")
    named = _names([*opened, *closed], names)
    first, ended = _order(opened), _order(closed)
    lines = []
    for a in first:
        line, cause = describe(a.row(), lang, named)
        lines.append(Opened(a.kind, line, cause))
    return AlertMessage(
        lang=lang, html_lang=locale_for(lang).replace("_", "-"),
        subject=_subject(first, ended, lang, named), opened=tuple(lines),
        closed=tuple(back_to_normal(a, lang, named) for a in ended),
        more=_t("a_quality_page", lang), footer=_t("a_footer", lang))


def plain_text(m: AlertMessage) -> str:
    """The mail's text part."""
    lines = [m.subject, ""]
    if m.opened:
        lines += [_t("a_opened", m.lang), ""]
        for o in m.opened:
            lines += [f"- {o.line}", f"  {o.cause}"]
        lines.append("")
    if m.closed:
        lines += [_t("a_closed", m.lang), "", *(f"- {c}" for c in m.closed), ""]
    lines += [m.more, "", "-- ", m.footer]
    return "\n".join(lines) + "\n"


def render_html(m: AlertMessage) -> str:
    """The mail's HTML part (every string escaped by the template)."""
    def text(key: str) -> str:
        return _t(key, m.lang)

    return ENV.get_template(TEMPLATE).render(m=m, t=text)


def compose(m: AlertMessage, to: str, sender: Sender, now: dt.datetime) -> EmailMessage:
    """The alert mail for ``to``, with the report mail's headers."""
    message = envelope(m.subject, to, sender, now)
    message.set_content(plain_text(m))
    message.add_alternative(render_html(m), subtype="html")
    return in_language(message, m.html_lang)


def _chat_lines(m: AlertMessage) -> list[str]:
    lines = [o.line for o in m.opened[:CHAT_LINES]]
    if len(m.opened) > CHAT_LINES:
        lines.append(m.more)
    return lines + list(m.closed)


def slack_payload(m: AlertMessage) -> dict[str, Any]:
    """An incoming webhook's message: ``text`` and the same in ``blocks``."""
    e = _slack_escape
    lines = [f"• {e(line)}" for line in _chat_lines(m)]
    text = "\n".join([f"*{e(m.subject)}*", *lines])
    return {"text": text, "blocks": [
        {"type": "header", "text": {"type": "plain_text", "text": m.subject[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:3000]}}]}


def teams_payload(m: AlertMessage) -> dict[str, Any]:
    """A Workflows webhook's message: one Adaptive Card (version 1.4)."""
    body = [{"type": "TextBlock", "text": m.subject, "wrap": True, "weight": "Bolder",
             "size": "Medium"}]
    body += [{"type": "TextBlock", "text": line, "wrap": True, "spacing": "Small"}
             for line in _chat_lines(m)]
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard", "version": "1.4", "body": body}
    return {"type": "message",
            "attachments": [{"contentType": ADAPTIVE_CARD, "contentUrl": None, "content": card}]}


PAYLOADS = {"slack": slack_payload, "teams": teams_payload}
