"""What a delivered message says, in one language: the week's verdict, the headline KPIs
against target and the previous week, the top actions, and where the full report is.

It is cut from the report's own view model (:func:`dashboards.report_model.build_view`), so a
mail and a chat post say exactly what the report says, formatted the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboards.report_inputs import ReportInputs
from dashboards.report_model import Action, Pill, ReportView, Table, build_view
from dashboards.report_sentences import _t, label

# The KPIs a message shows (those present this week), and any other KPI that has a target.
HEADLINE = ("cost", "conversions", "leads", "cpa", "cpl", "revenue", "roas")
COLUMNS = 4  # KPI, this week, target, previous week (the last-year column stays in the report)


@dataclass(frozen=True)
class Where:
    """Where the full report is: its URL or file path; whether the PDF is attached."""

    location: str
    pdf_name: str | None  # the attached file's name; None: no PDF to attach


@dataclass(frozen=True)
class Digest:
    """One message's content, every string already in the reader's language."""

    lang: str
    html_lang: str
    subject: str
    title: str
    week: str
    meta: tuple[str, ...]  # account, data up to
    status: str  # how complete the week is ("" when final)
    verdict: Pill
    kpis: Table
    actions: tuple[Action, ...]
    where: str  # "The full report: ..." (with the location)
    location: str
    attachment: str  # the PDF is attached, or why not
    footer: str
    actions_key: str = "r_top_actions"  # the actions' heading (the monthly report's its own)


def colon(lang: str) -> str:
    """A label's colon as the language sets it (French: a narrow no-break space before it).

    >>> colon("fr"), colon("nl")
    ('\u202f: ', ': ')
    """
    return "\u202f: " if lang == "fr" else ": "


def _headline(view: ReportView, lang: str) -> Table:
    """The report's KPI table cut to the headline rows and the first four columns."""
    wanted = {label(metric, lang) for metric in HEADLINE}
    rows = tuple(row[:COLUMNS] for row in view.kpis.rows
                 if row[0].text in wanted or row[2].pill is not None)
    return Table(view.kpis.head[:COLUMNS], rows)


def build_digest(data: ReportInputs, lang: str, where: Where) -> Digest:
    """The digest of the report ``data`` in ``lang``; ValueError as the report (a week
    without data)."""
    view = build_view(data, lang)
    attachment = (_t("d_attached", lang).format(file=where.pdf_name) if where.pdf_name
                  else _t("d_no_pdf", lang))
    return Digest(
        lang=lang, html_lang=view.html_lang, subject=view.title, title=_t("r_title", lang),
        week=view.week, meta=view.meta, status=view.status, verdict=view.summary.verdict,
        kpis=_headline(view, lang), actions=view.summary.actions,
        where=_t("d_full_report", lang).format(where=where.location),
        location=where.location, attachment=attachment, footer=_t("d_footer", lang))


def plain_text(digest: Digest) -> str:
    """The digest as plain text (the mail's text part; chats that show no cards)."""
    lines = [digest.subject, digest.week, *digest.meta, ""]
    if digest.status:
        lines += [digest.status, ""]
    lines += [digest.verdict.text, ""]
    head = digest.kpis.head
    for row in digest.kpis.rows:
        parts = [f"{row[1].text}"]
        target, previous = row[2], row[3]
        if target.text not in ("", "–"):
            parts.append(f"{head[2]} {target.text}"
                         + (f" ({target.pill.text})" if target.pill else ""))
        if previous.pill is not None and previous.pill.text != "–":
            parts.append(f"{head[3]} {previous.text} ({previous.pill.text})")
        lines.append(f"- {row[0].text}{colon(digest.lang)}" + " · ".join(parts))
    if digest.actions:
        lines += ["", _t(digest.actions_key, digest.lang)]
        lines += [f"{n}. {a.pill.text}{colon(digest.lang)}{a.text}"
                  for n, a in enumerate(digest.actions, 1)]
    lines += ["", digest.where, digest.attachment, "", "-- ", digest.footer]
    return "\n".join(lines) + "\n"
