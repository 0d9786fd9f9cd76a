"""The demo CRM as a HubSpot portal would hold it on the morning ``as_of``, and a source with the
HubSpot source's interface (``pull(stream, since)``).

A record shows what was known then: a stage reached later is not visible, a deal closing later
is still open (its close date the expected one), ``modified_at`` is the last change before
``as_of``; a contact erased (GDPR) before ``as_of`` is gone (its deals stay, without the pair)
and listed as archived for 90 days, as HubSpot does. The portal is HubSpot-shaped (IDs and
properties as the API answers them), and rows are made by the HubSpot connector's own
:mod:`~pipelines.sources.crm.hubspot.records`, so a ``kind: hubspot`` pull of the fake API
serving this portal gives the same rows (tested).

IDs are pseudonymised like the HubSpot source's, with the demo's public key (the demo holds no
personal data) unless another is given.

>>> import datetime as dt
>>> from pipelines.sources.demo import DemoSettings
>>> from pipelines.sources.crm.streams import CRM_STREAMS
>>> crm = DemoCrm(DemoSettings(dt.date(2026, 1, 1), dt.date(2026, 2, 28)))
>>> contacts = crm.pull(CRM_STREAMS["crm_contacts"], None)
>>> bool((contacts.modified_at < pd.Timestamp(crm.settings.as_of)).all())
True
>>> later = crm.pull(CRM_STREAMS["crm_contacts"], crm.settings.as_of)  # the re-read window
>>> 0 < len(later) < len(contacts), later.attrs["read_from"][:10]
(True, '2026-01-30')
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

import pandas as pd

from pipelines.privacy import pseudonymise
from pipelines.sources.crm.hubspot import records
from pipelines.sources.crm.streams import CRM_STREAMS, CrmStream, typed
from pipelines.sources.demo.crm_simulate import crm_truth, life_table
from pipelines.sources.demo.crm_world import DEMO_KEY
from pipelines.sources.demo.simulate import simulate
from pipelines.sources.demo.source import DemoSettings
from pipelines.sources.demo.world import CURRENCY_CODE

ARCHIVE_DAYS = 90  # HubSpot lists a deleted record this long
STAGES = {"lead": "lead", "mql": "marketingqualifiedlead", "sql": "salesqualifiedlead",
          "opportunity": "opportunity", "customer": "customer"}
PIPELINES = {"default": records.Pipeline(frozenset({"closedwon"}), frozenset({"closedlost"}))}
_STEP_COLUMNS = {"lead": "created_at", "mql": "mql_at", "sql": "sql_at",
                 "opportunity": "opportunity_at", "customer": "customer_at"}


def iso(moment: pd.Timestamp) -> str:
    """HubSpot's date-time text (UTC, milliseconds, Z).

    >>> iso(pd.Timestamp("2026-03-01 10:00:05", tz="UTC"))
    '2026-03-01T10:00:05.000Z'
    """
    return moment.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z")


@dataclass(frozen=True)
class PortalRecord:
    """One CRM object as HubSpot holds it: ID, properties (text), created, last modified."""

    id: str
    properties: dict[str, str | None]
    created: pd.Timestamp
    modified: pd.Timestamp


@dataclass(frozen=True)
class Portal:
    """The demo CRM on one morning: live contacts and deals, contact -> deal IDs, and the
    archived (erased) contacts with when."""

    contacts: tuple[PortalRecord, ...]
    deals: tuple[PortalRecord, ...]
    associations: dict[str, tuple[str, ...]]
    archived_contacts: tuple[tuple[str, pd.Timestamp, pd.Timestamp], ...]  # id, created, at


def _text(value: Any) -> str | None:
    """A property's text; missing (None or NaN) stays None."""
    return None if value is None or pd.isna(value) else str(value)


def portal_at(life: pd.DataFrame, as_of: pd.Timestamp) -> Portal:
    """The portal as it stood at ``as_of`` (see the module's docstring)."""
    born = life[life.created_at < as_of]
    erased = born.erased_at < as_of
    live = born[~erased]
    contacts = []
    for row in live.itertuples(index=False):
        seen = {step: getattr(row, col) for step, col in _STEP_COLUMNS.items()}
        seen = {step: t for step, t in seen.items() if pd.notna(t) and t < as_of}
        deal = row.deal_created_at if pd.notna(row.deal_created_at) else None
        events = [*seen.values(), *([deal] if deal is not None and deal < as_of else [])]
        reached = next(step for step in reversed(STAGES) if step in seen)
        props: dict[str, str | None] = {
            "hs_object_id": row.contact_id, "createdate": iso(row.created_at),
            "lastmodifieddate": iso(max(events)), "lifecyclestage": STAGES[reached],
            "hs_analytics_source": _text(row.original_source),
            "hs_analytics_source_data_1": _text(row.drill_1),
            "hs_analytics_source_data_2": _text(row.drill_2),
            "hs_google_click_id": _text(row.gclid), "hs_facebook_click_id": _text(row.fbclid),
            "utm_campaign": _text(row.utm_campaign)}
        props |= {records.stage_date_property(STAGES[s]): iso(t) for s, t in seen.items()}
        contacts.append(PortalRecord(row.contact_id, props, row.created_at, max(events)))
    deals, pairs = [], {}
    alive = set(live.contact_id)
    for row in born[born.deal_created_at < as_of].itertuples(index=False):
        closed = row.closed_at < as_of
        opp = pd.notna(row.opportunity_at) and row.opportunity_at < as_of
        stage = (("closedwon" if row.outcome == "won" else "closedlost") if closed
                 else "presentationscheduled" if opp else "appointmentscheduled")
        modified = row.closed_at if closed else row.opportunity_at if opp else row.deal_created_at
        props = {"hs_object_id": row.deal_id, "createdate": iso(row.deal_created_at),
                 "hs_lastmodifieddate": iso(modified), "pipeline": "default",
                 "dealstage": stage, "amount": f"{row.amount:.2f}",
                 "deal_currency_code": CURRENCY_CODE,
                 "closedate": iso(row.closed_at if closed else row.expected_close_at),
                 "hs_is_closed": "true" if closed else "false",
                 "hs_is_closed_won": "true" if closed and row.outcome == "won" else "false"}
        deals.append(PortalRecord(row.deal_id, props, row.deal_created_at, modified))
        if row.contact_id in alive:  # an erased contact's deals stay, without the pair
            pairs[row.contact_id] = (row.deal_id,)
    gone = born[erased & (born.erased_at >= as_of - pd.Timedelta(days=ARCHIVE_DAYS))]
    archived = tuple(zip(gone.contact_id, gone.created_at, gone.erased_at, strict=True))
    return Portal(tuple(contacts), tuple(deals), pairs, archived)


