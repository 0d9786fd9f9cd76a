"""The e-mail page: the demo's sends with GA4's e-mail traffic, in three languages; the MPP
caveat, KPIs from sums, escaped titles, the empty states, and a real Chromium opening it
without errors."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from dashboards.email import render_email, write_email
from dashboards.site import Header
from kpi.email.kpis import per_send, rollup
from pipelines.sources.demo import DemoSettings
from pipelines.sources.email.demo import DemoEmailSource
from tests.browser import PageReport

END = dt.date(2026, 3, 4)  # the NL March send the day before: provisional
HOSTILE = '<script>alert("x")</script> & Co'


@pytest.fixture(scope="module")
def sends() -> pd.DataFrame:
    frame = DemoEmailSource(DemoSettings(dt.date(2025, 10, 1), END)).pull()
    frame.loc[0, "title"] = HOSTILE
    return frame


@pytest.fixture(scope="module")
def ga4(sends: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"utm_campaign": sends["utm_campaign"],
                         "sessions": sends["unique_clicks"] * 1.4,
                         "conversions": 3.0, "revenue": 250.0})


def test_kpis_come_from_sums(sends: pd.DataFrame, ga4: pd.DataFrame) -> None:
    table = per_send(sends, ga4)
    by_language = rollup(table, "language").set_index("language")
    nl = table[table["language"] == "nl"]
    assert by_language.loc["nl", "click_rate"] == pytest.approx(
        nl["unique_clicks"].sum() / nl["deliveries"].sum())
    assert by_language.loc["fr", "ga4_sessions_per_send"] == pytest.approx(
        table.loc[table["language"] == "fr", "ga4_sessions"].mean())
    assert (table["open_rate_excl_machine"] < table["open_rate"]).all()


@pytest.mark.parametrize(("lang", "caveat", "trusted"), [
    ("nl", "Apple Mail Privacy Protection opent elk bericht", "betrouwbaar"),
    ("fr", "Apple Mail Privacy Protection ouvre chaque message", "fiable"),
    ("en", "Apple Mail Privacy Protection opens every message", "reliable")])
def test_the_page_says_opens_are_inflated(sends, ga4, lang, caveat, trusted) -> None:
    page = render_email(sends, ga4, lang=lang, account="Zonnig Huis", as_of=END,
                        header=Header("email", account="Zonnig Huis"))
    assert caveat in page and trusted in page
    assert page.count('data-csv="email-sends"') == 1
    assert page.count("<tr>") >= len(sends) + 3
    assert "<script>alert(" not in page and "&lt;script&gt;alert(&#34;x&#34;)" in page
    assert 'href="email.' in page  # the site navigation names the page


def test_recent_sends_are_provisional_and_missing_machine_opens_say_so(sends, ga4) -> None:
    page = render_email(sends, ga4, lang="en", as_of=END)
    assert page.count("still growing") == 1  # the NL send of 3 March, read on the 5th
    without = sends.assign(unique_opens_excl_machine=pd.NA)
    page = render_email(without, ga4, lang="en", as_of=END)
    assert "does not report machine opens" in page
    assert "Machine opens not reported" in page


def test_empty_states(sends, ga4) -> None:
    empty = sends.iloc[:0]
    assert "No sends yet" in render_email(empty, ga4.iloc[:0], lang="en", as_of=END)
    page = render_email(empty, ga4.iloc[:0], lang="fr", as_of=END, connected=False)
    assert "Aucun outil d'e-mailing connecté" in html.unescape(page)


@pytest.mark.browser
@pytest.mark.parametrize(("lang", "width"), [("nl", 1280), ("fr", 390)])
def test_the_page_opens_in_chromium_without_errors(sends, ga4, lang, width, tmp_path: Path,
                                                   open_page: Callable[..., PageReport]):
    path = write_email(tmp_path / f"email.{lang}.html", sends, ga4, lang=lang,
                       account="Zonnig Huis", as_of=END, header=Header("email"))
    report = open_page(path, name=f"email-{lang}-{width}", width=width)
    assert report.problems == []
    assert report.plots == {"email-monthly": 4, "email-clicks": 2}
    assert "alert" not in "".join(report.dialogs)
