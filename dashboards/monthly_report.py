"""The monthly steering report: one calendar month on one page, in nl, fr or en, for mail and
A4 PDF like the weekly report (:mod:`dashboards.report`, whose base template, macros, sentences
and security policy it shares).

:mod:`dashboards.monthly_model` shapes the warehouse frames into a view model; the template
``report/monthly.html`` lays it out (autoescaped). Goals and risks (``goal_progress``,
``risk_register``) are the weekly report's section (``report/_review.html``), as the month
ended (:func:`goals_night`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from dashboards.monthly_inputs import MonthlyInputs
from dashboards.monthly_model import MonthlyView, build_view
from dashboards.page import ENV, write_page
from dashboards.report import CSP
from dashboards.report_sentences import _t
from dashboards.review_sections import campaign_names, review_block
from kpi.language.format import as_day

__all__ = ["MonthlyInputs", "MonthlyView", "render_monthly", "write_monthly"]
TEMPLATE = "report/monthly.html"


def goals_night(data: MonthlyInputs) -> dt.date | None:
    """The night whose goals the report shows: the month's last one kept (its goals as the
    month ended), else the newest (a history built in one run keeps only its last night).

    >>> import pandas as pd
    >>> from pipelines.months import CalendarMonth
    >>> nov = CalendarMonth.parse("2026-11")
    >>> kept = pd.DataFrame({"as_of": [dt.date(2026, 11, 30), dt.date(2026, 12, 1)]})
    >>> goals_night(MonthlyInputs(nov, pd.DataFrame(), goals=kept))
    datetime.date(2026, 11, 30)
    >>> goals_night(MonthlyInputs(nov, pd.DataFrame(), goals=kept.tail(1))) is None
    True
    """
    nights = data.goals["as_of"].map(as_day) if not data.goals.empty else pd.Series()
    return data.month.end if (nights <= data.month.end).any() else None


def render_monthly(data: MonthlyInputs, *, lang: str = "en",
                   generated_at: dt.datetime | None = None) -> str:
    """The monthly report as one HTML document. ValueError when the month is not a complete
    month with data, naming the months there are."""
    view = build_view(data, lang, generated_at)

    def text(key: str) -> str:
        return _t(key, lang)

    return ENV.get_template(TEMPLATE).render(v=view, t=text, csp=CSP, title=view.title,
                                             html_lang=view.html_lang,
                                             review=review_block(data.goals, data.risks, lang,
                                                                 goals_night(data),
                                                                 campaign_names(data.values)))


def write_monthly(path: str | Path, data: MonthlyInputs, **kw: Any) -> Path:
    """Render (keywords as :func:`render_monthly`) and swap the file in atomically."""
    return write_page(path, render_monthly(data, **kw))
