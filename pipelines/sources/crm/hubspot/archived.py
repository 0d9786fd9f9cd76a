"""Contacts and deals deleted in the CRM, through the basic list API with ``archived=true``
(``GET /crm/v3/objects/<type>?archived=true``), paged with ``after``.

HubSpot keeps a deleted record restorable for 90 days and lists it as archived meanwhile; a
GDPR deletion (``gdpr-delete``) removes it at once and is NOT listed (see the README: a
reconciliation of live IDs finds those).
"""

from __future__ import annotations

from typing import Any

from pipelines.sources.crm.hubspot.calls import Calls

SCOPES = {"contacts": "crm.objects.contacts.read", "deals": "crm.objects.deals.read"}


def archived(api: Any, calls: Calls, object_type: str, limit: int) -> list[tuple[str, Any]]:
    """(ID, archived at) of every archived record of ``object_type`` (contacts or deals);
    no property is requested beyond HubSpot's default ones, and none is kept."""
    out: list[tuple[str, Any]] = []
    after, page = None, 0
    while True:
        page += 1
        answer = calls.call(
            lambda after=after: api.get_page(limit=limit, after=after, archived=True,
                                             properties=["hs_object_id"]),
            what=f"HubSpot archived {object_type}, page {page}", scope=SCOPES[object_type])
        out += [(str(r.id), r.archived_at) for r in answer.results or ()]
        after = getattr(getattr(answer.paging, "next", None), "after", None)
        if not after:
            return out
