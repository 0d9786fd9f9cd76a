"""The GA4 Data API connector (google-analytics-data): runReport per stream, paged by offset."""

from pipelines.sources.ga4.source import Ga4Settings, Ga4Source

__all__ = ["Ga4Settings", "Ga4Source"]
