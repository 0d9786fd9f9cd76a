"""The nightly job with ``sources.meta_ads.kind: meta_ads``: the real Meta connector (the
facebook-business SDK, token from META_ACCESS_TOKEN) against the fake Graph API serving the
demo's Meta account, Google Ads and GA4 as demo. It stores the rows the all-demo run stores
(the session's ``built`` warehouse), the model is the same, and the next night re-pulls Meta's
28-day restatement window and changes only what Meta restated."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from assets.runner import failed_checks, run_nightly
from assets.settings import EXAMPLE_CONFIG, Paths
from kpi.model import MODEL_TABLE, PAID_PREFIXES
from pipelines.config import Config
from pipelines.sources.base import Window
from pipelines.sources.demo import DemoSettings, DemoSource
from pipelines.sources.demo.meta_world import META_ACCOUNT_ID
from pipelines.sources.streams import META_ADSET_DAILY
from pipelines.warehouse.store import connect
from tests.assets.conftest import END, START, demo_config, read
from tests.fakes.meta_demo import DemoMetaAccount
from tests.fakes.meta_server import TOKEN, MetaServer
from tests.pipelines.test_meta_connector import rows

STREAM = META_ADSET_DAILY
CONVERSIONS = ("leads", "purchases", "purchase_value", "leads_view", "purchases_view",
               "purchase_value_view")


def meta_config(server: MetaServer, end: dt.date = END) -> Config:
    """The tests' demo configuration (tests.assets.conftest) with Meta read through the API."""
    config = demo_config(end)
    sources = config.sources.model_dump()
    sources["meta_ads"] = {"kind": "meta_ads", "account_ids": [META_ACCOUNT_ID],
                           "endpoint": server.endpoint, "poll_seconds": 0.01, "page_size": 100,
                           "chunk_days": 31}
    sources["retry"] = {"max_retries": 2, "initial_seconds": 0.01, "max_seconds": 0.05}
    return Config.model_validate({**config.model_dump(), "sources": sources})


def demo_settings(config: Config) -> DemoSettings:
    """The demo account the configuration's demo sources simulate (as the factory makes it)."""
    return DemoSettings(config.history_start, config.demo.end, seed=config.demo.seed,
                        traffic_scale=config.demo.traffic_scale,
                        extra_campaigns=config.demo.extra_campaigns)


def stored(con) -> pd.DataFrame:
    return rows(read(con, STREAM.table))


def assert_same(got: pd.DataFrame, expected: pd.DataFrame, obj: str = STREAM.table) -> None:
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=0, atol=1e-9, obj=obj)


@pytest.fixture
def meta_env(monkeypatch):
    monkeypatch.setenv("META_ACCESS_TOKEN", TOKEN)


@pytest.mark.slow
def test_kind_meta_ads_runs_the_nightly_job_end_to_end(tmp_path, built, meta_env):
    paths = Paths(tmp_path / "data", EXAMPLE_CONFIG)
    # A live account: the demo's days seen on the morning after END, and later mornings.
    live = dataclasses.replace(demo_settings(demo_config()), end=END + dt.timedelta(days=60))
    with MetaServer([DemoMetaAccount(live, as_of=END + dt.timedelta(days=1))]) as server:
        config = meta_config(server)
        result = run_nightly(paths, config, START, END)
        assert result.success and failed_checks(result, "ERROR") == []
        con = connect(paths.warehouse, read_only=True)
        all_demo = connect(built[0].warehouse, read_only=True)
        # The rows the all-demo run stores, and the same model on top of them.
        assert_same(stored(con), stored(all_demo))
        assert len(stored(con)) == 7 * 70 + 10  # Advantage+ delivers from day 60 on
        assert set(read(con, STREAM.table).currency_code) == {"EUR"}
        for table in ("dim_campaign", MODEL_TABLE):
            left, right = read(con, table), read(all_demo, table)
            key = sorted(left.columns)
            assert_same(left.sort_values(key, ignore_index=True)[key],
                        right.sort_values(key, ignore_index=True)[key], obj=table)
        if "meta:" in PAID_PREFIXES:  # the model reads Meta (issue 19's model work)
            model = read(con, MODEL_TABLE)
            meta_cost = model[model.campaign_key.str.startswith("meta:")].cost.sum()
            assert meta_cost == pytest.approx(stored(con).spend.sum())
        con.disconnect()
        all_demo.disconnect()

        # The next night: a morning later, Meta re-pulls 28 days and restates conversions.
        night = END + dt.timedelta(days=1)
        server.restate(night + dt.timedelta(days=1))
        before = stored(connect(paths.warehouse, read_only=True))
        server.requests.clear()
        config = meta_config(server, night)
        assert run_nightly(paths, config, night, night).success
        spans = {r.params["time_range"] for r in server.of("start")}
        since = (night - dt.timedelta(days=27)).isoformat()
        assert spans == {f'{{"since":"{since}","until":"{night.isoformat()}"}}'}
        con = connect(paths.warehouse, read_only=True)
        after = stored(con)
        expected = DemoSource(demo_settings(config)).pull(STREAM, Window(START, night)).frame
        assert_same(after, rows(expected))  # what the all-demo run stores that night
        old = after[after.date < night].reset_index(drop=True)
        assert len(old) == len(before) and len(after) == len(before) + 8
        moved = old.ne(before).any(axis=1)
        assert moved.any() and old.date[moved].min() >= dt.date.fromisoformat(since)
        unchanged = [c for c in old.columns if c not in CONVERSIONS]
        pd.testing.assert_frame_equal(old[unchanged], before[unchanged])
        con.disconnect()

