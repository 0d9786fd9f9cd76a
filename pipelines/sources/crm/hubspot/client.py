"""The hubspot-api-client objects one pull uses, built for this pull only.

- ``host`` is the client's ``Configuration.host`` (``https://api.hubapi.com`` by default), so
  a local test server is just another host;
- the token goes in the ``Authorization: Bearer`` header (the client's ``access_token``), never
  in a URL;
- urllib3's own retries are off (``retry=Retry(0)``): every retry is the project's
  (:mod:`pipelines.sources.retry`), so waits and counts are ours;
- the client logs each response body at DEBUG; those lines (raw HubSpot IDs) are dropped;
- note: every ``Configuration`` the client builds (one per model object, too) sets the
  process-wide ``urllib3`` logger to WARNING (its ``debug`` setter); nothing we can keep.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from hubspot import HubSpot
from urllib3.util.retry import Retry

from pipelines.sources.crm.hubspot.token import AccessToken

HOST = "https://api.hubapi.com"
_REST_LOGGERS = ("hubspot.crm.contacts.rest", "hubspot.crm.deals.rest",
                 "hubspot.crm.associations.v4.rest")


def _no_bodies(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("response body")


for _name in _REST_LOGGERS:
    logging.getLogger(_name).addFilter(_no_bodies)


@dataclass(frozen=True)
class Apis:
    """The APIs a pull calls: search and basic list per object type, v4 associations."""

    contacts_search: Any
    deals_search: Any
    contacts_basic: Any
    deals_basic: Any
    associations: Any


def make_apis(token: AccessToken, host: str | None) -> Apis:
    """The client's APIs for ``host`` (default HubSpot's), authenticated with ``token``."""
    client = HubSpot(access_token=token.value, retry=Retry(0, read=False, redirect=False),
                     host=(host or HOST).rstrip("/"))
    crm = client.crm
    return Apis(crm.contacts.search_api, crm.deals.search_api, crm.contacts.basic_api,
                crm.deals.basic_api, crm.associations.v4.batch_api)
