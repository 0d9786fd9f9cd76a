"""The weekly report's "E-mail" block: the newsletters sent in the report's week, with the
trusted engagement KPIs (click rate, click-to-open rate), unsubscribes and GA4's sessions; open
rates are left out with a note (Apple Mail Privacy Protection inflates them).

>>> import pandas as pd
>>> from kpi.weekly import IsoWeek
>>> block = email_block(None, IsoWeek.parse("2026-W10"), "en")
>>> block is None  # no e-mail tool: no block
True
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboards.report_model import Cell, Table
from kpi.language.format import as_day, format_date, format_value
from kpi.language.translate import translator
from kpi.weekly import IsoWeek

_t = translator("email", "common")


@dataclass(frozen=True)
class EmailBlock:
    """The block's title, the week's sends (None: none sent) and the notes under them."""

    title: str
    table: Table | None
    notes: tuple[str, ...]


def email_block(table: pd.DataFrame | None, week: IsoWeek, lang: str) -> EmailBlock | None:
    """The block for ``week`` from :func:`kpi.email.kpis.per_send`'s table (None: no e-mail
    tool connected, no block)."""
    if table is None:
        return None
    days = pd.to_datetime(table["send_date"]).dt.date if len(table) else pd.Series(dtype=object)
    sent = table[(days >= week.start) & (days <= week.end)] if len(table) else table
    notes = (_t("em_report_note", lang),)
    if sent.empty:
        return EmailBlock(_t("em_report_title", lang), None, (_t("em_report_none", lang),))
    rows = []
    for r in sent.sort_values("send_time").itertuples():
        day = as_day(r.send_date)
        code = str(r.language) if isinstance(r.language, str) else ""
        language = _t(f"em_lang_{code}", lang) if code in ("nl", "fr", "en") else code
        rows.append((
            Cell(str(r.title or ""), bold=True,
                 notes=(" · ".join(x for x in (language, format_date(day, lang) if day else "")
                                   if x),)),
            Cell(format_value(r.deliveries, "count", lang)),
            Cell(format_value(r.click_rate, "percent", lang)),
            Cell(format_value(r.click_to_open_rate, "percent", lang)),
            Cell(format_value(r.unsubscribe_rate, "percent", lang)),
            Cell(format_value(r.ga4_sessions, "count", lang)),
        ))
    head = tuple(_t(k, lang) for k in ("em_col_send", "em_col_delivered", "em_click_rate",
                                       "em_click_to_open_rate", "em_unsubscribe_rate",
                                       "em_ga4_sessions"))
    return EmailBlock(_t("em_report_title", lang), Table(head, tuple(rows)), notes)
