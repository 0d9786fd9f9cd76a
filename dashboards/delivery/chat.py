"""The weekly report's short summary for a team chat: the verdict, the headline KPIs, the top
three actions and where the report is, as the JSON a Slack incoming webhook (``text`` and
``blocks``) or a Microsoft Teams Workflows webhook (a message with an Adaptive Card) takes.

>>> from dashboards.report_model import Action, Cell, Pill, Table
>>> digest = Digest(lang="en", html_lang="en-BE", subject="Weekly KPI report · 2026-W47",
...     title="Weekly KPI report", week="Week 47", meta=(), status="",
...     verdict=Pill("On target", "good"),
...     kpis=Table(("KPI", "This week", "Target", "Previous week"),
...                ((Cell("CPA"), Cell("€ 41"), Cell("€ 45", pill=Pill("-9 %", "good")),
...                  Cell("€ 43")),)),
...     actions=(Action(Pill("Pause", "bad"), "Pause <Brand> & save € 300."),),
...     where="The full report: https://x.be/r", location="https://x.be/r", attachment="",
...     footer="")
>>> print(slack_payload(digest)["text"])
*Weekly KPI report · 2026-W47*
On target
• CPA: € 41 (Target € 45, -9 %)
1. Pause: Pause &lt;Brand&gt; &amp; save € 300.
<https://x.be/r|Open the report>
>>> card = teams_payload(digest)["attachments"][0]["content"]
>>> card["type"], card["actions"][0]["url"]
('AdaptiveCard', 'https://x.be/r')
"""

from __future__ import annotations

from typing import Any

from dashboards.delivery.digest import Digest, colon
from dashboards.report_sentences import _t

TOP = 3  # actions in a chat summary
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"


def _slack_escape(text: str) -> str:
    """Slack's mrkdwn reads ``&``, ``<`` and ``>`` as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _is_url(location: str) -> bool:
    return location.startswith(("https://", "http://"))


def kpi_lines(digest: Digest) -> list[str]:
    """``CPA: € 41 (Target € 45, -9 %)`` for each headline KPI."""
    target_head = digest.kpis.head[2] if len(digest.kpis.head) > 2 else ""
    lines = []
    for row in digest.kpis.rows:
        line = f"{row[0].text}{colon(digest.lang)}{row[1].text}"
        target = row[2] if len(row) > 2 else None
        if target is not None and target.pill is not None:
            line += f" ({target_head} {target.text}, {target.pill.text})"
        lines.append(line)
    return lines


def action_lines(digest: Digest) -> list[str]:
    return [f"{n}. {a.pill.text}{colon(digest.lang)}{a.text}"
            for n, a in enumerate(digest.actions[:TOP], 1)]


def slack_payload(digest: Digest) -> dict[str, Any]:
    """An incoming webhook's message: ``text`` (notifications, and clients without blocks)
    and the same in ``blocks``."""
    e = _slack_escape
    open_text = _t("d_open_report", digest.lang)
    where = (f"<{digest.location}|{e(open_text)}>" if _is_url(digest.location)
             else e(digest.where))
    kpis = [f"• {e(line)}" for line in kpi_lines(digest)]
    actions = [e(line) for line in action_lines(digest)]
    text = "\n".join([f"*{e(digest.subject)}*", e(digest.verdict.text), *kpis, *actions, where])
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": digest.subject[:150]}},
        {"type": "section", "text": {"type": "mrkdwn",
                                     "text": f"*{e(digest.week)}*\n{e(digest.verdict.text)}"}},
    ]
    if kpis:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(kpis)}})
    if actions:
        heading = e(_t(digest.actions_key, digest.lang))
        blocks.append({"type": "section", "text": {
            "type": "mrkdwn", "text": f"*{heading}*\n" + "\n".join(actions)}})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": where}]})
    return {"text": text, "blocks": blocks}


def _block(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def teams_payload(digest: Digest) -> dict[str, Any]:
    """A Workflows webhook's message: one Adaptive Card (version 1.4)."""
    body = [_block(digest.subject, weight="Bolder", size="Medium"),
            _block(digest.week, isSubtle=True, spacing="None"),
            _block(digest.verdict.text)]
    facts = [{"title": row[0].text, "value": line.split(colon(digest.lang), 1)[1]}
             for row, line in zip(digest.kpis.rows, kpi_lines(digest), strict=True)]
    if facts:
        body.append({"type": "FactSet", "facts": facts})
    if digest.actions:
        body.append(_block(_t(digest.actions_key, digest.lang), weight="Bolder"))
        body += [_block(line, spacing="Small") for line in action_lines(digest)]
    card: dict[str, Any] = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                            "type": "AdaptiveCard", "version": "1.4", "body": body}
    if _is_url(digest.location):
        card["actions"] = [{"type": "Action.OpenUrl", "url": digest.location,
                            "title": _t("d_open_report", digest.lang)}]
    else:
        body.append(_block(digest.where, isSubtle=True))
    return {"type": "message",
            "attachments": [{"contentType": ADAPTIVE_CARD, "contentUrl": None, "content": card}]}


PAYLOADS = {"slack": slack_payload, "teams": teams_payload}
