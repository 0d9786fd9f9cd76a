"""One pull of every CRM stream from any CRM source (HubSpot, the demo's, a file export): the
frames with what the pull saw, ready for :func:`pipelines.sources.crm.store.store_crm_pull`.

>>> import datetime as dt
>>> from pipelines.sources.demo.crm_source import DemoCrm
>>> from pipelines.sources.demo import DemoSettings
>>> crm = DemoCrm(DemoSettings(dt.date(2026, 1, 1), dt.date(2026, 1, 20)))
>>> pull = pull_crm(crm, "demo", None)
>>> sorted(pull.frames), pull.read_from is None
(['crm_archived', 'crm_contact_deals', 'crm_contacts', 'crm_deals'], True)
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import pandas as pd
from ibis.backends import BaseBackend

from pipelines.sources.crm.store import (
    CrmPull,
    CrmStored,
    crm_since,
    empty_crm_tables,
    store_crm_pull,
)
from pipelines.sources.crm.streams import CRM_STREAMS, CrmStream


class CrmSourceLike(Protocol):
    """What every CRM source offers: the records of a stream modified since a time."""

    def pull(self, stream: CrmStream, since: dt.datetime | None) -> pd.DataFrame: ...


def pull_crm(source: CrmSourceLike, kind: str, since: dt.datetime | None,
             streams: tuple[str, ...] = tuple(CRM_STREAMS)) -> CrmPull:
    """Pull each of ``streams`` since ``since``; the pull reads until the earliest of its
    streams' ``read_until`` (the next pull starts there, less the re-read window)."""
    frames = {name: source.pull(CRM_STREAMS[name], since) for name in streams}
    untils = [f.attrs["read_until"] for f in frames.values() if f.attrs.get("read_until")]
    froms = [f.attrs.get("read_from") for f in frames.values() if f.attrs.get("read_from")]
    until = min(untils, key=pd.Timestamp) if untils else pd.Timestamp.now(tz="UTC").isoformat()
    return CrmPull(kind, frames, until, min(froms, key=pd.Timestamp) if froms else None)


def sync_crm(con: BaseBackend, source: CrmSourceLike | None, kind: str) -> CrmStored:
    """One night's CRM work: pull every stream since the last pull of ``kind`` and store it;
    no source (kind none): the CRM tables exist, empty or as an earlier CRM left them."""
    if source is None:
        return CrmStored(rows=empty_crm_tables(con))
    return store_crm_pull(con, pull_crm(source, kind, crm_since(con, kind)))
