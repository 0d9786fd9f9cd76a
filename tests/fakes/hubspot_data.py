"""A planted HubSpot portal for the fake CRM API: a few hundred contacts and deals with
modification times spread over Q1 2026, lifecycle stages with the dates they were reached,
attribution (original source, drill-downs, click ids), deals in two pipelines, contact -> deal
associations, and archived (deleted) records. Personal properties (e-mail, names, phone) are
planted too, so tests can see they never leave the server.

Deterministic: the same seed plants the same portal.

>>> portal = planted_portal()
>>> len(portal.contacts), len(portal.deals), len(portal.archived_contacts)
(320, 140, 6)
>>> sum(len(d) for d in portal.associations.values()) >= len(portal.deals)
True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
END = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
STAGES = ("subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity",
          "customer")
SOURCES = ("PAID_SEARCH", "PAID_SOCIAL", "ORGANIC_SEARCH", "EMAIL_MARKETING", "DIRECT_TRAFFIC",
           "REFERRALS", "OFFLINE")
DEFAULT_STAGES = ("appointmentscheduled", "qualifiedtobuy", "presentationscheduled",
                  "decisionmakerboughtin", "contractsent", "closedwon", "closedlost")
# A second pipeline (installations), with its own won and lost stage IDs.
INSTALL_PIPELINE = "8675309"
INSTALL_STAGES = ("1001", "1002", "1003", "1004")  # visit, quote, 1003 = won, 1004 = lost
CLOSED = {"closedwon": True, "closedlost": False, "1003": True, "1004": False}  # -> won?


def iso(moment: dt.datetime) -> str:
    """HubSpot's date-time text: ISO 8601 in UTC with milliseconds and a Z."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z")


@dataclass
class Record:
    """One CRM object as the portal holds it."""

    id: str
    properties: dict[str, str | None]
    created: dt.datetime
    modified: dt.datetime
    archived_at: dt.datetime | None = None

    def answer(self, requested: list[str] | None, defaults: tuple[str, ...]) -> dict[str, Any]:
        """The object as the API answers it: the requested properties (HubSpot's defaults
        when none are named) plus ``hs_object_id``, ``createdate`` and the modified date."""
        names = list(requested) if requested else list(defaults)
        always = ("hs_object_id", "createdate", "lastmodifieddate", "hs_lastmodifieddate")
        props = {n: self.properties.get(n) for n in names}
        props |= {n: self.properties[n] for n in always if n in self.properties}
        out = {"id": self.id, "properties": props, "createdAt": iso(self.created),
               "updatedAt": iso(self.modified), "archived": self.archived_at is not None}
        if self.archived_at is not None:
            out["archivedAt"] = iso(self.archived_at)
        return out


@dataclass
class PlantedPortal:
    contacts: list[Record]
    deals: list[Record]
    associations: dict[str, list[str]]  # contact ID -> deal IDs
    archived_contacts: list[Record] = field(default_factory=list)
    archived_deals: list[Record] = field(default_factory=list)

    def live(self, object_type: str) -> list[Record]:
        return self.contacts if object_type == "contacts" else self.deals

    def archived(self, object_type: str) -> list[Record]:
        return self.archived_contacts if object_type == "contacts" else self.archived_deals

    def touch(self, object_type: str, record_id: str, moment: dt.datetime,
              **changes: str | None) -> None:
        """Modify a record at ``moment`` (its modified date moves there)."""
        record = next(r for r in self.live(object_type) if r.id == record_id)
        record.properties.update(changes)
        record.modified = moment
        name = "lastmodifieddate" if object_type == "contacts" else "hs_lastmodifieddate"
        record.properties[name] = iso(moment)

    def archive(self, object_type: str, record_id: str, moment: dt.datetime) -> None:
        """Delete a record in the CRM: it moves to the archived list."""
        live = self.live(object_type)
        record = next(r for r in live if r.id == record_id)
        live.remove(record)
        record.archived_at = moment
        self.archived(object_type).append(record)
        if object_type == "contacts":
            self.associations.pop(record_id, None)
        else:
            for deals in self.associations.values():
                if record_id in deals:
                    deals.remove(record_id)


def _moment(rng: np.random.Generator, lo: dt.datetime, hi: dt.datetime) -> dt.datetime:
    span = int((hi - lo).total_seconds() * 1000)
    return lo + dt.timedelta(milliseconds=int(rng.integers(0, max(span, 1))))