@functools.lru_cache(maxsize=4)
def demo_life(settings: DemoSettings) -> pd.DataFrame:
    """The life table of the demo history ``settings`` describes (cached per settings)."""
    truth = simulate(settings.start, settings.end, settings.seed, settings.traffic_scale,
                     settings.extra_campaigns)
    return life_table(truth)


class DemoCrm:
    """The demo's CRM, pulled like HubSpot: records modified since ``since`` less the re-read
    window, until ``as_of`` (the morning after the demo's end)."""

    name = "demo"

    def __init__(self, settings: DemoSettings, *, key: bytes = DEMO_KEY, reread_days: int = 30):
        self.settings, self.key, self.reread_days = settings, key, reread_days
        self._portal: Portal | None = None

    @property
    def as_of(self) -> pd.Timestamp:
        return pd.Timestamp(self.settings.as_of)

    @property
    def life(self) -> pd.DataFrame:
        return demo_life(self.settings)

    @property
    def portal(self) -> Portal:
        if self._portal is None:
            self._portal = portal_at(self.life, self.as_of)
        return self._portal

    def truth(self) -> pd.DataFrame:
        """Per platform, campaign and lead date: leads, MQLs, SQLs, won deals, won revenue
        (final outcomes; see :func:`~pipelines.sources.demo.crm_simulate.crm_truth`)."""
        return crm_truth(self.life)

    def _ids(self, kind: str, ids: list[str]) -> list[str | None]:
        return list(pseudonymise([f"{kind}:{i}" for i in ids], self.key))

    def pull(self, stream: CrmStream, since: dt.datetime | None) -> pd.DataFrame:
        """``stream``'s records modified from ``since - reread_days`` until ``as_of``."""
        if CRM_STREAMS.get(stream.name) != stream:
            raise ValueError(f"the demo CRM has no stream {stream.name!r}")
        start = None if since is None else pd.Timestamp(since) - pd.Timedelta(
            days=self.reread_days)
        portal, until = self.portal, self.as_of

        def fresh(found: tuple[PortalRecord, ...]) -> list[PortalRecord]:
            return [r for r in found if (start is None or r.modified >= start)
                    and r.modified < until]

        attrs: dict[str, Any] = {}
        if stream.name == "crm_contacts":
            rows = [records.contact_row(r.id, r.properties, STAGES, "utm_campaign")
                    for r in fresh(portal.contacts)]
            frame = pd.DataFrame(rows, columns=[*stream.column_names[:-1], "id", "gclid",
                                                "fbclid"])
            frame = frame.assign(contact_key=self._ids("contact", frame["id"].tolist()),
                                 gclid_key=pseudonymise(frame["gclid"].tolist(), self.key),
                                 fbclid_key=pseudonymise(frame["fbclid"].tolist(), self.key))
        elif stream.name == "crm_deals":
            rows = [records.deal_row(r.id, r.properties, PIPELINES, None)
                    for r in fresh(portal.deals)]
            frame = pd.DataFrame(rows, columns=[*stream.column_names[:-1], "id"])
            frame = frame.assign(deal_key=self._ids("deal", frame["id"].tolist()))
        elif stream.name == "crm_contact_deals":
            ids = sorted(r.id for r in fresh(portal.contacts))
            pairs = [(c, d) for c in ids for d in portal.associations.get(c, ())]
            frame = pd.DataFrame({"contact_key": self._ids("contact", [c for c, _ in pairs]),
                                  "deal_key": self._ids("deal", [d for _, d in pairs])})
            attrs["replaces"] = sorted(self._ids("contact", ids))
        else:
            gone = portal.archived_contacts
            frame = pd.DataFrame({"object_type": "contact",
                                  "record_key": self._ids("contact", [i for i, _, _ in gone]),
                                  "archived_at": pd.to_datetime([a for _, _, a in gone],
                                                                utc=True)})
        frame = typed(frame.assign(extracted_at=until), stream)
        frame = frame.sort_values(list(stream.key), kind="stable").reset_index(drop=True)
        frame.attrs = attrs | {"read_from": None if start is None else start.isoformat(),
                               "read_until": until.isoformat(), "requests": 0, "retries": 0,
                               "queries": 0}
        return frame

