"""The fixed demo account: Zonnig Huis (zonnighuis.be), a Belgian home-energy retailer.

Solar panels and heat pumps sell through quote requests (leads); accessories, charging cables and
smart thermostats sell in the webshop (purchases). Everything here is a small frozen dataclass;
dates of changes are day offsets from the first day of history (``DemoSettings.start``).

>>> len(CAMPAIGNS), sum(len(c.ad_groups) for c in CAMPAIGNS)
(14, 35)
>>> by_id(INEFFICIENT_CAMPAIGN_ID).channel_type
'DISPLAY'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ChannelType = Literal["SEARCH", "SHOPPING", "PERFORMANCE_MAX", "DISPLAY", "VIDEO"]
Theme = Literal["brand", "solar", "heat_pump", "webshop", "generic", "display", "video"]
ActionKind = Literal["lead", "purchase", "signup"]

CUSTOMER_ID = "4815162342"
PROPERTY_ID = "318004561"
CURRENCY_CODE = "EUR"
TIME_ZONE = "Europe/Brussels"


@dataclass(frozen=True)
class ConversionAction:
    """A Google Ads conversion action; all four count in ``metrics.conversions``."""

    id: str
    name: str
    category: str
    kind: ActionKind
    ga4_event: str  # the GA4 key event that sees (part of) it
    ga4_rate: float  # share of Ads conversions GA4 also records (consent, phone calls)


CONVERSION_ACTIONS: tuple[ConversionAction, ...] = (
    ConversionAction("702114581", "Lead – offerteformulier", "SUBMIT_LEAD_FORM", "lead",
                     "generate_lead", 0.97),
    ConversionAction("702114582", "Lead – terugbelverzoek", "PHONE_CALL_LEAD", "lead",
                     "generate_lead", 0.0),  # GA4 never sees a phone lead
    ConversionAction("702114583", "Aankoop – webshop", "PURCHASE", "purchase", "purchase", 0.9),
    ConversionAction("702114584", "Nieuwsbrief – inschrijving", "SIGNUP", "signup", "sign_up", 0.9),
)
LEAD_ACTIONS: tuple[str, ...] = tuple(a.name for a in CONVERSION_ACTIONS if a.kind == "lead")
PURCHASE_ACTIONS: tuple[str, ...] = tuple(
    a.name for a in CONVERSION_ACTIONS if a.kind == "purchase"
)
LEAD_EVENTS: tuple[str, ...] = ("generate_lead",)
PURCHASE_EVENTS: tuple[str, ...] = ("purchase",)
KEY_EVENTS: tuple[str, ...] = ("generate_lead", "purchase", "sign_up")

# Shares of a campaign's conversions per action, in CONVERSION_ACTIONS order.
Mix = tuple[float, float, float, float]
LEADS: Mix = (0.80, 0.14, 0.02, 0.04)
BRAND: Mix = (0.30, 0.06, 0.52, 0.12)
WEBSHOP: Mix = (0.03, 0.01, 0.91, 0.05)
MIXED: Mix = (0.40, 0.05, 0.40, 0.15)


@dataclass(frozen=True)
class AdGroup:
    id: str  # 11 digits
    name: str
    weight: float = 1.0  # share of the campaign's demand (relative)
    paused_from: int | None = None  # day offset; no traffic from then, PAUSED once observed


@dataclass(frozen=True)
class Campaign:
    """One campaign and the economics the simulation gives it (money in EUR per day)."""

    id: str  # 10 digits
    name: str
    channel_type: ChannelType
    theme: Theme
    budget: float  # daily budget
    demand: float  # spend Google would like to make on an average day
    cpa: float  # cost per conversion when spending ``demand``
    returns: float  # b in conversions = a * cost**b (diminishing returns)
    cpc: float
    ctr: float
    mix: Mix
    aov: float = 110.0  # mean purchase value
    session_rate: float = 0.9  # GA4 google / cpc sessions per click
    ad_groups: tuple[AdGroup, ...] = ()  # empty for Performance Max
    launch_day: int | None = None  # no rows before this day offset
    rename: tuple[int, str] | None = None  # (day offset, new name)
    budget_change: tuple[int, float] | None = None  # (day offset, new daily budget)

    def name_on(self, day: int) -> str:
        if self.rename is not None and day >= self.rename[0]:
            return self.rename[1]
        return self.name

    def budget_on(self, day: int) -> float:
        if self.budget_change is not None and day >= self.budget_change[0]:
            return self.budget_change[1]
        return self.budget


def _groups(
    campaign_no: int, *items: str | tuple[str, float] | tuple[str, float, int]
) -> tuple[AdGroup, ...]:
    """Ad groups with IDs derived from the campaign's number.

    An item is a name, (name, weight) or (name, weight, paused_from).
    """
    out = []
    for i, item in enumerate(items, start=1):
        name, weight, paused = (item, 1.0, None) if isinstance(item, str) else (*item, None)[:3]
        out.append(AdGroup(f"{14_270_000_000 + campaign_no * 100 + i}", name, weight, paused))
    return tuple(out)


INEFFICIENT_CAMPAIGN_ID = "2087345011"
BUDGET_LIMITED_CAMPAIGN_ID = "2087345005"
RENAMED_CAMPAIGN_ID = "2087345007"
LATE_LAUNCH_CAMPAIGN_ID = "2087345006"
PMAX_CAMPAIGN_ID = "2087345009"


# Positional fields: id, name, channel_type, theme, budget, demand, cpa, returns, cpc, ctr, mix,
# aov, session_rate, ad_groups. Day offsets (launch, rename, budget change, pause) count from start.
CAMPAIGNS: tuple[Campaign, ...] = (
    Campaign("2087345001", "Search – Merk – NL", "SEARCH", "brand", 150, 90, 13.0, 0.85, 0.85,
             0.08, BRAND, 125, 0.93,
             _groups(1, ("Zonnig Huis – merknaam", 2.0), "Zonnig Huis – webshop")),
    Campaign("2087345002", "Search – Marque – FR", "SEARCH", "brand", 100, 60, 14.0, 0.85, 0.9,
             0.075, BRAND, 120, 0.93,
             _groups(2, ("Zonnig Huis – marque", 2.0), "Zonnig Huis – boutique en ligne")),
    Campaign("2087345003", "Search – Zonnepanelen – NL", "SEARCH", "solar", 320, 300, 38.0, 0.7,
             2.2, 0.05, LEADS, 110, 0.9,
             _groups(3, ("Zonnepanelen – prijs", 1.4), "Zonnepanelen – installateur",
                     "Zonnepanelen – met thuisbatterij",
                     ("Zonnepanelen – gratis offerte", 0.7, 240)),
             budget_change=(90, 420)),
    Campaign("2087345004", "Search – L'énergie solaire – FR", "SEARCH", "solar", 300, 220, 42.0,
             0.7, 2.0, 0.045, LEADS, 110, 0.9,
             _groups(4, "Panneaux solaires – prix", "Installateur photovoltaïque – Wallonie",
                     ("Batterie domestique", 0.6))),
    Campaign(BUDGET_LIMITED_CAMPAIGN_ID, "Search – Warmtepompen – NL", "SEARCH", "heat_pump", 140,
             340, 26.0, 0.75, 1.9, 0.055, LEADS, 110, 0.91,
             _groups(5, ("Warmtepomp – lucht-water", 1.5), "Warmtepomp – premies & subsidies",
                     "Hybride warmtepomp")),
    Campaign(LATE_LAUNCH_CAMPAIGN_ID, "Search – Pompes à chaleur – FR", "SEARCH", "heat_pump", 250,
             180, 40.0, 0.7, 2.1, 0.045, LEADS, 110, 0.89,
             _groups(6, "Pompe à chaleur – air-eau", "Pompe à chaleur – primes Wallonie",
                     "Pompe à chaleur hybride"), launch_day=120),
    Campaign(RENAMED_CAMPAIGN_ID, "Search – Generic – EN", "SEARCH", "generic", 100, 70, 35.0,
             0.75, 1.6, 0.04, (0.62, 0.08, 0.18, 0.12), 120, 0.88,
             _groups(7, "Solar panels Brussels", "Heat pump Brussels", "Energy audit & advice"),
             rename=(200, "Search – Expats Brussels – EN")),
    Campaign("2087345008", "Shopping – Webshop – BE", "SHOPPING", "webshop", 400, 260, 22.0, 0.8,
             0.6, 0.011, WEBSHOP, 95, 0.92,
             _groups(8, ("Laadkabels & laadpalen", 1.3), "Slimme thermostaten",
                     ("Accessoires zonnepanelen", 0.7))),
    Campaign(PMAX_CAMPAIGN_ID, "PMax – Webshop – BE", "PERFORMANCE_MAX", "webshop", 450, 300,
             24.0, 0.75, 0.65, 0.015, (0.06, 0.02, 0.87, 0.05), 115, 0.9),
    Campaign("2087345010", "Display – Zon & Warmte – Remarketing", "DISPLAY", "display", 120, 80,
             24.0, 0.75, 0.5, 0.005, MIXED, 105, 0.87,
             _groups(10, "Bezoekers offerteformulier", "Visiteurs – panier abandonné")),
    Campaign(INEFFICIENT_CAMPAIGN_ID, "Display – Prospecting – Duurzaam wonen", "DISPLAY",
             "display", 220, 150, 150.0, 0.7, 0.35, 0.003, (0.47, 0.03, 0.44, 0.06), 100, 0.85,
             _groups(11, "In-market – zonne-energie", "Affinité – maison durable",
                     "Custom audience – energy savers")),
    Campaign("2087345012", "Video – YouTube – NL", "VIDEO", "video", 120, 90, 48.0, 0.65, 1.8,
             0.004, MIXED, 100, 0.86,
             _groups(12, "Zonnepanelen – bumper 6s", "Warmtepomp – uitlegvideo")),
    Campaign("2087345013", "Video – YouTube – FR", "VIDEO", "video", 80, 60, 52.0, 0.65, 2.0,
             0.0045, MIXED, 100, 0.86,
             _groups(13, "Panneaux solaires – bumper 6s", "Pompe à chaleur – vidéo explicative")),
    Campaign("2087345014", "Search – Thermostaat & Laadkabel – NL", "SEARCH", "webshop", 150, 110,
             16.0, 0.8, 1.1, 0.06, WEBSHOP, 90, 0.91,
             _groups(14, "Slimme thermostaat", "Laadkabel type 2", "Laadpaal thuis")),
)

_EXTRA_TOPICS = ("Zonnepanelen", "Warmtepomp", "Laadpaal")
_CITIES = ("Antwerpen", "Gent", "Brugge", "Leuven", "Hasselt", "Mechelen", "Namur", "Liège")


def extra_campaign(i: int) -> Campaign:
    """The i-th generated search campaign (for scale), three ad groups, regional keywords."""
    city = _CITIES[i % len(_CITIES)]
    groups = tuple(
        AdGroup(f"{15_000_000_000 + i * 10 + j}", f"{topic} – {city} #{i + 1}")
        for j, topic in enumerate(_EXTRA_TOPICS, start=1)
    )
    return Campaign(f"{3_000_000_000 + i}", f"Search – Regio {city} #{i + 1} – NL", "SEARCH",
                    "generic", 90, 60, 40.0, 0.75, 1.5, 0.05, LEADS, 110, 0.9, groups)


def catalogue(extra_campaigns: int = 0) -> tuple[Campaign, ...]:
    """The fixed campaigns plus ``extra_campaigns`` generated ones."""
    return CAMPAIGNS + tuple(extra_campaign(i) for i in range(extra_campaigns))


def by_id(campaign_id: str) -> Campaign:
    return next(c for c in CAMPAIGNS if c.id == campaign_id)


@dataclass(frozen=True)
class Channel:
    """Non-paid (for Ads) GA4 traffic: sessions per average day and key-event rates."""

    source: str
    medium: str
    campaign: str  # session_campaign_name; "{month}" becomes the newsletter's YYYY-MM
    sessions: float
    engagement: float
    lead_rate: float
    purchase_rate: float
    signup_rate: float
    aov: float = 100.0
    theme: Theme = "generic"


CHANNELS: tuple[Channel, ...] = (
    Channel("google", "organic", "(organic)", 1400, 0.63, 0.004, 0.004, 0.002),
    Channel("bing", "organic", "(organic)", 85, 0.60, 0.004, 0.004, 0.002),
    Channel("(direct)", "(none)", "(direct)", 650, 0.58, 0.005, 0.006, 0.001),
    Channel("nieuwsbrief", "email", "nieuwsbrief-{month}", 30, 0.70, 0.003, 0.012, 0.0, 85,
            "webshop"),
    Channel("energiesparen.be", "referral", "(referral)", 45, 0.66, 0.010, 0.001, 0.002),
    Channel("test-achats.be", "referral", "(referral)", 30, 0.64, 0.006, 0.004, 0.002),
    Channel("vlaanderen.be", "referral", "(referral)", 25, 0.61, 0.008, 0.0, 0.001),
)  # Meta's paid social sessions come from its campaigns' clicks (meta_world, meta_simulate)
NEWSLETTER_SEND_SESSIONS = 650.0  # extra sessions on a send day, decaying over the next days
NOT_SET = "(not set)"
