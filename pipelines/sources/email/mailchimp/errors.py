"""What a Mailchimp API error means for the pull: wait and retry (429: too many simultaneous
connections, a 5xx, a dropped connection), or stop with a message saying what to do (401: a bad
key or the wrong data centre, 403: the account or key may not read reports).

The client raises ``ApiClientError(text, status_code)``: ``text`` is Mailchimp's problem
document (``title``, ``detail``, ``instance``) or, for a transport failure, the ``requests``
exception (status None). We turn it into google.api_core's types so the project's retry loop
(:mod:`pipelines.sources.retry`) handles Mailchimp like the other sources; the API key never
appears in a message.

>>> said(401, {"title": "API Key Invalid", "status": 401, "detail": "Your API key may be "
...      "invalid.", "instance": "i-1"})
'API Key Invalid: Your API key may be invalid [HTTP 401, instance i-1]'
"""

from __future__ import annotations

import json
from typing import Any

from google.api_core import exceptions

from pipelines.sources.retry import SourceError

KEY_HELP = ("In Mailchimp, Profile > Extras > API keys, create a key, and put it (with its "
            "-<data centre> suffix, e.g. -us19) in the variable named by "
            "sources.email.api_key_env")
_RESUME = "Nothing was written; the next run reads the same sends again"


class MailchimpThrottled(exceptions.TooManyRequests):
    """HTTP 429: too many requests or simultaneous connections; retry after a back-off."""


class MailchimpUnavailable(exceptions.ServiceUnavailable):
    """HTTP 5xx or no answer: retry."""


def redact(text: str, key: str | None) -> str:
    """``text`` without the API key (nor its part before the data centre).

    >>> redact("bad key 0123abcd-us19", "0123abcd-us19")
    'bad key [redacted]'
    """
    if key:
        for secret in (key, key.rsplit("-", 1)[0]):
            if len(secret) >= 8:
                text = text.replace(secret, "[redacted]")
    return text


def said(status: int, body: Any) -> str:
    """Mailchimp's own words about an error: title, detail, and what identifies it (the body
    comes parsed, or as text when Mailchimp sends it as application/problem+json)."""
    if isinstance(body, str | bytes):
        try:
            body = json.loads(body)
        except ValueError:
            body = None
    if not isinstance(body, dict):
        return f"no problem document [HTTP {status}]"
    title = str(body.get("title") or "Error").strip()
    detail = str(body.get("detail") or "").strip().removesuffix(".")
    parts = [f"HTTP {status}"] + ([f"instance {body['instance']}"] if body.get("instance")
                                  else [])
    return f"{title}{': ' + detail if detail else ''} [{', '.join(parts)}]"


def classify(exc: Exception, key: str | None, what: str) -> Exception:
    """The exception to raise for the client's error ``exc`` in request ``what``: retryable
    (api_core types) or final (:class:`SourceError`)."""
    status = getattr(exc, "status_code", None)
    body = getattr(exc, "text", None)
    if status is None:
        cause = type(body).__name__ if isinstance(body, Exception) else "no answer"
        return MailchimpUnavailable(f"{what}: cannot reach Mailchimp ({cause})")
    status = int(status)
    text = redact(said(status, body), key)
    if status == 429:
        return MailchimpThrottled(f"{what}: {text}")
    if status >= 500:
        return MailchimpUnavailable(f"{what}: {text}")
    if status == 401:
        return SourceError(
            f"Mailchimp rejected the API key: it is invalid, was revoked, or its data centre "
            f"suffix is wrong ({text}). {KEY_HELP}. {_RESUME}.")
    if status == 403:
        return SourceError(
            f"{what}: Mailchimp forbids this request ({text}): the account may be disabled, or "
            "the key's user may not read reports (a Manager or Admin user's key can). "
            f"{_RESUME}.")
    return SourceError(f"{what}: Mailchimp refused the request ({text}). {_RESUME}.")
