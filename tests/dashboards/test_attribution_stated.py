"""The attribution choice (``conversions.attribution``, Meta's windows) stated in one sentence
in every page's header and in the weekly report, in nl, fr and en."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import pytest
from markupsafe import escape

from dashboards.attribution import Attribution, attribution_line, windows_words
from dashboards.budget import render_budget
from dashboards.clv import render_clv
from dashboards.drilldown import render_drilldown
from dashboards.experiments import render_experiments
from dashboards.overview import render_overview
from dashboards.quality import render_quality
from dashboards.report import Definitions, ReportInputs, render_report
from dashboards.site import Header
from dashboards.trends import render_trends
from kpi.language import LANGUAGES
from kpi.language.translate import translator
from kpi.weekly import IsoWeek
from tests.dashboards.meta_values import meta_values

META = Attribution("ads", ("7d_click", "1d_view"))
NNBSP = "\u202f"
ADS_META = {
    "en": "Attribution: each ad platform counts its own conversions — Google Ads through its "
          "conversion actions, Meta up to 7 days after a click or 1 day after a view; the other "
          "channels count GA4 key events.",
    "nl": "Attributie: elk advertentieplatform telt zijn eigen conversies — Google Ads via zijn "
          "conversieacties, Meta tot 7 dagen na een klik of 1 dag na een weergave; de andere "
          "kanalen tellen GA4-kerngebeurtenissen.",
    "fr": f"Attribution{NNBSP}: chaque plateforme publicitaire compte ses propres conversions — "
          "Google Ads selon ses actions de conversion, Meta jusqu'à 7 jours après un clic ou "
          f"1 jour après un affichage{NNBSP}; les autres canaux comptent les événements clés "
          "GA4.",
}
GA4 = {"en": "Attribution: GA4 counts every conversion (last click), for every channel.",
       "nl": "Attributie: GA4 telt elke conversie (laatste klik), voor alle kanalen.",
       "fr": f"Attribution{NNBSP}: GA4 compte chaque conversion (dernier clic), pour tous les "
             "canaux."}
AS_OF = dt.date(2026, 11, 25)
EMPTY = pd.DataFrame()
_t = translator("report")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_sentence_in_every_language(lang: str) -> None:
    assert attribution_line(META, lang) == ADS_META[lang]
    assert attribution_line(Attribution("ga4", ("7d_click", "1d_view")), lang) == GA4[lang]
    without_meta = attribution_line(Attribution("ads"), lang)
    assert "Meta" not in without_meta and "Google Ads" in without_meta  # Meta not connected
    assert attribution_line(None, lang) == ""


def test_windows_in_words_click_first() -> None:
    assert windows_words(("1d_view", "28d_click"), "en") == (
        "28 days after a click or 1 day after a view")
    assert windows_words(("1d_click",), "nl") == "1 dag na een klik"
    assert windows_words(("7d_click", "1d_ev"), "en") == (
        "7 days after a click or 1 day after an engaged video view")
    with pytest.raises(ValueError, match="unknown"):
        Attribution("ads", ("2d_click",))
    with pytest.raises(ValueError, match="ads or ga4"):
        Attribution("both")  # type: ignore[arg-type]


PAGES: dict[str, Callable[[str, Header], str]] = {
    "overview": lambda lang, h: render_overview(meta_values(), lang=lang, header=h),
    "trends": lambda lang, h: render_trends(meta_values(), lang=lang, header=h),
    "drilldown": lambda lang, h: render_drilldown(meta_values(), lang=lang, header=h),
    "budget": lambda lang, h: render_budget(EMPTY, EMPTY, EMPTY, lang=lang, as_of=AS_OF,
                                            header=h),
    "clv": lambda lang, h: render_clv(EMPTY, EMPTY, EMPTY, EMPTY, lang=lang, as_of=AS_OF,
                                      header=h),
    "experiments": lambda lang, h: render_experiments(EMPTY, EMPTY, [], lang=lang,
                                                      as_of=AS_OF, header=h),
    "quality": lambda lang, h: render_quality(EMPTY, [], [], lang=lang, as_of=AS_OF,
                                              provisional_since={}, header=h),
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_states_it_in_the_header(page: str, lang: str) -> None:
    html = PAGES[page](lang, Header(page, account="Zonnig Huis", attribution=META))
    header = html[html.index('<header class="site">'):html.index("</header>")]
    assert f'<span class="site-attribution">{escape(ADS_META[lang])}</span>' in header
    plain = PAGES[page](lang, Header(page, account="Zonnig Huis"))
    assert "site-attribution" not in plain  # not stated when the caller has no choice


def _report(definitions: Definitions, lang: str) -> str:
    return render_report(ReportInputs(week=IsoWeek.parse("2026-W47"), values=meta_values(),
                                      definitions=definitions), lang=lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_report_states_it_under_the_week_and_in_the_definitions(lang: str) -> None:
    meta = Definitions(("Lead",), ("generate_lead",), ("Aankoop",), ("purchase",), "ads",
                       meta_windows=("7d_click", "1d_view"), meta_lead_actions=("lead",),
                       meta_purchase_actions=("omni_purchase",))
    page = _report(meta, lang)
    said = ADS_META[lang].split(":", 1)[1].strip()
    top, defined = (page.index(str(escape(text)))
                    for text in (ADS_META[lang], said[:1].upper() + said[1:]))
    assert top < page.index(str(escape(_t("r_kpis", lang)))) < defined  # top, definitions
    assert "“omni_purchase”" in page or "«\u202fomni_purchase\u202f»" in page
    ga4 = _report(Definitions(attribution="ga4"), lang)
    assert str(escape(GA4[lang])) in ga4
    assert "omni_purchase" not in ga4 and "Meta" not in ga4  # Meta not connected
