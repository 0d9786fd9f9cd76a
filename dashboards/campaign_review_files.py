"""The post-campaign reviews on disk: which flights and campaigns are due one, and writing a
review (out/reports/campaigns/<key>/review.<lang>.html and .pdf) unless its figures are the same
as last time (a stamp beside it: its span, a fingerprint of its figures, whether all are final).

What the nightly asset ``campaign_reviews`` and ``campaign-kpi report --campaign`` call.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from dashboards.campaign_review import ReviewInputs, write_review
from dashboards.pdf import PdfError, print_pdfs
from kpi.alerts.store import ALERTS_TABLE
from kpi.budget import reads
from kpi.budget.catalog import PLAN_TABLE
from kpi.budget.plan import PlanError, load_costs
from kpi.language import LANGUAGES
from kpi.review.campaign_end import (
    Subject,
    find_subject,
    flight_subjects,
    quiet_campaigns,
    recent,
)
from kpi.review.campaign_reads import optional, review_facts, spend_days
from pipelines.config import Config
from pipelines.retention import CAMPAIGNS_FOLDER, REPORTS_FOLDER, REVIEW_STAMP

FOLDER = (REPORTS_FOLDER, CAMPAIGNS_FOLDER)  # retention reads the same folders
STAMP = REVIEW_STAMP  # {"span": [first, last], ...}: retention reads it too


def review_folder(output: Path, subject: Subject) -> Path:
    """``out/reports/campaigns/<campaign key or flight folder>``."""
    return output.joinpath(*FOLDER, subject.key)


def due(con, config: Config, days: pd.DataFrame, data_end: dt.date) -> tuple[Subject, ...]:
    """The flights that have ended as of ``data_end`` (a team names the few it wants), and the
    quiet campaigns that ended in the last :data:`~kpi.review.campaign_end.RECENT_DAYS` days."""
    flights = tuple(s for s in flight_subjects(config.flights, days, data_end) if s.ended)
    return flights + recent(quiet_campaigns(days, data_end, plan=optional(con, PLAN_TABLE),
                                            alerts=optional(con, ALERTS_TABLE)), data_end)


def _booked(config: Config, log) -> tuple:
    try:
        return load_costs(config.budget.costs) if config.budget.costs else ()
    except PlanError as exc:  # degrade: the plan's figures still count
        log(f"costs file left out of the reviews: {exc}")
        return ()


def write_one(con, config: Config, subject: Subject, output: Path, days: pd.DataFrame,
              data_end: dt.date, *, languages: Sequence[str] = LANGUAGES, pdf: bool = True,
              force: bool = False, log=print) -> tuple[list[Path], str]:
    """Write ``subject``'s review unless its stamp says the figures are the same (``force``:
    always); (files written, what happened)."""
    folder = review_folder(output, subject)
    stamp_file = folder / STAMP
    stamp = json.loads(stamp_file.read_text()) if stamp_file.is_file() else {}
    span = [subject.start.isoformat(), subject.end.isoformat()]
    if not force and stamp.get("final") and stamp.get("span") == span:
        return [], "kept"
    facts = review_facts(con, subject, days, _booked(config, log), config.reporting.currency,
                         config.reporting.fx_rates)
    fingerprint = facts.fingerprint()
    if not force and stamp.get("fingerprint") == fingerprint and stamp.get("span") == span:
        return [], "unchanged"
    data = ReviewInputs(subject, facts, config.account_name, config.reporting.currency,
                        data_end)
    now = dt.datetime.now(dt.UTC)
    pages = [(folder / f"review.{lang}.html", folder / f"review.{lang}.pdf")
             for lang in languages]
    for lang, (html, _) in zip(languages, pages, strict=True):
        write_review(html, data, lang=lang, generated_at=now)
    written = [html for html, _ in pages]
    if pdf:
        try:
            written += print_pdfs(pages)
        except PdfError as exc:  # the HTML is written; say plainly why there is no PDF
            log(str(exc))
    stamp_file.write_text(json.dumps({"span": span, "fingerprint": fingerprint,
                                      "final": subject.ended and not facts.provisional_days}))
    return written, "provisional" if facts.provisional_days else "final"


def write_requested(con, config: Config, query: str, output: Path,
                    languages: Sequence[str] = LANGUAGES,
                    pdf: bool = True, log=print) -> tuple[Subject | None, list[Path], list[str]]:
    """``campaign-kpi report --campaign QUERY``: (subject, files written, closest names when
    nothing is called ``query``). Always written, running campaigns "so far"."""
    end = reads.data_end(con)
    if end is None:
        return None, [], []
    days = spend_days(con)
    found = find_subject(query, days, config.flights, end)
    if isinstance(found, list):
        return None, [], found
    written, _ = write_one(con, config, found, output, days, end, languages=languages, pdf=pdf,
                           force=True, log=log)
    return found, written, []
