"""The SDK's API object for one pull, built without the SDK's globals.

``FacebookAdsApi.init`` is not used: it sets a process-wide default API and installs the SDK's
crash reporter (an ``excepthook`` that posts crashes to Meta). We build the session ourselves:

- the Graph base URL is the session's ``GRAPH`` (``https://graph.facebook.com`` by default;
  the SDK reads ``session.GRAPH`` for every call), so a local test server is just another
  base URL;
- the token goes in an ``Authorization: Bearer`` header (RFC 6750, which the Graph API
  accepts), not in the query string where the SDK puts it, so no URL (in a log line, a
  proxy log or a network error) ever carries it;
- a ``requests`` response hook reads the throttling headers of every answer.
"""

from __future__ import annotations

from facebook_business.api import FacebookAdsApi
from facebook_business.session import FacebookSession

from pipelines.sources.meta_ads.throttle import Throttle
from pipelines.sources.meta_ads.token import AccessToken

GRAPH = FacebookSession.GRAPH  # https://graph.facebook.com


def make_api(token: AccessToken, *, api_version: str, endpoint: str | None, timeout_s: float,
             throttle: Throttle) -> FacebookAdsApi:
    """An API object of its own (no process-wide default) for ``endpoint`` (default Meta's)."""
    session = FacebookSession(timeout=timeout_s)  # no token: it would go into every URL
    session.requests.params.pop("access_token", None)
    session.requests.headers["Authorization"] = f"Bearer {token.value}"
    session.requests.hooks["response"].append(throttle.hook)
    if endpoint:
        session.GRAPH = endpoint.rstrip("/")
    return FacebookAdsApi(session, api_version=api_version)
