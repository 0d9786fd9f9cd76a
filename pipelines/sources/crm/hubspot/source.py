"""HubSpot as a CRM source: contacts and deals modified since a point in time (less the re-read
window), their associations and the archived ones, pseudonymised at ingest, retried with
back-off, errors that say what to do, and the token in no message.

``pull(stream, since)`` takes the time of the last successful pull (None: everything) and reads
what was modified from ``since - reread_days`` until now. It returns a frame of the stream's
columns in pandas' nullable types; ``frame.attrs`` holds what the pull saw (``read_from``,
``read_until``, ``requests``, ``retries``, ``queries``, and for ``crm_contact_deals`` the
contact keys whose pairs it replaces, ``replaces``).

IDs: a contact is ``pseudonymise("contact:<id>")``, a deal ``pseudonymise("deal:<id>")`` (the
prefix keeps a contact and a deal with the same number apart). Deal IDs are pseudonymised too:
a deal ID opens the deal in HubSpot, and the deal names its contact. Click ids are hashed
without a prefix, so Google Ads' and Meta's click ids hashed with the same key join them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from hubspot.crm import contacts as hs_contacts
from hubspot.crm import deals as hs_deals

from pipelines.crm_config import CrmSource
from pipelines.privacy import pseudonym_key, pseudonymise
from pipelines.sources.crm.hubspot import records
from pipelines.sources.crm.hubspot.archived import archived
from pipelines.sources.crm.hubspot.associations import BATCH, contact_deals
from pipelines.sources.crm.hubspot.calls import Calls
from pipelines.sources.crm.hubspot.client import Apis, make_apis
from pipelines.sources.crm.hubspot.search import MAX_RESULTS, Page, search_body, split_search
from pipelines.sources.crm.hubspot.token import AccessToken, load_token
from pipelines.sources.crm.streams import CRM_STREAMS, CrmStream, typed
from pipelines.sources.retry import RetryPolicy, SourceError

OBJECTS = {  # object type -> (client models, modified property, scope)
    "contacts": (hs_contacts, records.CONTACT_MODIFIED, "crm.objects.contacts.read"),
    "deals": (hs_deals, records.DEAL_MODIFIED, "crm.objects.deals.read"),
}


@dataclass(frozen=True)
class HubSpotSettings:
    """How to reach one HubSpot portal and what its stages mean."""

    access_token_env: str = "HUBSPOT_ACCESS_TOKEN"
    access_token_file: Path | None = None
    host: str | None = None  # default https://api.hubapi.com; a local test server
    reread_days: int = 30
    page_size: int = 100
    stages: tuple[tuple[str, str], ...] = (
        ("lead", "lead"), ("mql", "marketingqualifiedlead"), ("sql", "salesqualifiedlead"),
        ("opportunity", "opportunity"), ("customer", "customer"))
    pipelines: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
        ("default", ("closedwon",), ("closedlost",)),)
    utm_campaign_property: str | None = "utm_campaign"
    portal_currency: str | None = None
    max_results: int = MAX_RESULTS  # per search query (a test server caps lower)
    association_batch: int = BATCH
    spacing_s: float = 0.2  # between requests: the search API allows 5 a second
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @classmethod
    def from_config(cls, section: CrmSource, retry: RetryPolicy) -> HubSpotSettings:
        return cls(access_token_env=section.access_token_env,
                   access_token_file=section.access_token_file, host=section.host,
                   reread_days=section.reread_days, page_size=section.page_size,
                   stages=tuple(section.stages.by_step().items()),
                   pipelines=tuple((p.id, p.won_stages, p.lost_stages)
                                   for p in section.pipelines),
                   utm_campaign_property=section.utm_campaign_property,
                   portal_currency=section.portal_currency, retry=retry)

    @property
    def by_step(self) -> dict[str, str]:
        return dict(self.stages)

    @property
    def pipeline_stages(self) -> dict[str, records.Pipeline]:
        return {pid: records.Pipeline(frozenset(won), frozenset(lost))
                for pid, won, lost in self.pipelines}


def millis(moment: dt.datetime) -> int:
    """Milliseconds since 1970 (UTC), as the search API compares date-times.

    >>> millis(dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    1772323200000
    """
    return int(moment.timestamp() * 1000)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class HubSpotSource:
    """One HubSpot portal."""

    name = "hubspot"

    def __init__(self, settings: HubSpotSettings, *, token: AccessToken | None = None,
                 key: bytes | None = None, now: Callable[[], dt.datetime] = _now):
        self.settings = settings
        self._token, self._key, self._now = token, key, now

    @property
    def token(self) -> AccessToken:
        if self._token is None:
            s = self.settings
            self._token = load_token(s.access_token_env, s.access_token_file)
        return self._token

    @property
    def key(self) -> bytes:
        if self._key is None:
            self._key = pseudonym_key()
        return self._key

    def read_from(self, since: dt.datetime | None) -> dt.datetime | None:
        """The earliest modification time a pull after ``since`` reads."""
        return None if since is None else since - dt.timedelta(days=self.settings.reread_days)

    def pull(self, stream: CrmStream, since: dt.datetime | None) -> pd.DataFrame:
        """``stream``'s records modified from ``since - reread_days`` (everything when
        ``since`` is None) until now; ``crm_archived`` lists every archived record."""
        if CRM_STREAMS.get(stream.name) != stream:
            raise ValueError(f"HubSpot has no stream {stream.name!r}")
        until, start = self._now(), self.read_from(since)
        apis = make_apis(self.token, self.settings.host)
        calls = Calls(self.token, self.settings.retry, spacing_s=self.settings.spacing_s)
        queries: list[tuple[int, int]] = []
        lo, hi = (0 if start is None else millis(start)), millis(until)
        attrs: dict[str, Any] = {}
        if stream.name == "crm_contacts":
            rows = self._rows("contacts", apis, calls, lo, hi, queries)
            frame = self._contacts(rows)
        elif stream.name == "crm_deals":
            frame = self._deals(self._rows("deals", apis, calls, lo, hi, queries))
        elif stream.name == "crm_contact_deals":
            found = self._search("contacts", apis, calls, lo, hi, queries, (
                records.CONTACT_MODIFIED,))
            ids = sorted({str(r.id) for r in found})
            pairs = contact_deals(apis.associations, calls, ids, self.settings.association_batch)
            frame = pd.DataFrame({"contact_key": self._ids("contact", [c for c, _ in pairs]),
                                  "deal_key": self._ids("deal", [d for _, d in pairs])})
            attrs["replaces"] = sorted(self._ids("contact", ids))
        else:
            frame = self._archived(apis, calls)
        frame = typed(frame.assign(extracted_at=pd.Timestamp(until)), stream)
        frame = frame.sort_values(list(stream.key), kind="stable").reset_index(drop=True)
        doubled = frame.duplicated(list(stream.key))
        if doubled.any():
            raise SourceError(f"HubSpot {stream.name}: {int(doubled.sum())} records share a key "
                              "after pseudonymisation. Nothing was written.")
        frame.attrs = attrs | {
            "read_from": None if start is None else start.isoformat(),
            "read_until": until.isoformat(), "requests": calls.requests,
            "retries": calls.counter.retries, "queries": len(queries)}
        return frame

    # -- reading ----------------------------------------------------------------------------
    def _search(self, object_type: str, apis: Apis, calls: Calls, lo: int, hi: int,
                queries: list[tuple[int, int]], properties: tuple[str, ...]) -> list[Any]:
        models, modified, scope = OBJECTS[object_type]
        api = apis.contacts_search if object_type == "contacts" else apis.deals_search
        s = self.settings

        def page(lo: int, hi: int, after: str | None) -> Page:
            if after is None:
                queries.append((lo, hi))
            body = search_body(modified, lo, hi, properties, s.page_size, after)
            body["filter_groups"] = [models.FilterGroup(filters=[models.Filter(
                property_name=f["propertyName"], operator=f["operator"], value=f["value"])
                for f in g["filters"]]) for g in body["filter_groups"]]
            request = models.PublicObjectSearchRequest(**body)
            answer = calls.call(lambda: api.do_search(public_object_search_request=request),
                                what=f"HubSpot {object_type} search", scope=scope)
            following = getattr(getattr(answer.paging, "next", None), "after", None)
            return Page(list(answer.results or ()), int(answer.total or 0), following)

        return split_search(page, lo, hi, s.max_results, what=f"HubSpot {object_type} search")

    def _rows(self, object_type: str, apis: Apis, calls: Calls, lo: int, hi: int,
              queries: list[tuple[int, int]]) -> list[dict[str, Any]]:
        """The records as rows (raw IDs), one per ID: a record found twice (it changed while
        the pull paged) keeps its newest version."""
        s = self.settings
        properties = (records.contact_properties(s.by_step, s.utm_campaign_property)
                      if object_type == "contacts" else records.deal_properties())
        found = self._search(object_type, apis, calls, lo, hi, queries, properties)
        newest: dict[str, dict[str, Any]] = {}
        for record in found:
            props = dict(record.properties or {})
            try:
                row = (records.contact_row(record.id, props, s.by_step, s.utm_campaign_property)
                       if object_type == "contacts" else
                       records.deal_row(record.id, props, s.pipeline_stages, s.portal_currency))
            except (ValueError, TypeError) as exc:
                raise SourceError(f"HubSpot {object_type}: {exc}. Nothing was "
                                  "written.") from None
            old = newest.get(row["id"])
            if old is None or (row["modified_at"] or pd.Timestamp.min.tz_localize("UTC")) >= (
                    old["modified_at"] or pd.Timestamp.min.tz_localize("UTC")):
                newest[row["id"]] = row
        return list(newest.values())

    def _ids(self, kind: str, ids: list[str]) -> list[str | None]:
        return list(pseudonymise([f"{kind}:{i}" for i in ids], self.key))

    def _contacts(self, rows: list[dict[str, Any]]) -> pd.DataFrame:
        frame = pd.DataFrame(rows, columns=[*CRM_STREAMS["crm_contacts"].column_names[:-1],
                                            "id", "gclid", "fbclid"])
        return frame.assign(contact_key=self._ids("contact", frame["id"].tolist()),
                            gclid_key=pseudonymise(frame["gclid"].tolist(), self.key),
                            fbclid_key=pseudonymise(frame["fbclid"].tolist(), self.key))

    def _deals(self, rows: list[dict[str, Any]]) -> pd.DataFrame:
        frame = pd.DataFrame(rows, columns=[*CRM_STREAMS["crm_deals"].column_names[:-1], "id"])
        return frame.assign(deal_key=self._ids("deal", frame["id"].tolist()))

    def _archived(self, apis: Apis, calls: Calls) -> pd.DataFrame:
        parts = []
        for object_type, api, kind in (("contacts", apis.contacts_basic, "contact"),
                                       ("deals", apis.deals_basic, "deal")):
            found = archived(api, calls, object_type, self.settings.page_size)
            parts.append(pd.DataFrame({
                "object_type": kind, "record_key": self._ids(kind, [i for i, _ in found]),
                "archived_at": pd.to_datetime([a for _, a in found], utc=True)}))
        return pd.concat(parts, ignore_index=True)


def pseudonyms(ids: Mapping[str, str], key: bytes) -> dict[str, str]:
    """The pseudonym of each raw ID, by kind (``{"contact": "901"}``), as the source makes them
    (for tests and for looking up one record on an erasure request).

    >>> pseudonyms({"contact": "901"}, b"k" * 32)["contact"].startswith("p_")
    True
    """
    return {kind: str(pseudonymise([f"{kind}:{raw}"], key)[0]) for kind, raw in ids.items()}
