"""The review page from facts: goals, what worked, escaping, the three languages."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboards.campaign_review import ReviewInputs, render_review
from kpi.review.campaign_end import Subject
from kpi.review.campaign_facts import AdGroupLine, Costs, Facts

SUBJECT = Subject("gads:7", "Zomer <b>actie</b>", "campaign", ("gads:7",),
                  dt.date(2026, 5, 1), dt.date(2026, 6, 15), True)


def _facts(goals: pd.DataFrame, provisional: int = 0) -> Facts:
    groups = (AdGroupLine("<script>alert(1)</script>", 600.0, 30.0, 20.0, True),
              AdGroupLine("Warmtepomp", 900.0, 15.0, 60.0, True),
              AdGroupLine("Klein", 50.0, 2.0, 25.0, False))
    totals = {"cost": 1550.0, "leads": 47.0, "cpl": 1550.0 / 47, "cpl:den": 47.0,
              "cpa:den": 1.0}
    return Facts(totals, "cpl", 40.0, provisional, 46, groups,
                 Costs(1550.0, 400.0, 150.0, 50.0), pd.DataFrame(), goals)


def _page(facts: Facts, lang: str = "en") -> str:
    return render_review(ReviewInputs(SUBJECT, facts, "Zonnig Huis", "EUR",
                                      dt.date(2026, 6, 30)), lang,
                         dt.datetime(2026, 7, 1, 6, tzinfo=dt.UTC))


def test_goals_what_worked_and_costs_in_full_read_as_sentences() -> None:
    goal = pd.DataFrame({"name": ["Leads zomer"], "measure": ["leads"], "actual": [47.0],
                         "target": [60.0], "status": ["missed"], "series_key": ["x|gads:7|"]})
    page = _page(_facts(goal))
    assert "Leads zomer: 47 of 60 (missed)" in page
    assert "Best ad group: &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page and "Zomer &lt;b&gt;actie&lt;/b&gt;" in page
    assert "Avoid: Warmtepomp missed the target of 40,00\xa0€" in page
    assert "Repeat: &lt;script&gt;" in page
    assert "1 had fewer" in page and "Final:" in page
    # 2,150 in full and 1,550 of media over 47 leads (en_BE formats like the Belgian locales)
    assert "Per conversion: 45,74\xa0€ in full, 32,98\xa0€ on media alone." in page


def test_no_goal_says_so_and_every_language_is_written() -> None:
    no_goal = _facts(pd.DataFrame(), provisional=5)
    assert "No goal was set for this campaign" in _page(no_goal)
    assert "Provisional: conversions of 5 of its 46 days" in _page(no_goal)
    assert "Voorlopig: voor 5 van de 46 dagen" in _page(no_goal, "nl")
    assert "Bilan de campagne\u202f:" in _page(no_goal, "fr")
