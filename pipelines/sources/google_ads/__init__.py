"""The Google Ads API connector (google-ads): GAQL through SearchStream, one customer at a time."""

from pipelines.sources.google_ads.source import GoogleAdsSettings, GoogleAdsSource

__all__ = ["GoogleAdsSettings", "GoogleAdsSource"]
