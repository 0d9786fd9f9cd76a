"""Zonnig Huis's CRM: where its contacts come from and how far each source's leads get.

Every lead the simulation makes becomes a CRM contact: Google Ads lead conversions (quote form
and call-back request) per campaign, Meta's leads (the site's form through the pixel, and
instant forms synced by the CRM integration) per campaign, and GA4's organic, direct, referral
and newsletter leads. Each *origin* has its own funnel (conditional rates lead -> MQL -> SQL ->
opportunity -> won) and deal size (by theme: heat pumps 9-15k EUR, solar 6-10k, webshop orders
rarely a deal at all).

Planted truth: Meta's prospecting leads are the cheapest per lead but rarely buy (instant forms
least of all: one tap, no intent), while the search campaigns' leads, dearer per lead, win
several times more often: judged on cost per won deal or revenue ROAS, search wins.

>>> funnel_of("google", "2087345005").won_per_lead > 4 * funnel_of("meta_form",
...     "120214500000000001").won_per_lead
True
>>> AMOUNTS["heat_pump"]
(9000.0, 15000.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pipelines.sources.demo.meta_world import PROSPECTING_FR_ID, PROSPECTING_NL_ID
from pipelines.sources.demo.world import Theme

OriginKind = Literal["google_form", "google_phone", "meta_pixel", "meta_form", "channel"]
# The demo's pseudonym key, public: the demo holds no personal data. The demo CRM's IDs and
# click ids and the demo Ads click view's gclids are hashed with it, so they join.
DEMO_KEY = b"zonnig-huis-demo-crm-pseudonym-key-2026"
STREAM_NO = 4  # the per-day generator's third seed component (Meta 3, email 5)
CONTACT_SHARE = {"google_form": 0.9, "google_phone": 0.9, "meta_pixel": 0.95, "meta_form": 1.0,
                 "channel": 0.95}  # Ads counts repeat submissions; the CRM one contact
UTM_ID_SHARE, UTM_NAME_SHARE = 0.85, 0.10  # tagged paid contacts; the rest have no UTM
ERASURE_RATE = 0.003  # contacts asking to be erased (GDPR), some weeks after their lead
AMOUNTS: dict[str, tuple[float, float]] = {  # EUR, uniform between
    "heat_pump": (9000.0, 15000.0), "solar": (6000.0, 10000.0), "webshop": (250.0, 2500.0)}


@dataclass(frozen=True)
class Funnel:
    """Conditional rates: a lead becomes MQL, an MQL SQL (a deal is created), an SQL an
    opportunity (a quote), an opportunity won; ``theme`` sizes the deal (``generic``: half
    heat pump, half solar)."""

    mql: float
    sql: float
    opportunity: float
    won: float
    theme: Theme = "generic"

    @property
    def won_per_lead(self) -> float:
        return self.mql * self.sql * self.opportunity * self.won


SEARCH_NL = Funnel(0.72, 0.6, 0.68, 0.5)
SEARCH_FR = Funnel(0.68, 0.55, 0.62, 0.45)
BY_THEME: dict[str, Funnel] = {
    "brand": Funnel(0.62, 0.48, 0.6, 0.45), "generic": Funnel(0.55, 0.42, 0.55, 0.4),
    "display": Funnel(0.45, 0.3, 0.5, 0.33), "video": Funnel(0.4, 0.3, 0.5, 0.3),
    "webshop": Funnel(0.3, 0.08, 0.5, 0.4, "webshop")}
GOOGLE: dict[str, Funnel] = {  # campaign ID -> funnel; others by theme
    "2087345003": Funnel(0.72, 0.6, 0.68, 0.5, "solar"),
    "2087345004": Funnel(0.68, 0.55, 0.62, 0.45, "solar"),
    "2087345005": Funnel(0.74, 0.62, 0.68, 0.5, "heat_pump"),
    "2087345006": Funnel(0.68, 0.55, 0.62, 0.45, "heat_pump"),
    "2087345011": Funnel(0.3, 0.2, 0.4, 0.25),  # display prospecting: weak leads
}
META: dict[str, tuple[Funnel, Funnel]] = {  # campaign ID -> (pixel leads, instant forms)
    PROSPECTING_NL_ID: (Funnel(0.5, 0.35, 0.55, 0.35, "solar"),
                        Funnel(0.3, 0.22, 0.5, 0.28, "solar")),
    PROSPECTING_FR_ID: (Funnel(0.48, 0.33, 0.55, 0.33, "heat_pump"),
                        Funnel(0.28, 0.2, 0.5, 0.27, "heat_pump")),
}
CHANNEL_FUNNELS: dict[str, Funnel] = {  # GA4 session source -> funnel
    "google": Funnel(0.55, 0.45, 0.6, 0.4), "bing": Funnel(0.55, 0.45, 0.6, 0.4),
    "(direct)": Funnel(0.6, 0.5, 0.6, 0.45), "nieuwsbrief": Funnel(0.4, 0.2, 0.5, 0.4,
                                                                    "webshop"),
    "energiesparen.be": Funnel(0.65, 0.55, 0.62, 0.45),
    "test-achats.be": Funnel(0.62, 0.5, 0.6, 0.45), "vlaanderen.be": Funnel(0.6, 0.5, 0.6, 0.42),
}
PHONE_BONUS = 0.1  # a call-back request is a warmer lead: its MQL rate is this much higher
# HubSpot's original source of each GA4 medium's contacts
CHANNEL_SOURCE = {"organic": "ORGANIC_SEARCH", "(none)": "DIRECT_TRAFFIC",
                  "email": "EMAIL_MARKETING", "referral": "REFERRALS"}


def funnel_of(kind: OriginKind, key: str, theme: Theme = "generic") -> Funnel:
    """The funnel of one origin: a Google Ads campaign (by ID, else its ``theme``), a Meta
    campaign's pixel or instant-form leads, a GA4 channel (by session source)."""
    if kind in ("google_form", "google_phone"):
        found = GOOGLE.get(key) or BY_THEME.get(theme) or Funnel(
            0.55, 0.42, 0.55, 0.4, theme)
        if found.theme == "generic" and theme in AMOUNTS:
            found = Funnel(found.mql, found.sql, found.opportunity, found.won, theme)
        if kind == "google_phone":
            found = Funnel(min(found.mql + PHONE_BONUS, 0.95), found.sql, found.opportunity,
                           found.won, found.theme)
        return found
    if kind in ("meta_pixel", "meta_form"):
        pixel, form = META.get(key, (BY_THEME["webshop"], BY_THEME["webshop"]))
        return pixel if kind == "meta_pixel" else form
    return CHANNEL_FUNNELS.get(key, BY_THEME["generic"])
