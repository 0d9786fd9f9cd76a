"""Offline demo data: a simulated Belgian home-energy advertiser seen through GA4 and Google Ads.

>>> settings = DemoSettings(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
>>> DemoSource(settings).name
'demo'
"""

from pipelines.sources.demo.source import DemoSettings, DemoSource
from pipelines.sources.demo.world import (
    BUDGET_LIMITED_CAMPAIGN_ID,
    CAMPAIGNS,
    CONVERSION_ACTIONS,
    CUSTOMER_ID,
    INEFFICIENT_CAMPAIGN_ID,
    LEAD_ACTIONS,
    LEAD_EVENTS,
    PMAX_CAMPAIGN_ID,
    PROPERTY_ID,
    PURCHASE_ACTIONS,
    PURCHASE_EVENTS,
    RENAMED_CAMPAIGN_ID,
)

__all__ = [
    "BUDGET_LIMITED_CAMPAIGN_ID",
    "CAMPAIGNS",
    "CONVERSION_ACTIONS",
    "CUSTOMER_ID",
    "INEFFICIENT_CAMPAIGN_ID",
    "LEAD_ACTIONS",
    "LEAD_EVENTS",
    "PMAX_CAMPAIGN_ID",
    "PROPERTY_ID",
    "PURCHASE_ACTIONS",
    "PURCHASE_EVENTS",
    "RENAMED_CAMPAIGN_ID",
    "DemoSettings",
    "DemoSource",
]
