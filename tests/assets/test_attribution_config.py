"""The assets state the configuration's attribution choice: Meta's windows only when Meta Ads
is connected; the report's definitions name Meta's action types then."""

from __future__ import annotations

from assets.dashboards import attribution
from assets.report import definitions
from dashboards.attribution import Attribution
from pipelines.config import Config

BASE = {"history_start": "2026-01-01"}


def test_the_demo_states_meta_with_its_default_windows() -> None:
    config = Config.model_validate(BASE)  # the demo: Meta beside the Ads demo
    assert attribution(config) == Attribution("ads", ("7d_click", "1d_view"))
    found = definitions(config)
    assert found.stated == attribution(config)
    assert (found.meta_lead_actions, found.meta_purchase_actions) == (("lead",),
                                                                       ("omni_purchase",))


def test_without_meta_only_the_choice() -> None:
    config = Config.model_validate({**BASE, "sources": {"meta_ads": {"kind": "none"}},
                                    "conversions": {"attribution": "ga4"}})
    assert attribution(config) == Attribution("ga4")
    assert definitions(config).meta_purchase_actions == ()


def test_meta_windows_as_configured() -> None:
    config = Config.model_validate({**BASE, "sources": {"meta_ads": {
        "kind": "demo", "attribution_windows": ["28d_click"]}}})
    assert attribution(config).meta_windows == ("28d_click",)
