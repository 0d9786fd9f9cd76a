"""Zonnig Huis on Meta (Facebook and Instagram): the demo advertiser's one ad account.

Two prospecting campaigns buy quote requests (lead forms that never reach the site, and the
site's own form through the pixel), one Advantage+ campaign and one retargeting campaign sell
in the webshop. Their clicks arrive in GA4 as ``facebook`` / ``instagram`` ``paid_social``
sessions tagged with the Meta campaign ID (``utm_id={{campaign.id}}``), so Google, Meta and GA4
describe one advertiser.

Planted truth: the retargeting campaign's platform-reported ROAS looks excellent (view-through
purchases and clicks from people who were buying anyway), while GA4, crediting the last click,
gives it a small share of them: its GA4 ROAS is several times lower.

>>> len(META_CAMPAIGNS), sum(len(c.adsets) for c in META_CAMPAIGNS)
(4, 8)
>>> meta_by_id(RETARGETING_CAMPAIGN_ID).objective
'OUTCOME_SALES'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pipelines.sources.demo.world import Theme

META_ACCOUNT_ID = "1029384756"
Objective = Literal["OUTCOME_LEADS", "OUTCOME_SALES"]
Publisher = Literal["facebook", "instagram"]
MEDIUM = "paid_social"

# Conversion parts, as Meta reports them; the aggregates ``lead`` and ``omni_purchase`` (and
# ``purchase``, equal to it here) are their sums.
PARTS: tuple[str, ...] = (
    "offsite_conversion.fb_pixel_lead",  # the site's quote form, seen by the pixel
    "onsite_conversion.lead_grouped",  # Meta's instant form: never reaches the site
    "offsite_conversion.fb_pixel_purchase",
    "onsite_conversion.purchase",  # bought in the Facebook shop
)
LEAD_PARTS, PURCHASE_PARTS = PARTS[:2], PARTS[2:]
WINDOWS: tuple[str, ...] = ("1d_click", "7d_click", "28d_click", "1d_view")
COUNTED_WINDOWS: tuple[str, ...] = ("7d_click", "1d_view")  # the connector's default


@dataclass(frozen=True)
class MetaAdSet:
    id: str  # 18 digits, as Meta's IDs
    name: str
    publisher: Publisher
    weight: float = 1.0  # share of the campaign's budget (relative)


@dataclass(frozen=True)
class MetaCampaign:
    """One campaign with campaign budget optimisation: Meta spends its daily budget.

    Rates are final (after Meta's restatement): ``click_rate`` conversions per link click in
    the 7-day click window, ``view_rate`` view-through conversions (1 day) per 1,000
    impressions, ``onsite_share`` of them on Meta itself (instant forms, shop), ``ga4_share`` of
    the site's click-through conversions that GA4 credits to the Meta session (last click)."""

    id: str
    name: str
    objective: Objective
    theme: Theme
    budget: float  # EUR per day
    cpm: float
    link_ctr: float
    click_rate: float
    view_rate: float
    onsite_share: float
    ga4_share: float
    adsets: tuple[MetaAdSet, ...]
    aov: float = 100.0
    frequency: float = 1.6  # impressions per person reached in a day
    launch_day: int = 0  # day offset from the history's first day

    @property
    def is_sales(self) -> bool:
        return self.objective == "OUTCOME_SALES"


PROSPECTING_NL_ID = "120214500000000001"
PROSPECTING_FR_ID = "120214500000000002"
RETARGETING_CAMPAIGN_ID = "120214500000000003"
ADVANTAGE_CAMPAIGN_ID = "120214500000000004"


def _sets(campaign_no: int, *items: tuple[str, Publisher] | tuple[str, Publisher, float]
          ) -> tuple[MetaAdSet, ...]:
    return tuple(MetaAdSet(f"1202145000000{campaign_no:02d}{i:03d}", *item)
                 for i, item in enumerate(items, start=1))


META_CAMPAIGNS: tuple[MetaCampaign, ...] = (
    MetaCampaign(PROSPECTING_NL_ID, "Prospectie – Zonnepanelen – NL", "OUTCOME_LEADS", "solar",
                 110, 7.5, 0.011, 0.035, 0.02, 0.6, 0.85,
                 _sets(1, ("Eigenaars 30-65 – Vlaanderen", "facebook", 1.4),
                       ("Lookalike 1 % – offertes", "facebook"),
                       ("Reels – thuisbatterij", "instagram", 0.7))),
    MetaCampaign(PROSPECTING_FR_ID, "Prospection – Pompes à chaleur – FR", "OUTCOME_LEADS",
                 "heat_pump", 80, 6.8, 0.010, 0.03, 0.02, 0.55, 0.85,
                 _sets(2, ("Propriétaires 30-65 – Wallonie", "facebook", 1.3),
                       ("Stories – primes Wallonie", "instagram"))),
    MetaCampaign(RETARGETING_CAMPAIGN_ID, "Retargeting – Webshop – BE", "OUTCOME_SALES",
                 "webshop", 45, 14.0, 0.018, 0.045, 0.35, 0.02, 0.3,
                 _sets(3, ("Bezoekers 30 dagen", "facebook", 1.2),
                       ("Winkelmand verlaten 7 dagen", "instagram")), aov=95.0,
                 frequency=2.4),
    MetaCampaign(ADVANTAGE_CAMPAIGN_ID, "Advantage+ – Webshop – BE", "OUTCOME_SALES",
                 "webshop", 70, 9.0, 0.012, 0.012, 0.03, 0.05, 0.7,
                 _sets(4, ("Advantage+ shopping – BE", "facebook")), aov=105.0,
                 launch_day=60),
)


def meta_by_id(campaign_id: str) -> MetaCampaign:
    return next(c for c in META_CAMPAIGNS if c.id == campaign_id)


def ga4_entities() -> tuple[tuple[MetaCampaign, Publisher], ...]:
    """The (campaign, publisher) pairs GA4 sees as sessions: one per publisher a campaign
    delivers on, in campaign order.

    >>> [(c.id[-1], p) for c, p in ga4_entities()][:3]
    [('1', 'facebook'), ('1', 'instagram'), ('2', 'facebook')]
    """
    out: list[tuple[MetaCampaign, Publisher]] = []
    for campaign in META_CAMPAIGNS:
        for publisher in ("facebook", "instagram"):
            if any(s.publisher == publisher for s in campaign.adsets):
                out.append((campaign, publisher))
    return tuple(out)
