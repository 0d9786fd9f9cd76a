"""Contact -> deal associations through the v4 associations batch read
(``POST /crm/v4/associations/contacts/deals/batch/read``), in batches of contact IDs.

A contact with more associations than one answer holds comes back with ``paging.next.after``
and is asked again from there. A contact with no deal is answered as an error of the
batch (HTTP 207, ``NO_ASSOCIATIONS_FOUND``): that is no deal, not a failure.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hubspot.crm.associations.v4 import (
    BatchInputPublicFetchAssociationsBatchRequest,
    PublicFetchAssociationsBatchRequest,
)

from pipelines.sources.crm.hubspot.calls import Calls
from pipelines.sources.retry import SourceError

SCOPE = "crm.objects.contacts.read"
BATCH = 1000  # inputs per batch read, HubSpot's maximum
NO_ASSOCIATIONS = "NO_ASSOCIATIONS_FOUND"


def batches(ids: list[str], size: int) -> list[list[str]]:
    """``ids`` in consecutive batches of at most ``size``.

    >>> batches(["1", "2", "3"], 2)
    [['1', '2'], ['3']]
    """
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def _failures(answer: Any) -> list[str]:
    """The batch's errors other than "this contact has no deals"."""
    out = []
    for error in getattr(answer, "errors", None) or ():
        sub = str(getattr(error, "sub_category", "") or "")
        if NO_ASSOCIATIONS not in sub and NO_ASSOCIATIONS not in str(error.message):
            out.append(f"{error.category}: {error.message}")
    return out


def contact_deals(api: Any, calls: Calls, contact_ids: Iterable[str],
                  size: int = BATCH) -> list[tuple[str, str]]:
    """Every (contact ID, deal ID) pair of the given contacts."""
    pairs: list[tuple[str, str]] = []
    todo = [(cid, None) for cid in dict.fromkeys(contact_ids)]
    asked = 0
    while todo:
        batch, todo = todo[:size], todo[size:]
        asked += 1
        body = BatchInputPublicFetchAssociationsBatchRequest(inputs=[
            PublicFetchAssociationsBatchRequest(id=cid, after=after) for cid, after in batch])
        answer = calls.call(
            lambda body=body: api.get_page("contacts", "deals", body),
            what=f"HubSpot contact -> deal associations, batch {asked}", scope=SCOPE)
        failures = _failures(answer)
        if failures:
            raise SourceError(f"HubSpot contact -> deal associations: {failures[0]} (and "
                              f"{len(failures) - 1} more). Nothing was written.")
        for result in answer.results or ():
            contact = str(result._from.id)
            pairs += [(contact, str(to.to_object_id)) for to in result.to or ()]
            following = getattr(getattr(result.paging, "next", None), "after", None)
            if following:
                todo.append((contact, following))
    return sorted(set(pairs))
