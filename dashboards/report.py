"""The weekly KPI report for project managers: one ISO week on one page, in nl, fr or en.

One self-contained HTML file built for mail clients (nested tables, inline styles, no script,
no image, no external request) that also prints to a tidy A4 PDF (see dashboards/pdf.py).
Sections: what a PM reads in one minute; highlights and lowlights in sentences; KPIs against
target, the previous week and the same week last year; channels; recommendations;
experiments; budget pacing; the week's newsletters (when an e-mail tool is connected,
:mod:`dashboards.report_email`); data-quality badges; definitions.

:mod:`dashboards.report_model` shapes the warehouse frames into a view model of formatted
strings (Babel: nl_BE, fr_BE, en_BE), :mod:`dashboards.report_sentences` writes its sentences,
and the template ``report/weekly.html`` (the shared, autoescaping environment
:data:`dashboards.page.ENV`, the report's own base) lays it out: every user string (account,
campaign, channel, experiment names) is escaped by the template.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from dashboards.page import ENV, write_page
from dashboards.report_email import email_block
from dashboards.report_inputs import Definitions, ReportInputs
from dashboards.report_model import ReportView, build_view
from dashboards.report_sentences import (
    _t,
    euro_weight,
    finding_sentence,
    quality_badges,
    too_early_sentence,
    verdict,
)
from dashboards.review_sections import campaign_names, review_block

__all__ = ["Definitions", "ReportInputs", "ReportView", "euro_weight", "finding_sentence",
           "quality_badges", "render_report", "too_early_sentence", "verdict", "write_report"]
TEMPLATE = "report/weekly.html"
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
       "form-action 'none'")


def render_report(data: ReportInputs, *, lang: str = "en",
                  generated_at: dt.datetime | None = None) -> str:
    """The report as one HTML document (see the module docstring). ValueError when the week
    is not a complete week with data, naming the weeks there are."""
    view = build_view(data, lang, generated_at)

    def text(key: str) -> str:
        return _t(key, lang)

    return ENV.get_template(TEMPLATE).render(v=view, t=text, csp=CSP, title=view.title,
                                             html_lang=view.html_lang,
                                             email=email_block(data.email, data.week, lang),
                                             review=review_block(data.goals, data.risks, lang,
                                                                 data.data_end,
                                                                 campaign_names(data.values)))


def write_report(path: str | Path, data: ReportInputs, **kw: Any) -> Path:
    """Render (keywords as :func:`render_report`) and swap the file in atomically."""
    return write_page(path, render_report(data, **kw))
