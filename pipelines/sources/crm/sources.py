"""The configured CRM source (``sources.crm.kind``): none, the demo's, a HubSpot
portal, or another CRM's export files.

>>> from pipelines.config import Sources
>>> config = type("C", (), {"sources": Sources()})()
>>> make_crm_source(config) is None  # kind none: no CRM until one is configured
True
"""

from __future__ import annotations

from pipelines.config import Config
from pipelines.sources.crm.pull import CrmSourceLike


def make_crm_source(config: Config) -> CrmSourceLike | None:
    """The CRM source ``config`` names, or None when none is configured."""
    section = config.sources.crm
    if section.kind == "none":
        return None
    if section.kind == "demo":
        from pipelines.sources.demo import DemoSettings
        from pipelines.sources.demo.crm_source import DemoCrm
        from pipelines.sources.factory import demo_end

        return DemoCrm(DemoSettings(start=config.history_start, end=demo_end(config),
                                    seed=config.demo.seed,
                                    traffic_scale=config.demo.traffic_scale,
                                    extra_campaigns=config.demo.extra_campaigns),
                       reread_days=section.reread_days)
    if section.kind == "hubspot":
        from pipelines.sources.crm.hubspot.source import HubSpotSettings, HubSpotSource
        from pipelines.sources.factory import retry_policy

        return HubSpotSource(HubSpotSettings.from_config(section, retry_policy(config)))
    if section.kind == "file":
        from pipelines.sources.crm.file import FileCrm

        return FileCrm(section.path, time_zone=config.reporting.time_zone)
    raise ValueError(f"sources.crm.kind: unknown CRM kind {section.kind!r}")
