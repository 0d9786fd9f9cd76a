"""Which properties are requested, and how one HubSpot contact or deal becomes a stream row.

Only the properties listed here are ever requested: no e-mail, name, phone, address or deal
name (:data:`~pipelines.crm_config.PERSONAL_PROPERTIES` is refused outright). IDs become keyed
pseudonyms in the source, not here: rows carry the raw ID under ``id`` until then.

>>> stages = {"lead": "lead", "mql": "marketingqualifiedlead", "sql": "salesqualifiedlead",
...           "opportunity": "opportunity", "customer": "customer"}
>>> row = contact_row("901", {"createdate": "2026-03-02T09:15:00.120Z",
...     "lastmodifieddate": "2026-03-04T10:00:00Z", "lifecyclestage": "marketingqualifiedlead",
...     "hs_lifecyclestage_lead_date": "2026-03-02T09:15:00.120Z",
...     "hs_lifecyclestage_marketingqualifiedlead_date": "1772618400000",
...     "hs_analytics_source": "PAID_SEARCH",
...     "hs_analytics_source_data_1": "https://shop.example/offerte?email=jan@x.be#top",
...     "hs_google_click_id": "Cj0KCQ"}, stages, "utm_campaign")
>>> row["funnel_step"], row["mql_at"], row["sql_at"]
('mql', Timestamp('2026-03-04 10:00:00+0000', tz='UTC'), None)
>>> row["source_drill_1"], row["gclid"]
('https://shop.example/offerte', 'Cj0KCQ')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from pipelines.crm_config import PERSONAL_PROPERTIES

CONTACT_MODIFIED = "lastmodifieddate"
DEAL_MODIFIED = "hs_lastmodifieddate"
CONTACT_BASE = ("createdate", CONTACT_MODIFIED, "lifecyclestage", "hs_analytics_source",
                "hs_analytics_source_data_1", "hs_analytics_source_data_2",
                "hs_google_click_id", "hs_facebook_click_id")
DEAL_PROPERTIES = ("amount", "deal_currency_code", "pipeline", "dealstage", "createdate",
                   "closedate", DEAL_MODIFIED, "hs_is_closed_won", "hs_is_closed")


def stage_date_property(stage: str) -> str:
    """The contact property holding the date ``stage`` was reached.

    >>> stage_date_property("salesqualifiedlead")
    'hs_lifecyclestage_salesqualifiedlead_date'
    """
    return f"hs_lifecyclestage_{stage}_date"


def _checked(properties: tuple[str, ...]) -> tuple[str, ...]:
    personal = sorted(p for p in properties if p.lower() in PERSONAL_PROPERTIES)
    if personal:
        raise ValueError(f"personal properties are never requested: {personal}")
    return properties


def contact_properties(stages: Mapping[str, str], utm_property: str | None) -> tuple[str, ...]:
    """The contact properties to request: :data:`CONTACT_BASE`, each step's stage date, the
    UTM campaign property if configured."""
    dates = tuple(stage_date_property(s) for s in stages.values())
    return _checked(CONTACT_BASE + dates + ((utm_property,) if utm_property else ()))


def deal_properties() -> tuple[str, ...]:
    return _checked(DEAL_PROPERTIES)


def timestamp(value: Any) -> pd.Timestamp | None:
    """A HubSpot date-time (ISO 8601, or milliseconds since 1970 as older properties give)
    in UTC; empty -> None.

    >>> timestamp("2026-03-02T09:15:00Z") == timestamp("1772442900000")
    True
    >>> timestamp("2026-03-02T10:15:00+01:00"), timestamp("")
    (Timestamp('2026-03-02 09:15:00+0000', tz='UTC'), None)
    """
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    if text.isdigit():
        return pd.Timestamp(int(text), unit="ms", tz="UTC")
    moment = pd.Timestamp(text)
    return moment.tz_convert("UTC") if moment.tzinfo else moment.tz_localize("UTC")


def scrubbed(value: Any) -> str | None:
    """A source drill-down without what may identify a person: a URL loses its query and
    fragment; a value holding an ``@`` (an e-mail address) is dropped.

    >>> scrubbed("https://x.be/a?utm_source=g&email=j@x.be"), scrubbed("jan@x.be"), scrubbed("")
    ('https://x.be/a', None, None)
    """
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    if "://" in text:
        text = text.split("#", 1)[0].split("?", 1)[0]
    return None if "@" in text else text


def _text(value: Any) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()


def contact_row(contact_id: str, props: Mapping[str, Any], stages: Mapping[str, str],
                utm_property: str | None) -> dict[str, Any]:
    """One contact (ID and properties as answered) as a ``crm_contacts`` row, with the raw
    ``id``, ``gclid`` and ``fbclid`` still to be pseudonymised."""
    stage = _text(props.get("lifecyclestage"))
    step_of = {s: step for step, s in stages.items()}
    row = {"id": str(contact_id), "created_at": timestamp(props.get("createdate")),
           "modified_at": timestamp(props.get(CONTACT_MODIFIED)), "lifecycle_stage": stage,
           "funnel_step": step_of.get(stage or "")}
    row |= {f"{step}_at": timestamp(props.get(stage_date_property(s)))
            for step, s in stages.items()}
    row |= {"original_source": _text(props.get("hs_analytics_source")),
            "source_drill_1": scrubbed(props.get("hs_analytics_source_data_1")),
            "source_drill_2": scrubbed(props.get("hs_analytics_source_data_2")),
            "utm_campaign": _text(props.get(utm_property)) if utm_property else None,
            "gclid": _text(props.get("hs_google_click_id")),
            "fbclid": _text(props.get("hs_facebook_click_id"))}
    return row


@dataclass(frozen=True)
class Pipeline:
    """One configured deal pipeline's won and lost stages."""

    won: frozenset[str]
    lost: frozenset[str]


