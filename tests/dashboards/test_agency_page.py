"""The agency overview page, from hand-made client tables: the last complete week against
target, pacing, risks, each client's own currency, the most urgent first, escaped, nl/fr/en."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboards.agency import ClientNight, Risk, pace_of, render_agency, summarise, week_kpis

W10, W11, W12 = dt.date(2026, 3, 2), dt.date(2026, 3, 9), dt.date(2026, 3, 16)


def values(currency: str = "EUR", cpl: float = 50.0) -> pd.DataFrame:
    """Week × total rows: W10 and W11 complete, W12 not; a CPL target of 40."""
    rows = []
    for start, complete in ((W10, True), (W11, True), (W12, False)):
        for metric, value, target in (("cost", 1000.0, None), ("conversions", 20.0, None),
                                      ("revenue", 3000.0, None), ("cpl", cpl, 40.0),
                                      ("cpa", 30.0, None)):
            on = None if target is None else value <= target
            rows.append({"grain": "week", "level": "total", "period_start": start,
                         "period_end": start + dt.timedelta(days=6), "complete": complete,
                         "channel": None, "metric": metric,
                         "value": value * (2 if start == W12 else 1),
                         "previous_value": None, "change": None, "target": target,
                         "vs_target": None, "on_target": on, "provisional": False,
                         "currency": currency})
    return pd.DataFrame(rows)


def pacing(*lines: tuple[str, str, float, float]) -> pd.DataFrame:
    return pd.DataFrame([{
        "level": level, "name": name, "period_start": dt.date(2026, 3, 1),
        "period_end": dt.date(2026, 3, 31), "as_of": dt.date(2026, 3, 15),
        "spend_to_date": spent, "expected_to_date": expected, "pacing": spent / expected,
        "status": "investigate" if abs(spent / expected - 1) > 0.15 else "on_track",
        "direction": "over" if spent > expected else "under"}
        for level, name, spent, expected in lines])


def test_the_last_complete_week_and_only_the_kpis_with_a_target():
    week, kpis = week_kpis(values())
    assert week == (W11, W11 + dt.timedelta(days=6))  # W12 is not complete
    assert [k.metric for k in kpis] == ["cost", "conversions", "revenue", "cpl"]
    assert kpis[-1].value == 50.0 and kpis[-1].target == 40.0 and kpis[-1].on_target is False


def test_pacing_sums_lines_that_do_not_overlap_and_lists_them_all():
    pace = pace_of(pacing(("channel", "Search", 600.0, 500.0), ("channel", "Display", 300.0,
                                                                  500.0)))
    assert pace.total == pytest.approx(0.9) and len(pace.lines) == 2
    overlapping = pace_of(pacing(("account", "", 900.0, 1000.0), ("channel", "Search", 600.0,
                                                                   500.0)))
    assert overlapping.total is None and len(overlapping.lines) == 2
    assert pace_of(pd.DataFrame({"note": []})) is None  # no plan


def test_money_in_each_clients_currency_the_failed_first_and_names_escaped():
    ok = summarise(ClientNight("a", "Alpha <b>", ok=True, link="../clients/a/out/"),
                   values("CHF"), None, pacing(("account", "", 900.0, 1000.0)), currency="CHF")
    risky = summarise(ClientNight("b", "Beta", ok=True, risks=(
        Risk("budget_on_pace", "WARN", "pacing <to> investigate"),)), values("EUR", 30.0), None,
        pd.DataFrame(), currency="EUR")
    failed = summarise(ClientNight("c", "Gamma", ok=False, reason="pull_ga4: refused"),
                       pd.DataFrame(), None, pd.DataFrame(), currency="EUR")
    page = render_agency([ok, risky, failed], lang="en", agency="Bureau & Co")
    order = [page.index(f'data-client="{c}"') for c in ("c", "b", "a")]
    assert order == sorted(order)  # failed, then with risks, then the rest
    assert "Alpha &lt;b&gt;" in page and "<b>" not in page.split("<main>")[1].split("Alpha")[0]
    assert "pacing &lt;to&gt; investigate" in page and "Bureau &amp; Co" in page
    assert "1.000,00\xa0CHF" in page and "1.000,00\xa0€" in page  # each its own currency
    assert "2.000,00" not in page  # never summed across clients
    assert 'href="../clients/a/out/overview.en.html"' in page
    assert "0 of 1 met" in page and "1 of 1 met" in page
    assert "Failed" in page and "pull_ga4: refused" in page and "No data yet" in page
    assert "90,0%" in page  # the pacing of the plan


@pytest.mark.parametrize(("lang", "said"), [("nl", "Bureau-overzicht"), ("fr", "En échec"),
                                            ("en", "Agency overview")])
def test_every_language(lang, said):
    failed = summarise(ClientNight("c", "Gamma", ok=False, reason="x"), pd.DataFrame(), None,
                       pd.DataFrame(), currency="EUR")
    assert said in render_agency([failed], lang=lang)




# -- issue 18: the agency's own header, the table as CSV, a phone's width ------------------------


def three_clients() -> list:
    ok = summarise(ClientNight("a", "Alpha <b>", ok=True, link="../clients/a/out/"),
                   values("CHF"), None, pacing(("account", "", 900.0, 1000.0)), currency="CHF")
    risky = summarise(ClientNight("b", "Beta", ok=True, link="../clients/b/out/", risks=(
        Risk("budget_on_pace", "WARN", "pacing <to> investigate"),)), values("EUR", 30.0), None,
        pd.DataFrame(), currency="EUR")
    failed = summarise(ClientNight("c", "Gamma", ok=False, reason="pull_ga4: refused"),
                       pd.DataFrame(), None, pd.DataFrame(), currency="EUR")
    return [ok, risky, failed]


def test_its_own_header_names_the_agency_switches_language_and_links_every_client():
    page = render_agency(three_clients(), lang="fr", agency="Bureau & Co")
    head = page[page.index("<main>"):page.index("<table")]
    assert "<h1>Vue d&#39;ensemble de l&#39;agence</h1>" in head and "Bureau &amp; Co" in head
    for lang in ("nl", "fr", "en"):  # the agency page in every language, this one marked
        assert f'<a href="overview.{lang}.html" hreflang="{lang}"' in head
    assert 'hreflang="fr" lang="fr" data-lang-link aria-current="true"' in head
    nav = head[head.index('<nav class="agency-clients"'):]
    assert nav.count("<li>") == 2  # Gamma has no overview yet
    assert '<a href="../clients/a/out/overview.fr.html">Alpha &lt;b&gt;</a>' in nav
    assert '<a href="../clients/b/out/overview.fr.html">Beta</a>' in nav
    assert 'class="site"' not in page  # not one account's site: no account pages to link
    assert "Coût\u202f: 1\u202f000,00\u00a0CHF" in page  # French typography, Babel's fr_BE


def test_the_table_downloads_as_csv_with_each_cell_in_one_line():
    page = render_agency(three_clients(), lang="en", agency="Bureau & Co")
    assert '<table class="agency stack" data-csv="agency-clients">' in page
    alpha = page[page.index('data-client="a"'):]
    alpha = alpha[:alpha.index("</tr>")]
    assert 'data-value="Alpha &lt;b&gt;"' in alpha
    assert ('data-value="90,0% · Watch · underspend · 900,00\xa0CHF of 1.000,00\xa0CHF '
            'expected"') in alpha
    assert 'data-value="0 of 1 met · Cost per lead (CPL) 50,00\xa0CHF (target 40,00\xa0CHF)"' \
        in alpha
    beta = page[page.index('data-client="b"'):]
    assert 'data-value="Warning budget_on_pace: pacing &lt;to&gt; investigate"' in beta
    assert "<style" not in page and " style=" not in page  # the CSS is in the stylesheet


@pytest.mark.browser
def test_a_phone_reads_one_card_per_client(open_page, tmp_path):
    from dashboards.agency import write_agency

    path = write_agency(tmp_path / "overview.nl.html", three_clients(), lang="nl",
                        agency="Bureau & Co")
    probe = """() => ({
      page: document.documentElement.scrollWidth,
      wide: Array.from(document.querySelectorAll('main *')).filter(e =>
        e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName),
      cells: getComputedStyle(document.querySelector('tr.client td')).display,
      label: getComputedStyle(document.querySelector('tr.client td'), '::before').content})"""
    report = open_page(path, name="agency-390-nl", width=390, probe=probe)
    assert report.problems == []
    assert report.probe["page"] <= 390 and report.probe["wide"] == []
    assert report.probe["cells"] == "block" and report.probe["label"] == '"Klant"'
    assert "Alpha <b>" in report.body_text and "Bureau & Co" in report.body_text
