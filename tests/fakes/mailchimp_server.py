"""A local Mailchimp Marketing API 3.0 over plain HTTP on 127.0.0.1, threaded, serving the demo's
newsletter sends to the REAL ``mailchimp-marketing`` client.

It answers what the connector asks, in Mailchimp's JSON shapes:

- ``GET /3.0/reports``: campaign reports (``emails_sent``, ``bounces``, ``opens`` with the
  ``proxy_excluded_*`` counts of Apple Mail Privacy Protection, ``clicks``, ``unsubscribed``,
  ``abuse_reports``, ``send_time``, ``list_id``), filtered by ``since_send_time``;
- ``GET /3.0/campaigns``: sent campaigns (``settings.title``, ``recipients.list_id``,
  ``tracking.google_analytics``);
- ``GET /3.0/lists``: audiences with ``campaign_defaults.language``.

Every listing is paged with ``count`` (at most ``max_count``, like Mailchimp's 1000) and
``offset`` and says ``total_items``. The key comes as HTTP basic auth (any user, the key as
password). The reports are the demo's as seen at the settings' ``as_of``: :meth:`advance`
moves it, and the reports grow (late opens and clicks). Faults are scripted with
:class:`MailchimpFault`. The client points here through its host::

    client.api_client.host = server.base_url + "/3.0"
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

import pandas as pd

from pipelines.sources.demo import DemoSettings
from pipelines.sources.demo.email_simulate import observed_sends
from pipelines.sources.demo.email_world import MAILCHIMP_SERVER, NEWSLETTERS
from tests.fakes import Disconnect, LocalHttpFake

API_KEY = f"0123456789abcdef0123456789abcdef-{MAILCHIMP_SERVER}"
FaultKind = Literal["throttled", "server_error", "disconnect", "unauthorized", "forbidden"]
RequestKind = Literal["reports", "campaigns", "lists", "other"]


@dataclass
class MailchimpRequest:
    """One logged request: path, kind, query parameters (first value each), status."""

    path: str
    kind: RequestKind
    params: dict[str, str]
    status: int = 0


@dataclass(frozen=True)
class MailchimpFault:
    """A scripted fault for the ``nth`` .. ``nth + times - 1``-th request ``when`` accepts.

    Kinds: ``throttled`` (429, too many simultaneous connections), ``server_error`` (500),
    ``disconnect`` (the connection closes unanswered), ``unauthorized`` (401, API Key
    Invalid), ``forbidden`` (403, User Disabled)."""

    kind: FaultKind
    nth: int = 1
    times: int = 1
    when: Callable[[MailchimpRequest], bool] | None = None


def on(*kinds: RequestKind) -> Callable[[MailchimpRequest], bool]:
    """``when=on("campaigns")``: a fault for requests of these kinds only."""
    return lambda request: request.kind in kinds


def _problem(status: int, title: str, detail: str) -> dict[str, Any]:
    return {"type": "https://mailchimp.com/developer/marketing/docs/errors/", "title": title,
            "status": status, "detail": detail, "instance": f"fake-{status}"}


FAULTS: dict[str, tuple[int, dict[str, Any]]] = {
    "throttled": (429, _problem(429, "Too Many Requests", "You have exceeded the limit of 10 "
                                "simultaneous connections.")),
    "server_error": (500, _problem(500, "Internal Server Error", "An unexpected internal "
                                   "error has occurred.")),
    "unauthorized": (401, _problem(401, "API Key Invalid", "Your API key may be invalid, or "
                                   "you've attempted to access the wrong datacenter.")),
    "forbidden": (403, _problem(403, "User Disabled", "This account has been disabled.")),
}


def _iso(moment: Any) -> str:
    return pd.Timestamp(moment).tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S+00:00")


class MailchimpServer(LocalHttpFake[MailchimpFault]):
    """The demo's Mailchimp account (``settings``), for the key :data:`API_KEY`."""

    def __init__(self, settings: DemoSettings, *, api_key: str = API_KEY, max_count: int = 1000,
                 proxy_excluded: bool = True):
        super().__init__()
        self.settings, self.api_key, self.max_count = settings, api_key, max_count
        self.proxy_excluded = proxy_excluded  # False: an account without the MPP counts

    def advance(self, days: int = 1) -> None:
        """Move the demo's end (and so ``as_of``) forward: new sends, grown reports."""
        with self._lock:
            s = self.settings
            self.settings = dataclasses.replace(s, end=s.end + dt.timedelta(days=days))

    def sends(self) -> pd.DataFrame:
        s = self.settings
        return observed_sends(s.start, s.end, s.seed, s.traffic_scale, s.as_of)

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/3.0"

    # -- HTTP ---------------------------------------------------------------------------------
    def handle(self, method: str, raw_path: str, headers: dict[str, str],
               raw: bytes) -> tuple[int, dict[str, str], Any]:
        url = urlsplit(raw_path)
        params = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        parts = url.path.strip("/").split("/")
        kind: RequestKind = (parts[1] if method == "GET" and len(parts) == 2 and parts[0] == "3.0"
                             and parts[1] in ("reports", "campaigns", "lists") else "other")
        request = MailchimpRequest(url.path, kind, params)
        fault = self._log(request)
        if fault is not None and fault.kind == "disconnect":
            raise Disconnect
        if not self._authorised(headers):
            status, body = FAULTS["unauthorized"]
        elif fault is not None:
            status, body = FAULTS[fault.kind]
        elif kind == "other":
            status, body = 404, _problem(404, "Resource Not Found", "The requested resource "
                                         "could not be found.")
        else:
            status, body = 200, self._listing(kind, params)
        request.status = status
        return status, {}, body

    def _authorised(self, headers: dict[str, str]) -> bool:
        auth = headers.get("authorization", "")
        if not auth.startswith("Basic "):
            return False
        try:
            _, _, key = base64.b64decode(auth[6:]).decode().partition(":")
        except ValueError:
            return False
        return key == self.api_key

    def _listing(self, kind: RequestKind, params: dict[str, str]) -> dict[str, Any]:
        if kind == "lists":
            items = [{"id": n.list_id, "name": n.list_name,
                      "campaign_defaults": {"from_name": "Zonnig Huis",
                                            "language": n.language}} for n in NEWSLETTERS]
        else:
            sends = self.sends()
            if "since_send_time" in params:
                sends = sends[sends["send_time"] >= pd.Timestamp(params["since_send_time"])]
            build = self._report if kind == "reports" else self._campaign
            items = [build(row) for row in sends.sort_values("send_time").itertuples()]
        count = min(int(params.get("count", 10)), self.max_count)
        offset = int(params.get("offset", 0))
        return {kind: items[offset:offset + count], "total_items": len(items)}

    def _report(self, r: Any) -> dict[str, Any]:
        delivered = max(r.deliveries, 1)
        opens = {"opens_total": int(r.unique_opens * 1.6), "unique_opens": r.unique_opens,
                 "open_rate": r.unique_opens / delivered, "last_open": _iso(r.send_time)}
        if self.proxy_excluded:
            opens |= {"proxy_excluded_opens": int(r.unique_opens_excl_machine * 1.4),
                      "proxy_excluded_unique_opens": r.unique_opens_excl_machine,
                      "proxy_excluded_open_rate": r.unique_opens_excl_machine / delivered}
        return {
            "id": r.campaign_id, "campaign_title": r.title, "type": "regular",
            "list_id": r.list_id, "list_is_active": True, "list_name": r.list_name,
            "subject_line": "", "preview_text": "", "emails_sent": r.emails_sent,
            "abuse_reports": r.abuse_reports, "unsubscribed": r.unsubscribes,
            "send_time": _iso(r.send_time),
            "bounces": {"hard_bounces": r.hard_bounces, "soft_bounces": r.soft_bounces,
                        "syntax_errors": 0},
            "forwards": {"forwards_count": 0, "forwards_opens": 0},
            "opens": opens,
            "clicks": {"clicks_total": int(r.unique_clicks * 1.5),
                       "unique_clicks": int(r.unique_clicks * 1.2),
                       "unique_subscriber_clicks": r.unique_clicks,
                       "click_rate": r.unique_clicks / delivered, "last_click": _iso(r.send_time)},
        }

    def _campaign(self, r: Any) -> dict[str, Any]:
        return {"id": r.campaign_id, "web_id": 1000, "type": "regular", "status": "sent",
                "emails_sent": r.emails_sent, "send_time": _iso(r.send_time),
                "content_type": "template",
                "recipients": {"list_id": r.list_id, "list_name": r.list_name,
                               "recipient_count": r.emails_sent},
                "settings": {"title": r.title, "subject_line": "", "from_name": "Zonnig Huis"},
                "tracking": {"opens": True, "html_clicks": True, "text_clicks": False,
                             "google_analytics": r.utm_campaign, "clicktale": ""}}
