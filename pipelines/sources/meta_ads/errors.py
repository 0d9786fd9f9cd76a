"""What a Graph API error means for the pull: wait and retry (rate limits, passing faults),
or stop with a message saying what to do (a token to renew, an account to share).

The SDK raises ``FacebookRequestError``; we turn it into google.api_core's exception types so the
project's one retry loop (:mod:`pipelines.sources.retry`) handles Meta as it handles Google, and
into a :class:`SourceError` when retrying cannot help. No message carries the access token:
the SDK's own error text is never passed on, only the API's code, subcode, message and trace ID.
"""

from __future__ import annotations

import requests
from facebook_business.exceptions import FacebookRequestError
from google.api_core import exceptions

from pipelines.sources.meta_ads.throttle import RATE_LIMIT_CODES, usage
from pipelines.sources.meta_ads.token import AccessToken
from pipelines.sources.retry import SourceError

TOKEN_CODES = frozenset({102, 190})  # session / access token invalid or expired
PERMISSION_CODES = frozenset({3, 10, *range(200, 300)})
TRANSIENT_CODES = frozenset({1, 2})  # unknown error, service temporarily unavailable
_TOKEN_SUBCODES = {458: "the app is no longer authorised", 459: "the user is checkpointed",
                   460: "the password changed", 463: "the token expired",
                   464: "the user is unconfirmed", 467: "the token is invalid"}


class MetaThrottled(exceptions.TooManyRequests):
    """A rate limit (codes 4, 17, 613, 80000-80014); ``regain_s``: the wait Meta asked for."""

    def __init__(self, message: str, regain_s: float | None):
        super().__init__(message)
        self.regain_s = regain_s


class MetaUnavailable(exceptions.ServiceUnavailable):
    """A passing fault (``is_transient``, codes 1 and 2, HTTP 5xx): retry."""


class MetaTimeout(exceptions.DeadlineExceeded):
    """No answer in time (the connection or read timed out): retry."""


def asked_delay(exc: Exception) -> float | None:
    """The wait a throttled answer asked for (``estimated_time_to_regain_access``), if any."""
    return exc.regain_s if isinstance(exc, MetaThrottled) else None


def _said(exc: FacebookRequestError, token: AccessToken) -> str:
    """The API's own words: message, code, subcode and trace ID (never the request)."""
    body = exc.body() if isinstance(exc.body(), dict) else {}
    error = body.get("error", {}) if isinstance(body.get("error"), dict) else {}
    parts = [f"code {exc.api_error_code()}"]
    if exc.api_error_subcode():
        parts.append(f"subcode {exc.api_error_subcode()}")
    if error.get("fbtrace_id"):
        parts.append(f"fbtrace_id {error['fbtrace_id']}")
    message = exc.api_error_message() or f"HTTP {exc.http_status()}"
    user = error.get("error_user_msg")
    text = f"{message}{f' ({user})' if user else ''} [{', '.join(parts)}]"
    return token.redact(text)


def classify(exc: FacebookRequestError, token: AccessToken, account_id: str) -> Exception:
    """The exception to raise for ``exc`` from a request about ``act_<account_id>``:
    retryable (api_core types) or final (:class:`SourceError`)."""
    code, said = exc.api_error_code(), _said(exc, token)
    if code in TOKEN_CODES:
        why = _TOKEN_SUBCODES.get(exc.api_error_subcode() or 0, "the token was rejected")
        return SourceError(
            f"Meta rejected the access token: {why} ({said}). Generate a new system-user token "
            "(Meta Business Settings > Users > System users > Generate new token, with "
            "ads_read) and put it in the variable named by sources.meta_ads.access_token_env "
            "or the file named by access_token_file. Nothing was written; the next run "
            "resumes.")
    if code in RATE_LIMIT_CODES:
        regain = usage(exc.http_headers() or {}).regain_s
        return MetaThrottled(f"Meta rate limit for ad account act_{account_id}: {said}",
                             regain if regain > 0 else None)
    if exc.api_transient_error() or code in TRANSIENT_CODES or (exc.http_status() or 0) >= 500:
        return MetaUnavailable(f"Meta API unavailable: {said}")
    if code in PERMISSION_CODES or (code == 100 and exc.api_error_subcode() == 33):
        return SourceError(
            f"Meta ad account act_{account_id}: the token may not read it ({said}). In Meta "
            "Business Settings give the system user access to this ad account (at least 'View "
            "performance') with the ads_read permission, and check sources.meta_ads."
            "account_ids.")
    return SourceError(f"Meta rejected the request for ad account act_{account_id}: {said}")


def transport_error(exc: requests.exceptions.RequestException, token: AccessToken,
                    what: str) -> Exception:
    """A network failure as a retryable error whose message holds no URL (a URL would carry
    the request's parameters)."""
    kind = type(exc).__name__
    if isinstance(exc, requests.exceptions.Timeout):
        return MetaTimeout(f"{what}: no answer in time ({kind})")
    if isinstance(exc, requests.exceptions.ConnectionError):
        return MetaUnavailable(f"{what}: cannot reach the Graph API ({kind})")
    return SourceError(token.redact(f"{what}: the request failed ({kind})"))