def _flag(value: Any) -> bool | None:
    text = _text(value)
    return None if text is None else text.lower() == "true"


def outcome(pipeline: str | None, stage: str | None, is_closed: bool | None,
            is_won: bool | None, pipelines: Mapping[str, Pipeline]) -> str | None:
    """won / lost / open by the configured stages; None for a pipeline not configured. A stage
    HubSpot calls closed (or won) that the configuration does not raises ValueError: the
    counts would be wrong.

    >>> default = {"default": Pipeline(frozenset({"closedwon"}), frozenset({"closedlost"}))}
    >>> outcome("default", "closedwon", True, True, default), outcome("other", "x", True, False,
    ...                                                               default)
    ('won', None)
    >>> outcome("default", "contractsent", True, True, default)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: deal stage contractsent of pipeline default is closed won in HubSpot ...
    """
    found = pipelines.get(pipeline or "")
    if found is None:
        return None
    said = ("won" if stage in found.won else "lost" if stage in found.lost else "open")
    hubspot = None if is_closed is None else (
        "won" if is_won else "lost" if is_closed else "open")
    if hubspot is not None and hubspot != said:
        hubspot_words = {"won": "closed won", "lost": "closed lost", "open": "open"}[hubspot]
        raise ValueError(
            f"deal stage {stage} of pipeline {pipeline} is {hubspot_words} in HubSpot but "
            f"{said} by sources.crm.pipelines: list it in won_stages or lost_stages as HubSpot "
            "does (Settings > Objects > Deals > Pipelines shows each stage's probability: 100 % "
            "is won, 0 % closed lost)")
    return said


def deal_row(deal_id: str, props: Mapping[str, Any], pipelines: Mapping[str, Pipeline],
             portal_currency: str | None) -> dict[str, Any]:
    """One deal as a ``crm_deals`` row with the raw ``id`` still to be pseudonymised.

    >>> default = {"default": Pipeline(frozenset({"closedwon"}), frozenset({"closedlost"}))}
    >>> row = deal_row("77", {"amount": "12500.50", "pipeline": "default",
    ...     "dealstage": "closedwon", "hs_is_closed": "true", "hs_is_closed_won": "true",
    ...     "closedate": "2026-03-20T00:00:00Z"}, default, "EUR")
    >>> row["outcome"], row["amount"], row["currency_code"], row["is_closed_won"]
    ('won', 12500.5, 'EUR', True)
    """
    amount = _text(props.get("amount"))
    currency = _text(props.get("deal_currency_code")) or portal_currency
    if amount is not None and currency is None:
        raise ValueError("a deal has an amount but no deal_currency_code: set "
                         "sources.crm.portal_currency to the portal's company currency")
    pipeline, stage = _text(props.get("pipeline")), _text(props.get("dealstage"))
    is_closed, is_won = _flag(props.get("hs_is_closed")), _flag(props.get("hs_is_closed_won"))
    return {"id": str(deal_id), "created_at": timestamp(props.get("createdate")),
            "modified_at": timestamp(props.get(DEAL_MODIFIED)),
            "closed_at": timestamp(props.get("closedate")), "pipeline": pipeline,
            "deal_stage": stage, "outcome": outcome(pipeline, stage, is_closed, is_won,
                                                    pipelines),
            "is_closed": is_closed, "is_closed_won": is_won,
            "amount": None if amount is None else float(amount),
            "currency_code": currency if amount is not None or currency else None}
