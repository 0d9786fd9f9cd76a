"""The CRM's raw streams. Unlike the daily facts of :mod:`pipelines.sources.streams`, CRM
records are entities updated in place: a contact moves through the funnel, a deal changes
stage and amount. Each pull returns the records modified since a point in time, so a stream
is stored by upserting on its key (newest ``modified_at`` wins) and applying the erasures of
``crm_archived``.

Every identifier a person could be looked up by is a keyed pseudonym (:mod:`pipelines.privacy`):
contacts, deals and click ids. No e-mail, name, phone or address is ever requested.

>>> CRM_STREAMS["crm_contacts"].key
('contact_key',)
>>> CRM_STREAMS["crm_deals"].modified
'modified_at'
>>> CRM_STREAMS["crm_contact_deals"].replaces
'contact_key'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from pipelines.sources.streams import RawTable

CrmDtype = Literal["string", "float64", "timestamp", "boolean"]
STEPS = ("lead", "mql", "sql", "opportunity", "customer")  # the funnel, in order


@dataclass(frozen=True)
class CrmStream(RawTable):
    """One CRM table: its columns in order, its key, the column saying when a record last
    changed (None: the stream has no own modification time), and the column whose values a
    pull replaces whole (an association stream: each pulled contact's deals)."""

    name: str
    columns: tuple[tuple[str, CrmDtype], ...]
    key: tuple[str, ...]
    description: str
    modified: str | None = "modified_at"
    replaces: str | None = None
    source: str = "crm"


CRM_CONTACTS = CrmStream(
    name="crm_contacts",
    columns=(
        ("contact_key", "string"),  # pseudonym of the HubSpot contact ID
        ("created_at", "timestamp"),  # createdate (UTC)
        ("modified_at", "timestamp"),  # lastmodifieddate (UTC)
        ("lifecycle_stage", "string"),  # lifecyclestage, the portal's internal value
        ("funnel_step", "string"),  # lead / mql / sql / opportunity / customer, else null
        # hs_lifecyclestage_<stage>_date of the configured stage of each step (UTC)
        *((f"{step}_at", "timestamp") for step in STEPS),
        ("original_source", "string"),  # hs_analytics_source, e.g. PAID_SEARCH
        ("source_drill_1", "string"),  # hs_analytics_source_data_1 (URLs without query)
        ("source_drill_2", "string"),  # hs_analytics_source_data_2
        ("utm_campaign", "string"),  # the configured custom property, where present
        ("gclid_key", "string"),  # pseudonym of hs_google_click_id
        ("fbclid_key", "string"),  # pseudonym of hs_facebook_click_id
        ("extracted_at", "timestamp"),
    ),
    key=("contact_key",),
    description="CRM search API, contacts modified since the read-from time: funnel stage "
    "and dates, and the attribution the CRM holds.",
)

CRM_DEALS = CrmStream(
    name="crm_deals",
    columns=(
        ("deal_key", "string"),  # pseudonym of the HubSpot deal ID
        ("created_at", "timestamp"),
        ("modified_at", "timestamp"),  # hs_lastmodifieddate
        ("closed_at", "timestamp"),  # closedate: expected while open, actual once closed
        ("pipeline", "string"),
        ("deal_stage", "string"),
        ("outcome", "string"),  # won / lost / open by the configured stages; null: not counted
        ("is_closed", "boolean"),  # hs_is_closed (HubSpot's own view)
        ("is_closed_won", "boolean"),  # hs_is_closed_won
        ("amount", "float64"),  # in currency_code; null when the deal has no amount
        ("currency_code", "string"),  # deal_currency_code
        ("extracted_at", "timestamp"),
    ),
    key=("deal_key",),
    description="CRM search API, deals modified since the read-from time: pipeline, stage, "
    "outcome, amount with its currency, create and close dates.",
)

CRM_CONTACT_DEALS = CrmStream(
    name="crm_contact_deals",
    columns=(("contact_key", "string"), ("deal_key", "string"), ("extracted_at", "timestamp")),
    key=("contact_key", "deal_key"),
    description="v4 associations batch read, contact -> deals, for the contacts pulled: each "
    "pulled contact's whole set of deals (a pull replaces that contact's pairs).",
    modified=None,
    replaces="contact_key",
)

CRM_ARCHIVED = CrmStream(
    name="crm_archived",
    columns=(("object_type", "string"), ("record_key", "string"),
             ("archived_at", "timestamp"), ("extracted_at", "timestamp")),
    key=("object_type", "record_key"),
    description="Basic list API with archived=true: contacts and deals deleted in the CRM, "
    "whose rows every table must drop (a GDPR erasure disappears on the next run).",
    modified=None,
)

CRM_STREAMS: dict[str, CrmStream] = {
    s.name: s for s in (CRM_CONTACTS, CRM_DEALS, CRM_CONTACT_DEALS, CRM_ARCHIVED)}


def typed(frame: pd.DataFrame, stream: CrmStream) -> pd.DataFrame:
    """``frame`` with exactly ``stream``'s columns, in order, in pandas' nullable types.

    >>> out = typed(pd.DataFrame({"contact_key": ["p_1"], "deal_key": ["p_2"],
    ...                           "extracted_at": ["2026-03-01T00:00:00Z"]}), CRM_CONTACT_DEALS)
    >>> out.dtypes.astype(str).tolist()
    ['string', 'string', 'datetime64[us, UTC]']
    """
    return stream.nullable(frame)
