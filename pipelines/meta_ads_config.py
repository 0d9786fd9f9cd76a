"""The ``sources.meta_ads`` section of the configuration: which Meta ad accounts to pull, where
the access token is, what counts as a lead and a purchase, and how long Meta restates.

>>> section = MetaAdsSource(kind="meta_ads", account_ids=["act_1234567890", 987654321])
>>> section.account_ids, section.attribution_windows, section.restatement_days
(('1234567890', '987654321'), ('7d_click', '1d_view'), 28)

The access token itself is never part of the configuration: only the name of the environment
variable (default ``META_ACCESS_TOKEN``) or of the file that holds it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

# Meta's attribution windows we can count: one click window and at most one view window (the
# click windows nest, 1d_click within 7d_click within 28d_click, so two would count twice).
ClickWindow = Literal["1d_click", "7d_click", "28d_click"]
ViewWindow = Literal["1d_view", "1d_ev"]
CLICK_WINDOWS = ("1d_click", "7d_click", "28d_click")
VIEW_WINDOWS = ("1d_view", "1d_ev")

# Action types that already contain others (Meta reports both): counting an aggregate with one
# of its parts counts the same conversion twice.
AGGREGATES: dict[str, frozenset[str]] = {
    "omni_purchase": frozenset({
        "purchase", "offsite_conversion.fb_pixel_purchase", "onsite_web_purchase",
        "onsite_web_app_purchase", "onsite_conversion.purchase", "web_in_store_purchase",
        "app_custom_event.fb_mobile_purchase", "offline_conversion.purchase"}),
    "purchase": frozenset({
        "offsite_conversion.fb_pixel_purchase", "onsite_web_purchase", "onsite_web_app_purchase",
        "onsite_conversion.purchase", "app_custom_event.fb_mobile_purchase",
        "offline_conversion.purchase"}),
    "lead": frozenset({
        "offsite_conversion.fb_pixel_lead", "onsite_conversion.lead_grouped", "leadgen_grouped",
        "onsite_web_lead", "onsite_conversion.lead", "offline_conversion.lead"}),
    "onsite_conversion.lead_grouped": frozenset({"leadgen_grouped"}),
    "leadgen_grouped": frozenset({"onsite_conversion.lead_grouped"}),
}


def overlapping(action_types: tuple[str, ...]) -> list[tuple[str, str]]:
    """Pairs in ``action_types`` where the first already contains the second.

    >>> overlapping(("omni_purchase", "offsite_conversion.fb_pixel_purchase"))
    [('omni_purchase', 'offsite_conversion.fb_pixel_purchase')]
    >>> overlapping(("offsite_conversion.fb_pixel_lead", "onsite_conversion.lead_grouped"))
    []
    """
    listed = set(action_types)
    return [(whole, part) for whole in action_types
            for part in sorted(AGGREGATES.get(whole, frozenset()) & listed)]


def _account_id(value: str | int) -> str:
    digits = str(value).strip().removeprefix("act_")
    if not re.fullmatch(r"\d{5,20}", digits):
        raise ValueError(f"{value!r} is not a Meta ad account ID (digits, e.g. act_1234567890 "
                         "or 1234567890)")
    return digits


AccountId = Annotated[str, BeforeValidator(_account_id)]
ActionType = Annotated[str, Field(pattern=r"^[a-z0-9_.]+$")]
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MetaAdsSource(_Strict):
    """Meta Ads (Facebook and Instagram) through the Marketing API's ad set insights."""

    kind: Literal["none", "demo", "meta_ads"] = "none"  # Sources: demo beside the Ads demo
    account_ids: tuple[AccountId, ...] = ()
    # The system user's access token: in this environment variable, or in this file (the
    # file wins when both are set). Never written in this configuration.
    access_token_env: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")] = (
        "META_ACCESS_TOKEN")
    access_token_file: Path | None = None
    api_version: Annotated[str, Field(pattern=r"^v\d+\.\d+$")] = "v26.0"
    endpoint: str | None = None  # default https://graph.facebook.com; a local test server
    attribution_windows: tuple[ClickWindow | ViewWindow, ...] = ("7d_click", "1d_view")
    lead_action_types: tuple[ActionType, ...] = ("lead",)
    purchase_action_types: tuple[ActionType, ...] = ("omni_purchase",)
    restatement_days: int = Field(28, ge=1, le=90)  # Meta restates attributed conversions
    chunk_days: int = Field(31, ge=1, le=93)  # days per async report run
    page_size: int = Field(500, ge=1, le=5000)
    report_timeout_seconds: float = Field(900.0, gt=0)  # one async run, from start to done
    poll_seconds: float = Field(2.0, gt=0)  # first wait between status polls (doubles to 30 s)
    failed_run_retries: int = Field(2, ge=0, le=10)  # a "Job Failed" run is started again

    @model_validator(mode="after")
    def _consistent(self) -> MetaAdsSource:
        problems = []
        if self.kind == "meta_ads" and not self.account_ids:
            problems.append("account_ids: list the Meta ad accounts to pull")
        clicks = [w for w in self.attribution_windows if w in CLICK_WINDOWS]
        views = [w for w in self.attribution_windows if w in VIEW_WINDOWS]
        if len(clicks) > 1 or len(views) > 1:
            problems.append(f"attribution_windows: {list(self.attribution_windows)} overlap "
                            "(1d_click lies within 7d_click and 28d_click): choose one click "
                            "window and at most one view window, e.g. [7d_click, 1d_view]")
        if not clicks and not views:
            problems.append("attribution_windows: name at least one window, e.g. 7d_click")
        for name in ("lead_action_types", "purchase_action_types"):
            for whole, part in overlapping(getattr(self, name)):
                problems.append(f"{name}: {whole} already contains {part}; counting both "
                                "counts the same conversion twice (keep one)")
        leads, purchases = set(self.lead_action_types), set(self.purchase_action_types)
        both = leads & purchases
        if both:
            problems.append(f"{sorted(both)} counted as both lead and purchase")
        for whole, part in overlapping((*self.lead_action_types, *self.purchase_action_types)):
            if (whole in leads) != (part in leads):
                problems.append(f"{whole} already contains {part}: one conversion would count "
                                "as both a lead and a purchase")
        host = (self.endpoint or "").split("://")[-1].split("/")[0].rsplit(":", 1)[0]
        if (self.endpoint or "").startswith("http://") and host not in LOCAL_HOSTS:
            problems.append("endpoint: plain http is only allowed for a local test server")
        if problems:
            raise ValueError("; ".join(problems))
        return self
