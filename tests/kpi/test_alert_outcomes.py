"""cpl_high and roas_low on planted series: a lead campaign whose leads collapse while its
clicks and other conversions go on, a shop whose order values halve (a price error), against
clean weeks, low volume, late data and the other detectors that take precedence."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from dashboards.quality_alerts import describe
from kpi.alerts.detect import Series, detect
from pipelines.delivery_config import ALERT_KINDS

KEYS = ("gads:lead", "gads:shop", "gads:small")
LAST = dt.date.today() - dt.timedelta(days=1)


def history(end: dt.date = LAST, seed: int = 1, days: int = 70) -> Series:
    """Three campaigns with demand noise (NB-like): a lead campaign (20 leads and 10 sign-ups
    a day for 400 €), a shop (20 orders of ~60 € for 300 €), a small lead campaign (1 a day)."""
    rng = np.random.default_rng(seed)
    d = np.arange(np.datetime64(end) - days + 1, np.datetime64(end) + 1)
    n = len(d)
    demand = rng.gamma(20, 1 / 20, (n, 3))  # NB dispersion 0.05
    cost = np.array([400.0, 300.0, 30.0]) * np.exp(rng.normal(0, 0.1, (n, 3)))
    leads = rng.poisson(np.array([20.0, 0.0, 1.0]) * demand * cost / [400, 300, 30])
    orders = rng.poisson(np.array([0.0, 20.0, 0.0]) * demand * cost / [400, 300, 30])
    signups = rng.poisson(np.array([10.0, 2.0, 0.5]) * demand)
    # each order's value log-normal (sigma 0.5) around 60 €
    revenue = np.array([[rng.lognormal(np.log(60) - 0.125, 0.5, k).sum() for k in row]
                        for row in orders])
    conv = leads + orders + signups
    clicks = cost / 2
    return Series(d, KEYS, ("acct",) * 3, ("Search",) * 3,
                  {"cost": cost, "clicks": clicks, "conversions": conv.astype(float),
                   "ga4_conversions": np.floor(conv * 0.9), "leads": leads.astype(float),
                   "purchases": orders.astype(float), "revenue": revenue})


def planted(s: Series, **changes: tuple[int, float]) -> Series:
    """``s`` with measure -> (campaign column, factor) applied to its last day."""
    values = {k: v.copy() for k, v in s.values.items()}
    for measure, (col, factor) in changes.items():
        before = values[measure][-1, col]
        values[measure][-1, col] = np.round(before * factor) if measure != "revenue" \
            else before * factor
        if measure in ("leads", "purchases"):
            values["conversions"][-1, col] -= before - values[measure][-1, col]
            values["ga4_conversions"][-1, col] = np.floor(values["conversions"][-1, col] * 0.9)
    return Series(s.days, s.keys, s.accounts, s.channels, values)


def kinds(s: Series) -> set[tuple[str, str, str]]:
    return {(f.kind, f.level, f.key) for f in detect(s)}


@pytest.mark.parametrize("end", [LAST, LAST - dt.timedelta(days=200)])
def test_a_lead_form_broken_raises_cpl_high_not_cpa_high(end: dt.date) -> None:
    s = planted(history(end), leads=(0, 0.1))  # 2 leads of 20, sign-ups and clicks as usual
    found = [f for f in detect(s) if f.key == "gads:lead"]
    assert [(f.kind, f.metric) for f in found] == [("cpl_high", "cost_per_lead")]
    f = found[0]
    assert f.observed > f.upper > f.expected > f.lower  # the range of the cost per lead
    assert 15 < f.expected < 25  # 400 € at ~20 € a lead


def test_clean_weeks_raise_no_cpl_or_roas_alert() -> None:
    for seed in range(1, 6):
        s = history(seed=seed)
        for last in range(len(s.days) - 14, len(s.days) + 1):  # two weeks of mornings
            assert not {k for k, _, _ in kinds(s.upto(last))} & {"cpl_high", "roas_low"}


def test_low_volume_zero_is_not_news() -> None:
    s = planted(history(), leads=(2, 0.0))  # the small campaign: 1 lead a day expected
    assert not any(key == "gads:small" for _, _, key in kinds(s))


def test_a_broken_tag_is_said_once_as_a_broken_tag() -> None:
    s = history()
    values = {k: v.copy() for k, v in s.values.items()}
    for m in ("conversions", "ga4_conversions", "leads", "purchases", "revenue"):
        values[m][-3:, 0] = 0  # three days of nothing at all on the lead campaign
    found = kinds(Series(s.days, s.keys, s.accounts, s.channels, values))
    assert ("broken_tag", "campaign", "gads:lead") in found
    assert not {k for k, _, key in found if key == "gads:lead"} - {"broken_tag"}


def test_a_price_error_raises_roas_low() -> None:
    s = planted(history(), revenue=(1, 0.4))  # orders as usual, each worth 40 % of its price
    found = [f for f in detect(s) if f.key == "gads:shop"]
    assert [(f.kind, f.metric) for f in found] == [("roas_low", "roas")]
    f = found[0]
    assert f.upper > f.expected > f.lower > f.observed
    # expected: the day's orders at their usual ~60 € (~20-35 orders for ~300 €)
    assert 3 < f.expected < 8 and f.observed / f.expected < 0.6


def test_fewer_orders_is_said_as_cpa_high_not_again_as_roas_low() -> None:
    said = []
    for seed in range(1, 7):  # 1 or 2 orders of 20-35: cpa_high where it is improbable enough
        s = planted(history(seed=seed), purchases=(1, 0.05), revenue=(1, 0.05))
        found = {k for k, _, key in kinds(s) if key == "gads:shop"}
        assert len(found) == 1 and found <= {"cpa_high", "roas_low"}, (seed, found)
        said += found
    assert "cpa_high" in said  # the precedence was exercised


def test_a_campaign_s_broken_tag_explains_its_channel_s_roas() -> None:
    s = planted(history(), purchases=(1, 0.0), revenue=(1, 0.0))
    found = kinds(s)
    assert ("broken_tag", "campaign", "gads:shop") in found
    assert not any(k in ("roas_low", "cpl_high") for k, _, _ in found), found


def test_an_immature_day_is_judged_on_what_should_be_in_by_now() -> None:
    s = history()
    curve = {"conversions": (0.5, 0.8, 0.95, 1.0)}
    values = {k: v.copy() for k, v in s.values.items()}
    rng = np.random.default_rng(9)
    for age, share in enumerate(curve["conversions"][:3], start=1):
        for m in ("leads", "purchases", "conversions"):
            values[m][-age] = rng.binomial(values[m][-age].astype(int), share)
        values["revenue"][-age] *= share
    late = Series(s.days, s.keys, s.accounts, s.channels, values, completeness=curve)
    assert not {k for k, _, _ in kinds(late)} & {"cpl_high", "roas_low"}  # half in: normal
    as_final = Series(s.days, s.keys, s.accounts, s.channels, values)
    assert late.share(1, "leads") == 0.5 and as_final.share(1, "leads") == 1.0


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_new_kinds_are_accepted_and_said_in_words(lang: str) -> None:
    assert {"cpl_high", "roas_low"} <= set(ALERT_KINDS)
    row = {"kind": "roas_low", "key": "gads:shop", "metric": "roas",
           "since": LAST, "observed": 1.6, "expected": 4.0, "lower": 3.1, "upper": 5.2}
    line, cause = describe(row, lang, {"gads:shop": "Shopping – Webshop"})
    assert "Shopping – Webshop" in line and "1,6" in line and "4,0" in line
    assert "ROAS" in line and cause and "alert_" not in line + cause
    line, cause = describe({**row, "kind": "cpl_high", "metric": "cost_per_lead",
                            "observed": 200.0, "expected": 20.0}, lang)
    assert "200,00" in line and "€" in line and "alert_" not in line + cause


def test_the_nightly_run_reads_leads_and_revenue_from_the_model() -> None:
    import pandas as pd

    from kpi.alerts.store import nightly, read_series
    from pipelines.warehouse.store import connect

    s = planted(history(), leads=(0, 0.1))
    rows = []
    for i, day in enumerate(s.days.astype(object)):
        for j, key in enumerate(KEYS):
            v = {m: float(s.values[m][i, j]) for m in s.values}
            rows.append({"date": day, "campaign_key": key, "ad_group_key": "-",
                         "cost": v["cost"], "clicks": v["clicks"],
                         "platform_conversions": v["conversions"],
                         "ga4_conversions": v["ga4_conversions"], "leads": v["leads"],
                         "purchases": v["purchases"], "revenue": v["revenue"]})
    con = connect(":memory:")
    con.create_table("campaign_daily", pd.DataFrame(rows))
    con.create_table("dim_campaign", pd.DataFrame({
        "campaign_key": list(KEYS), "platform": "google_ads", "channel": "Paid Search",
        "campaign_name": ["Leads", "Shop", "Klein"]}))
    read = read_series(con, LAST)
    assert read is not None and {"leads", "purchases", "revenue"} <= set(read.values)
    assert np.allclose(read.values["revenue"][-1], s.values["revenue"][-1])
    alerts = nightly(con, LAST + dt.timedelta(days=1))
    # 30 mornings replayed: the planted day alone, as one campaign alert
    assert [(a.kind, a.key, a.since) for a in alerts] == [("cpl_high", "gads:lead", LAST)]


def test_two_low_days_weigh_what_one_cannot() -> None:
    one = two = 0
    for seed in range(1, 7):
        s = history(seed=seed)
        for days, count in ((1, "one"), (2, "two")):
            values = {k: v.copy() for k, v in s.values.items()}
            values["conversions"][-days:, 0] -= values["leads"][-days:, 0] - 5
            values["leads"][-days:, 0] = 5  # 5 leads where ~20 were bought
            found = [f for f in detect(Series(s.days, s.keys, s.accounts, s.channels, values))
                     if f.kind == "cpl_high" and f.key == "gads:lead"]
            if count == "one":
                one += len(found)
            else:
                two += len(found)
                assert not found or found[0].since in (s.days[-2], s.days[-1])
    assert two >= 5 and two > one, (one, two)


def test_a_large_shop_s_ordinary_day_is_not_improbable() -> None:
    from kpi.alerts.outcomes import compound_cdf

    k, value, cv2 = np.array([0.05, 0.05]), np.array([50.0, 50.0]), np.array([0.5, 0.5])
    orders = np.array([20.0, 20_000.0])  # far more orders a day than the sum is taken over
    at_mean = compound_cdf(orders * 50, orders, k, value, cv2)
    assert np.all((at_mean > 0.4) & (at_mean < 0.7)), at_mean
    halved = compound_cdf(orders * 25, orders, k, value, cv2)
    assert halved[1] < 0.01 < halved[0]  # a halving: news for the large shop, not for 20 orders
