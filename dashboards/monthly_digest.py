"""What a delivered monthly report says in one message (mail, team chats): the month's
verdict, the headline KPIs against target and the previous month, the decisions to take, and
where the full report is; the same :class:`~dashboards.delivery.digest.Digest` the weekly
report's messages use, so mail and chats lay it out alike.
"""

from __future__ import annotations

from dashboards.delivery.digest import Digest, Where, _headline
from dashboards.monthly_inputs import MonthlyInputs
from dashboards.monthly_model import build_view
from dashboards.report_sentences import _t


def build_monthly_digest(data: MonthlyInputs, lang: str, where: Where) -> Digest:
    """The digest of the monthly report ``data`` in ``lang``; ValueError as the report (a
    month without complete data).

    >>> import pandas as pd
    >>> from pipelines.months import CalendarMonth
    >>> build_monthly_digest(MonthlyInputs(CalendarMonth(2026, 11), pd.DataFrame()), "en",
    ...                      Where("report.html", None))
    Traceback (most recent call last):
    ValueError: no complete data for 2026-11: complete months are none yet
    """
    view = build_view(data, lang)
    attachment = (_t("d_attached", lang).format(file=where.pdf_name) if where.pdf_name
                  else _t("d_no_pdf", lang))
    return Digest(
        lang=lang, html_lang=view.html_lang, subject=view.title, title=_t("mr_title", lang),
        week=view.month, meta=view.meta, status=view.status, verdict=view.summary.verdict,
        kpis=_headline(view, lang),  # type: ignore[arg-type]  # the same KPI table's columns
        actions=view.summary.actions,
        where=_t("d_full_report", lang).format(where=where.location),
        location=where.location, attachment=attachment, footer=_t("d_footer", lang),
        actions_key="mr_top_actions")
