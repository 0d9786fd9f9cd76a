"""Posting a chat summary to an incoming webhook: JSON over HTTPS (plain HTTP only to this
machine, for tests), the certificate verified, temporary failures (HTTP 408, 429, 5xx, a
timeout, a refused connection) retried.

A webhook's URL is a secret (whoever has it can post in the channel): it is read from the
environment variable the configuration names, and no message, log line or error ever shows
it; the webhook is named by its kind and variable (``slack:SLACK_WEBHOOK_URL``).

>>> post_json("slack:NOPE", "ftp://example.be/x", {}, timeout=1)
Traceback (most recent call last):
...
dashboards.delivery.retrying.Permanent: webhook slack:NOPE: the URL is not https (only ...)
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from dashboards.delivery.retrying import Permanent, Temporary

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
TEMPORARY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


def _checked(name: str, url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    local = parts.hostname in LOCAL_HOSTS
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise Permanent(f"webhook {name}: the URL is not https (only a server on this machine "
                        "may use http)")


def post_json(name: str, url: str, payload: dict[str, Any], *, timeout: float) -> int:
    """POST ``payload`` to ``url``; the HTTP status on success (2xx). :class:`Temporary` or
    :class:`Permanent` naming the webhook ``name`` otherwise."""
    _checked(name, url)
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=body, method="POST",
        headers={"Content-Type": "application/json; charset=utf-8",
                 "User-Agent": "campaign-kpi"})
    where = f"webhook {name}"
    try:
        with urllib.request.urlopen(request, timeout=timeout,
                                    context=ssl.create_default_context()) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        with exc:  # its response holds the socket
            said = exc.read(200).decode("utf-8", "replace").strip()
        text = f"{where} answered HTTP {exc.code}" + (f": {said}" if said else "")
        raise (Temporary if exc.code in TEMPORARY_STATUS else Permanent)(text) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ssl.SSLCertVerificationError):
            raise Permanent(f"{where}: its TLS certificate could not be verified "
                            f"({reason.verify_message})") from None
        if isinstance(reason, ConnectionRefusedError):
            raise Temporary(f"{where}: the connection was refused") from None
        if isinstance(reason, TimeoutError):
            raise Temporary(f"{where} did not answer in time") from None
        said = getattr(reason, "strerror", None) or type(reason).__name__
        raise Temporary(f"{where}: {said}") from None
    except TimeoutError:
        raise Temporary(f"{where} did not answer in time") from None
    except (ConnectionError, OSError) as exc:
        raise Temporary(f"{where}: {exc.strerror or type(exc).__name__}") from None
