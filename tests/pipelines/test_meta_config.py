"""The ``sources.meta_ads`` section, the token's two homes, and Meta in the source factory and
``campaign-kpi check-connection`` (against the fake Graph API)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from assets.cli import app
from pipelines.config import Config, ConfigError, load_config
from pipelines.meta_ads_config import MetaAdsSource
from pipelines.sources.base import Window
from pipelines.sources.factory import lookback_days, make_sources
from pipelines.sources.meta_ads.token import load_token
from pipelines.sources.retry import SourceError
from pipelines.sources.streams import META_ADSET_DAILY
from tests.fakes.meta_data import ACCOUNT, SECOND
from tests.fakes.meta_server import TOKEN, MetaServer


def write(tmp_path: Path, meta: dict, **top) -> Path:
    path = tmp_path / "campaign-kpi.yaml"
    path.write_text(yaml.safe_dump({"history_start": "2026-03-01",
                                    "sources": {"meta_ads": meta}, **top}), encoding="utf-8")
    return path


def test_defaults_count_7_day_click_and_1_day_view_and_restate_28_days():
    section = Config.model_validate({"history_start": "2026-01-01"}).sources.meta_ads
    assert section.kind == "demo" and section.restatement_days == 28
    assert section.attribution_windows == ("7d_click", "1d_view")
    assert (section.lead_action_types, section.purchase_action_types) == (
        ("lead",), ("omni_purchase",))


@pytest.mark.parametrize(("meta", "said"), [
    ({"kind": "meta_ads"}, r"account_ids: list the Meta ad accounts"),
    ({"account_ids": ["act_12x"]}, r"'act_12x' is not a Meta ad account ID"),
    ({"purchase_action_types": ["omni_purchase", "offsite_conversion.fb_pixel_purchase"]},
     r"purchase_action_types: omni_purchase already contains "
     r"offsite_conversion.fb_pixel_purchase; counting both counts the same conversion twice"),
    ({"lead_action_types": ["lead", "onsite_conversion.lead_grouped"]},
     r"lead already contains onsite_conversion.lead_grouped"),
    ({"attribution_windows": ["1d_click", "7d_click"]}, r"attribution_windows: .* overlap"),
    ({"lead_action_types": ["omni_purchase"]}, r"\['omni_purchase'\] counted as both lead and"),
    ({"lead_action_types": ["purchase"]}, r"omni_purchase already contains purchase: one "
     r"conversion would count as both a lead and a purchase"),
    ({"endpoint": "http://graph.example.com"}, r"plain http is only allowed for a local"),
    ({"access_tokn": "x"}, r"unknown setting 'access_tokn'"),
])
def test_a_section_that_would_count_wrong_is_refused_naming_the_field(tmp_path, meta, said):
    with pytest.raises(ConfigError, match=r"campaign-kpi.yaml: sources.meta_ads.*" + said):
        load_config(write(tmp_path, meta))


def test_account_ids_with_or_without_act_prefix():
    section = MetaAdsSource(kind="meta_ads", account_ids=["act_1001001001", 2002002002])
    assert section.account_ids == ("1001001001", "2002002002")


def test_the_token_file_is_found_beside_the_configuration(tmp_path):
    (tmp_path / "meta.token").write_text(TOKEN + "\n", encoding="utf-8")
    config = load_config(write(tmp_path, {"kind": "meta_ads", "account_ids": ["1001001001"],
                                          "access_token_file": "meta.token"}))
    section = config.sources.meta_ads
    assert section.access_token_file == tmp_path / "meta.token"
    assert load_token(section.access_token_env, section.access_token_file).value == TOKEN


def test_the_token_comes_from_the_named_variable(monkeypatch):
    monkeypatch.setenv("CLIENT_META_TOKEN", f"  {TOKEN}  ")
    assert load_token("CLIENT_META_TOKEN", None).value == TOKEN


def test_no_token_says_where_to_put_one(monkeypatch, tmp_path):
    monkeypatch.delenv("META_ACCESS_TOKEN", raising=False)
    with pytest.raises(SourceError, match=r"no access token.*ads_read.*environment variable "
                       r"META_ACCESS_TOKEN.*access_token_file"):
        load_token("META_ACCESS_TOKEN", None)
    with pytest.raises(SourceError, match=r"access_token_file: cannot read .*missing.token "
                       r"\(FileNotFoundError\)"):
        load_token("META_ACCESS_TOKEN", tmp_path / "missing.token")
    (tmp_path / "empty.token").write_text("\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"empty.token is empty"):
        load_token("META_ACCESS_TOKEN", tmp_path / "empty.token")


def test_the_factory_makes_one_source_per_ad_account(tmp_path, monkeypatch):
    monkeypatch.setenv("META_ACCESS_TOKEN", TOKEN)
    with MetaServer([ACCOUNT, SECOND]) as server:
        config = load_config(write(tmp_path, {
            "kind": "meta_ads", "account_ids": [ACCOUNT.account_id, SECOND.account_id],
            "endpoint": server.endpoint, "restatement_days": 21, "poll_seconds": 0.01}))
        sources = make_sources(config, "meta_ads")
        assert [s.settings.account_id for s in sources] == [ACCOUNT.account_id,
                                                            SECOND.account_id]
        assert lookback_days(config, "meta_ads") == 21
        window = Window(dt.date(2026, 3, 1), dt.date(2026, 3, 3))
        currencies = {s.pull(META_ADSET_DAILY, window).frame.currency_code.iloc[0]
                      for s in sources}
    assert currencies == {"EUR", "GBP"}
    assert make_sources(Config.model_validate({"history_start": "2026-01-01", "sources": {
        "meta_ads": {"kind": "none"}}}), "meta_ads") == ()
    demo = make_sources(Config.model_validate({"history_start": "2026-01-01"}), "meta_ads")
    assert [s.name for s in demo] == ["demo"]


def test_check_connection_covers_meta(tmp_path, monkeypatch):
    monkeypatch.setenv("META_ACCESS_TOKEN", TOKEN)
    demo = {"demo": {"end": "2026-03-05"}}
    with MetaServer([ACCOUNT], grants={TOKEN: {ACCOUNT.account_id}}) as server:
        meta = {"kind": "meta_ads", "account_ids": [ACCOUNT.account_id, SECOND.account_id],
                "endpoint": server.endpoint, "poll_seconds": 0.01}
        path = write(tmp_path, meta, **demo)
        result = CliRunner().invoke(app, ["check-connection", "--config", str(path),
                                          "--data-dir", str(tmp_path)],
                                    env={"COLUMNS": "250"})
    assert result.exit_code == 1, result.output
    assert "✓ meta_ads (meta_ads) 1001001001:" in result.output
    assert "EUR, Europe/Brussels" in result.output
    assert "✗ meta_ads (meta_ads): Meta ad account act_2002002002: the token may not read" in (
        " ".join(result.output.split()))
    assert TOKEN not in result.output


def test_meta_follows_google_ads_unless_given_and_never_mixes_demo_with_real():
    real = {"kind": "google_ads", "customer_ids": ["1234567890"]}
    beside_real = Config.model_validate({"history_start": "2026-01-01",
                                         "sources": {"google_ads": real}})
    assert beside_real.sources.meta_ads.kind == "none"
    given = Config.model_validate({"history_start": "2026-01-01", "sources": {
        "meta_ads": {"kind": "none", "restatement_days": 14}}})
    assert given.sources.meta_ads.kind == "none"
    assert given.sources.meta_ads.restatement_days == 14
    with pytest.raises(ValueError, match=r"meta_ads.kind: demo beside a real Google Ads"):
        Config.model_validate({"history_start": "2026-01-01", "sources": {
            "google_ads": real, "meta_ads": {"kind": "demo"}}})
