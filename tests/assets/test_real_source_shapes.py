"""The nightly job with the real clients on real-source shapes the demo account does not have
(issue 15): an Ads account without conversions, a GA4 property without purchase events, an
Ads account in USD, a day without key events, a day without any rows. Each run writes every
page and the weekly report, and its tables hold what the fakes served."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from assets.report import report_paths
from assets.runner import (
    check_descriptions,
    failed_checks,
    failure_reason,
    run_nightly,
    run_weekly_report,
)
from assets.settings import EXAMPLE_CONFIG, Paths
from kpi.weekly import IsoWeek
from pipelines.config import Config
from pipelines.sources.base import Window
from pipelines.sources.streams import STREAMS
from pipelines.warehouse.store import connect
from tests.assets.test_real_sources import (
    END,
    START,
    assert_click_view_within_its_90_days,
    real_config,
)
from tests.fakes.fixtures import DEMO
from tests.fakes.shapes import Shape
from tests.pipelines.test_connector_shapes import served
from tests.pipelines.test_connectors import rows

PAGES = ("overview", "drilldown", "experiments", "budget", "clv", "trends", "quality")
LANGUAGES = ("nl", "fr", "en")
WEEK = IsoWeek.parse("2026-W11")  # 9-15 March: within START..END, and holds EMPTY_DAY
EMPTY_DAY = dt.date(2026, 3, 10)
USD_IN_EUR = 0.86
DEMO_SHAPE = Shape()  # the demo account as it is


def run(tmp_path, ga4_server, ads_server, *, ads: Shape = DEMO_SHAPE, ga4: Shape = DEMO_SHAPE,
        fx_rates: dict[str, float] | None = None):
    """The nightly job over START..END and the weekly report of WEEK with the fakes in these
    shapes; every stream, page and report checked. The warehouse, for more checks."""
    ads_server.set_shape(ads, DEMO.customer_id)
    ga4_server.set_shape(ga4, DEMO.property_id)
    base = real_config(ga4_server, ads_server).model_dump()
    base["reporting"]["fx_rates"] = fx_rates or {}
    config = Config.model_validate(base)
    paths = Paths(tmp_path / "data", EXAMPLE_CONFIG)
    since = dt.datetime.now(dt.UTC)
    result = run_nightly(paths, config, START, END)
    assert failed_checks(result, "ERROR") == [], check_descriptions(result)
    assert result.success, failure_reason(result)
    con = connect(paths.warehouse)
    assert_click_view_within_its_90_days(con, since)
    for name, stream in STREAMS.items():
        if stream.source == "meta_ads" or name == "ads_click_view":  # Meta: not configured
            continue
        shape = ads if stream.source == "google_ads" else ga4
        stored = rows(con.execute(con.table(stream.table)), name)
        pd.testing.assert_frame_equal(stored, served(name, shape, Window(START, END)), obj=name)
    for page in PAGES:
        for lang in LANGUAGES:
            assert (paths.output / f"{page}.{lang}.html").stat().st_size > 5_000, (page, lang)
        assert (paths.output / f"{page}.html").exists(), page
    report = run_weekly_report(paths, config, WEEK, pdf=False)
    assert report.success, failure_reason(report)
    for lang in LANGUAGES:
        assert report_paths(paths.output, WEEK, lang)[0].stat().st_size > 5_000, lang
    values = con.execute(con.table("kpi_values"))["value"].dropna()
    assert len(values) > 1000 and np.isfinite(values).all()
    return con


def model(con) -> pd.DataFrame:
    facts = con.execute(con.table("campaign_daily"))
    return facts.assign(ads=facts["campaign_key"].str.startswith("gads:"))


def test_an_ads_account_without_conversions_and_a_ga4_property_without_purchases(
        tmp_path, ga4_server, ads_server):
    # An account that sells nothing measurable: no Ads conversion at all, no GA4 purchase.
    con = run(tmp_path, ga4_server, ads_server, ads=Shape(no_conversions=True),
              ga4=Shape(without_events=("purchase",)))
    facts = model(con)
    paid, other = facts[facts["ads"]], facts[~facts["ads"]]
    assert paid["cost"].sum() > 0 and paid[["leads", "purchases", "revenue"]].sum().sum() == 0
    assert other["leads"].sum() > 0  # GA4 still counts other traffic's leads
    assert other[["purchases", "revenue"]].sum().sum() == 0
    values = con.execute(con.table("kpi_values"))
    paid_values = values[(values["level"] == "campaign")
                         & values["campaign_key"].str.startswith("gads:")]
    for metric in ("cpa", "cpl", "roas"):
        chosen = paid_values[paid_values["metric"] == metric]
        # no purchases or leads: no CPA or CPL, not infinity; ROAS 0 (revenue 0 for a cost)
        assert len(chosen) > 0, metric
        if metric == "roas":
            assert (chosen["value"].dropna() == 0).all()
        else:
            assert chosen["value"].isna().all(), metric


def test_an_ads_account_in_usd_and_a_day_without_key_events(tmp_path, ga4_server, ads_server):
    shape = Shape(empty_days=(EMPTY_DAY,), empty_streams=("ga4_key_events_daily",))
    con = run(tmp_path, ga4_server, ads_server, ads=Shape(currency_code="USD"), ga4=shape,
              fx_rates={"USD": USD_IN_EUR})
    raw = con.execute(con.table("raw_ads_campaign_daily"))
    facts = model(con)
    assert set(raw["currency_code"]) == {"USD"} and set(facts["currency"]) == {"EUR"}
    assert facts.loc[facts["ads"], "cost"].sum() == pytest.approx(
        raw["cost_micros"].sum() / 1e6 * USD_IN_EUR)
    day = facts[pd.to_datetime(facts["date"]).dt.date == EMPTY_DAY]
    assert day["sessions"].sum() > 0 and day.loc[~day["ads"], "leads"].sum() == 0
    assert facts["date"].nunique() == (END - START).days + 1
    log = con.execute(con.table("raw_extracts"))
    seen = log[(log["stream"] == "ga4_key_events_daily")
               & (pd.to_datetime(log["date"]).dt.date == EMPTY_DAY)]
    assert list(seen["rows"]) == [0]  # pulled, and found empty


def test_a_day_without_any_rows(tmp_path, ga4_server, ads_server):
    empty = Shape(empty_days=(EMPTY_DAY,))
    con = run(tmp_path, ga4_server, ads_server, ads=empty, ga4=empty)
    log = con.execute(con.table("raw_extracts"))
    assert (log.loc[pd.to_datetime(log["date"]).dt.date == EMPTY_DAY, "rows"] == 0).all()