def _contact(rng: np.random.Generator, n: int) -> Record:
    cid = str(1000 + 17 * n)
    created = _moment(rng, START, END - dt.timedelta(days=20))
    reached = int(rng.choice(len(STAGES), p=[0.1, 0.35, 0.2, 0.15, 0.1, 0.1]))
    props: dict[str, str | None] = {
        "hs_object_id": cid, "createdate": iso(created), "lifecyclestage": STAGES[reached],
        "email": f"klant{n}@voorbeeld.be", "firstname": f"Voornaam{n}",
        "lastname": f"Achternaam{n}", "phone": f"+32 470 {n:06d}",
        "address": f"Kerkstraat {n}", "city": "Gent"}
    moment = created
    for stage in STAGES[1:reached + 1]:
        moment = moment + dt.timedelta(hours=float(rng.uniform(2, 24 * 12)))
        props[f"hs_lifecyclestage_{stage}_date"] = iso(moment)
    if reached >= 1:
        props["hs_lifecyclestage_lead_date"] = iso(created)  # a lead from its creation
    source = SOURCES[int(rng.integers(0, len(SOURCES)))]
    props["hs_analytics_source"] = source
    props["hs_analytics_source_data_1"] = {
        "PAID_SEARCH": "google", "PAID_SOCIAL": "Facebook",
        "REFERRALS": f"https://partner{n % 3}.example/warmtepompen?ref=mail&email=x{n}@y.be",
        "ORGANIC_SEARCH": "google", "OFFLINE": "IMPORT"}.get(source)
    props["hs_analytics_source_data_2"] = {
        "PAID_SEARCH": "warmtepomp offerte", "PAID_SOCIAL": f"{120210000000000101 + n % 2}",
        "OFFLINE": f"import-{n % 4}.csv" if n % 5 else "jan.peeters@voorbeeld.be"}.get(source)
    if source == "PAID_SEARCH":
        props["hs_google_click_id"] = f"Cj0KCQiA{n:05d}gclid"
    if source == "PAID_SOCIAL":
        props["hs_facebook_click_id"] = f"IwAR{n:05d}fbclid"
    if source in ("PAID_SEARCH", "PAID_SOCIAL", "EMAIL_MARKETING") and n % 3:
        props["utm_campaign"] = ["NL – warmtepomp", "FR – pompe à chaleur", "nieuwsbrief-03"][
            SOURCES.index(source) % 3]
    modified = max(moment, created) + dt.timedelta(hours=float(rng.uniform(0, 24 * 20)))
    modified = min(modified, END - dt.timedelta(milliseconds=1))
    props["lastmodifieddate"] = iso(modified)
    return Record(cid, props, created, modified)


def _deal(rng: np.random.Generator, n: int) -> Record:
    did = str(70000 + 31 * n)
    created = _moment(rng, START, END - dt.timedelta(days=15))
    install = n % 4 == 0
    stages = INSTALL_STAGES if install else DEFAULT_STAGES
    stage = stages[int(rng.integers(0, len(stages)))]
    closed = stage in CLOSED
    won = CLOSED.get(stage, False)
    close = created + dt.timedelta(days=float(rng.uniform(3, 40)))
    props: dict[str, str | None] = {
        "hs_object_id": did, "createdate": iso(created),
        "dealname": f"Warmtepomp – familie Achternaam{n}",
        "amount": None if n % 9 == 0 else f"{float(rng.uniform(1500, 18000)):.2f}",
        "deal_currency_code": "EUR" if n % 11 else None,
        "pipeline": INSTALL_PIPELINE if install else "default", "dealstage": stage,
        "closedate": iso(close), "hs_is_closed": "true" if closed else "false",
        "hs_is_closed_won": "true" if won else "false"}
    modified = min(created + dt.timedelta(hours=float(rng.uniform(1, 24 * 15))),
                   END - dt.timedelta(milliseconds=1))
    props["hs_lastmodifieddate"] = iso(modified)
    return Record(did, props, created, modified)


def planted_portal(seed: int = 20, contacts: int = 320, deals: int = 140,
                   archived_contacts: int = 6, archived_deals: int = 4) -> PlantedPortal:
    """A fresh portal (each call its own copy: tests may change it)."""
    rng = np.random.default_rng(seed)
    people = [_contact(rng, n) for n in range(contacts + archived_contacts)]
    sales = [_deal(rng, n) for n in range(deals + archived_deals)]
    associations: dict[str, list[str]] = {}
    buyers = [c for c in people[:contacts] if c.properties["lifecyclestage"] in STAGES[3:]]
    for n, deal in enumerate(sales[:deals]):
        owner = buyers[int(rng.integers(0, len(buyers)))] if buyers else people[0]
        associations.setdefault(owner.id, []).append(deal.id)
        if n % 10 == 0:  # a deal with two contacts (a couple)
            other = people[int(rng.integers(0, contacts))]
            if deal.id not in associations.get(other.id, []):
                associations.setdefault(other.id, []).append(deal.id)
    for record in people[contacts:] + sales[deals:]:
        record.archived_at = record.modified + dt.timedelta(days=1)
    return PlantedPortal(people[:contacts], sales[:deals], associations,
                         people[contacts:], sales[deals:])
