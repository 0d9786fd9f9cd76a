"""The Meta Ads connector (facebook-business, the official Marketing API SDK): ad set insights
per day through async report runs, one ad account at a time."""

from pipelines.sources.meta_ads.source import MetaAdsSettings, MetaAdsSource

__all__ = ["MetaAdsSettings", "MetaAdsSource"]
