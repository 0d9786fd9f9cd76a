"""What a HubSpot API error means for the pull: wait and retry (the secondly limit, a 5xx), or
stop with a message saying what to do (the daily limit, a token to replace, a scope to add).

The client raises its own ``ApiException`` (one class per API package); we turn it into
google.api_core's exception types so the project's retry loop (:mod:`pipelines.sources.retry`)
handles HubSpot as it handles Google and Meta, or into a :class:`SourceError` when retrying
cannot help. The client's own text (response headers and all) is never passed on: only the
status, HubSpot's message, category, policy and correlation ID, with the token redacted.

>>> said(429, b'{"status": "error", "message": "You have reached your secondly limit.", '
...      b'"errorType": "RATE_LIMIT", "policyName": "SECONDLY", "correlationId": "c-1"}')
'You have reached your secondly limit [HTTP 429, RATE_LIMIT, policy SECONDLY, correlationId c-1]'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import urllib3
from google.api_core import exceptions
from hubspot.crm.associations.v4.exceptions import ApiException as AssociationsApiException
from hubspot.crm.contacts.exceptions import ApiException as ContactsApiException
from hubspot.crm.deals.exceptions import ApiException as DealsApiException

from pipelines.sources.crm.hubspot.token import HOW, SCOPES, AccessToken
from pipelines.sources.retry import QuotaExhausted, SourceError

API_ERRORS = (ContactsApiException, DealsApiException, AssociationsApiException)
TRANSPORT_ERRORS = (urllib3.exceptions.HTTPError,)
# Waits for a rate limit that names no Retry-After: the length of the limit's window.
POLICY_WAIT_S = {"SECONDLY": 1.0, "TEN_SECONDLY_ROLLING": 10.0}
_RESUME = "Nothing was written; the next run resumes"


class HubSpotThrottled(exceptions.TooManyRequests):
    """HTTP 429 under a short limit; ``regain_s``: the wait HubSpot asked for (or the limit's
    window)."""

    def __init__(self, message: str, regain_s: float | None):
        super().__init__(message)
        self.regain_s = regain_s


class HubSpotUnavailable(exceptions.ServiceUnavailable):
    """HTTP 5xx or a dropped connection: retry."""


class HubSpotTimeout(exceptions.DeadlineExceeded):
    """No answer in time: retry."""


def asked_delay(exc: Exception) -> float | None:
    """The wait a throttled answer asked for, if any."""
    return exc.regain_s if isinstance(exc, HubSpotThrottled) else None


def body_of(raw: Any) -> dict[str, Any]:
    """An error answer's JSON body (``{}`` when it is not JSON, e.g. a proxy's 502 page)."""
    try:
        found = json.loads(raw) if raw else {}
    except (TypeError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def said(status: int, raw: Any) -> str:
    """HubSpot's own words about an error: message and what identifies it (no request)."""
    body = body_of(raw)
    parts = [f"HTTP {status}"]
    for key, label in (("category", ""), ("errorType", ""), ("policyName", "policy "),
                       ("correlationId", "correlationId ")):
        if body.get(key) and f"{label}{body[key]}" not in parts:
            parts.append(f"{label}{body[key]}")
    message = str(body.get("message") or "no message").strip().removesuffix(".")
    return f"{message} [{', '.join(parts)}]"


def _retry_after(headers: Mapping[str, str] | None) -> float | None:
    lower = {str(k).lower(): v for k, v in dict(headers or {}).items()}
    try:
        return max(float(lower["retry-after"]), 0.0)
    except (KeyError, TypeError, ValueError):
        return None


def _scopes(body: dict[str, Any], needed: str) -> list[str]:
    """The scopes a 403 names (``errors[].context.requiredGranularScopes``), else ``needed``."""
    named = [str(s) for e in body.get("errors") or () if isinstance(e, dict)
             for key in ("requiredGranularScopes", "requiredScopes")
             for s in (e.get("context") or {}).get(key) or ()]
    return named or [needed]


def classify(exc: Exception, token: AccessToken, what: str, scope: str) -> Exception:
    """The exception to raise for the client's error ``exc`` in request ``what`` (which needs
    ``scope``): retryable (api_core types) or final (:class:`SourceError`)."""
    status = int(getattr(exc, "status", 0) or 0)
    raw = getattr(exc, "body", None)
    body, text = body_of(raw), token.redact(said(status, raw))
    if status == 429:
        if str(body.get("policyName", "")).upper() == "DAILY":
            return QuotaExhausted(
                f"{what}: HubSpot's daily API limit is reached ({text}). It resets at midnight "
                f"in the portal's time zone. {_RESUME} (or raise the limit: an API add-on).")
        wait = _retry_after(getattr(exc, "headers", None))
        if wait is None:
            wait = POLICY_WAIT_S.get(str(body.get("policyName", "")).upper())
        return HubSpotThrottled(f"{what}: {text}", wait)
    if status >= 500:
        return HubSpotUnavailable(f"{what}: {text}")
    if status == 401:
        why = ("the token expired" if body.get("category") == "EXPIRED_AUTHENTICATION"
               else "the token is invalid or was rotated")
        return SourceError(
            f"HubSpot rejected the access token: {why} ({text}). {HOW} (or rotate it) and put "
            "it in the variable named by sources.crm.access_token_env or the file named by "
            f"access_token_file. {_RESUME}.")
    if status == 403:
        scopes = ", ".join(_scopes(body, scope))
        return SourceError(
            f"{what}: the private app lacks a scope ({text}). In HubSpot, Settings > "
            f"Integrations > Private Apps > the app > Scopes, add {scopes} (this connector "
            f"needs {' and '.join(SCOPES)}), commit the change, and run again. {_RESUME}.")
    return SourceError(f"{what}: HubSpot refused the request ({text}). {_RESUME}.")


def transport_error(exc: Exception, what: str) -> Exception:
    """A network failure as a retryable error whose message holds no URL."""
    kind = type(getattr(exc, "reason", None) or exc).__name__
    if isinstance(exc, urllib3.exceptions.TimeoutError) or "Timeout" in kind:
        return HubSpotTimeout(f"{what}: no answer in time ({kind})")
    return HubSpotUnavailable(f"{what}: cannot reach HubSpot ({kind})")
