"""The demo CRM (:mod:`pipelines.sources.demo.crm_source`) as a planted HubSpot portal for the
fake CRM API (:mod:`tests.fakes.hubspot_server`): the very records the demo source turns into
rows on the morning ``as_of``, so a ``kind: hubspot`` run against the fake stores what a
``kind: demo`` run stores. Nothing is simulated here.

>>> import datetime as dt
>>> from pipelines.sources.demo import DemoSettings
>>> from pipelines.sources.demo.crm_source import DemoCrm
>>> crm = DemoCrm(DemoSettings(dt.date(2026, 1, 1), dt.date(2026, 1, 31)))
>>> portal = demo_portal(crm)
>>> len(portal.contacts) == len(crm.portal.contacts), len(portal.deals) == len(crm.portal.deals)
(True, True)
"""

from __future__ import annotations

from pipelines.sources.demo.crm_source import DemoCrm, PortalRecord
from tests.fakes.hubspot_data import PlantedPortal, Record


def _record(found: PortalRecord) -> Record:
    return Record(found.id, dict(found.properties), found.created.to_pydatetime(),
                  found.modified.to_pydatetime())


def demo_portal(crm: DemoCrm) -> PlantedPortal:
    """A fresh portal (tests change it in place) holding the demo CRM at ``crm``'s morning."""
    portal = crm.portal
    archived = [Record(cid, {"hs_object_id": cid}, created.to_pydatetime(), at.to_pydatetime(),
                       archived_at=at.to_pydatetime())
                for cid, created, at in portal.archived_contacts]
    return PlantedPortal([_record(r) for r in portal.contacts],
                         [_record(r) for r in portal.deals],
                         {c: list(d) for c, d in portal.associations.items()}, archived, [])
