"""Mailchimp as the e-mail source: the regular campaigns sent since a point in time (less the
re-read window, as reports keep growing for weeks), one row per send, through the official
client, paged (``count`` / ``offset``), retried with back-off, errors that say what to do, and
the key in no message.

``pull(since)`` takes the time of the last successful pull (None: everything) and reads the
sends from ``since - reread_days``. Three listings, each paged: ``GET /reports`` (the counts),
``GET /campaigns`` (title, Google Analytics tag ``tracking.google_analytics`` = the
``utm_campaign`` Mailchimp appends to links) and, for audiences without a configured language,
``GET /lists`` (``campaign_defaults.language``). ``frame.attrs``: ``read_from``,
``read_until``, ``requests``, ``retries``.

>>> dc_of("0123456789abcdef0123456789abcdef-us19")
'us19'
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import mailchimp_marketing
import pandas as pd
from mailchimp_marketing.api_client import ApiClientError

from pipelines.email_config import EmailSource
from pipelines.sources.email.mailchimp.errors import KEY_HELP, classify
from pipelines.sources.email.streams import EMAIL_CAMPAIGNS, typed
from pipelines.sources.retry import RetryCounter, RetryPolicy, SourceError

T = TypeVar("T")
REPORT_FIELDS = ",".join(f"reports.{f}" for f in (
    "id", "campaign_title", "type", "list_id", "list_name", "emails_sent", "abuse_reports",
    "unsubscribed", "send_time", "bounces", "opens", "clicks")) + ",total_items"
CAMPAIGN_FIELDS = ",".join(f"campaigns.{f}" for f in (
    "id", "status", "send_time", "settings.title", "recipients.list_id",
    "tracking.google_analytics")) + ",total_items"
LIST_FIELDS = "lists.id,lists.campaign_defaults.language,total_items"
LANGUAGES = ("nl", "fr", "en")


def dc_of(api_key: str) -> str:
    """The data centre an API key belongs to (its suffix after the last dash)."""
    found = re.fullmatch(r"[0-9a-f]+-([a-z]+[0-9]+)", api_key.strip())
    if not found:
        raise SourceError("The Mailchimp API key has no data centre suffix (such as -us19) or "
                          f"is not a Mailchimp key. {KEY_HELP}.")
    return found.group(1)


def language_of(value: object) -> str | None:
    """An audience's default language as nl / fr / en (``fr_BE`` -> fr), else as given.

    >>> language_of("fr_BE"), language_of("NL"), language_of(""), language_of("de")
    ('fr', 'nl', None, 'de')
    """
    text = str(value or "").strip().lower().replace("-", "_")
    if not text:
        return None
    return text.split("_")[0] if text.split("_")[0] in LANGUAGES else text


@dataclass(frozen=True)
class MailchimpSettings:
    """How to reach one Mailchimp account."""

    api_key_env: str = "MAILCHIMP_API_KEY"
    host: str | None = None  # default https://<dc>.api.mailchimp.com/3.0
    reread_days: int = 30
    page_size: int = 100
    languages: tuple[tuple[str, str], ...] = ()  # audience ID -> language
    time_zone: str = "Europe/Brussels"  # the reporting time zone of send_date
    timeout_s: float = 60.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @classmethod
    def from_config(cls, section: EmailSource, retry: RetryPolicy,
                    time_zone: str = "Europe/Brussels") -> MailchimpSettings:
        return cls(api_key_env=section.api_key_env, host=section.host,
                   reread_days=section.reread_days, page_size=section.page_size,
                   languages=tuple(sorted(section.languages.items())), time_zone=time_zone,
                   retry=retry)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _load_key(env: str, environ: Mapping[str, str] | None = None) -> str:
    key = (environ if environ is not None else os.environ).get(env, "").strip()
    if not key:
        raise SourceError(f"No Mailchimp API key: the environment variable {env} is empty. "
                          f"{KEY_HELP}.")
    return key


class MailchimpSource:
    """One Mailchimp account."""

    name = "mailchimp"

    def __init__(self, settings: MailchimpSettings, *, api_key: str | None = None,
                 now: Callable[[], dt.datetime] = _now):
        self.settings = settings
        self._key, self._now = api_key, now
        self.requests = 0

    @property
    def key(self) -> str:
        if self._key is None:
            self._key = _load_key(self.settings.api_key_env)
        return self._key

    def read_from(self, since: dt.datetime | None) -> dt.datetime | None:
        """The earliest send time a pull after ``since`` reads."""
        return None if since is None else since - dt.timedelta(days=self.settings.reread_days)

    def client(self) -> mailchimp_marketing.Client:
        """The official client, pointed at the configured host when there is one."""
        s = self.settings
        client = mailchimp_marketing.Client()
        client.set_config({"api_key": self.key, "server": dc_of(self.key),
                           "timeout": s.timeout_s})
        if s.host:
            client.api_client.host = s.host.rstrip("/")
        return client

    def pull(self, since: dt.datetime | None = None) -> pd.DataFrame:
        """The sends from ``since - reread_days`` (all when ``since`` is None) as
        ``email_campaigns`` rows, as their reports read now."""
        until, start = self._now(), self.read_from(since)
        client, counter = self.client(), RetryCounter()
        self.requests = 0
        after = ({} if start is None else
                 {"since_send_time": start.astimezone(dt.UTC).replace(microsecond=0).isoformat()})
        reports = self._paged(lambda **kw: client.reports.get_all_campaign_reports(
            type="regular", fields=REPORT_FIELDS, **after, **kw), "reports", counter,
            "Mailchimp GET /reports")
        campaigns = self._paged(lambda **kw: client.campaigns.list(
            type="regular", status="sent", fields=CAMPAIGN_FIELDS, sort_field="send_time",
            sort_dir="ASC", **after, **kw), "campaigns", counter, "Mailchimp GET /campaigns")
        languages = dict(self.settings.languages)
        if any(r.get("list_id") not in languages for r in reports.values()):
            lists = self._paged(lambda **kw: client.lists.get_all_lists(
                fields=LIST_FIELDS, **kw), "lists", counter, "Mailchimp GET /lists")
            languages = {i: language_of((x.get("campaign_defaults") or {}).get("language"))
                         for i, x in lists.items()} | languages
        rows = [self._row(r, campaigns.get(cid, {}), languages)
                for cid, r in reports.items() if r.get("send_time")]
        frame = typed(pd.DataFrame(rows, columns=list(EMAIL_CAMPAIGNS.column_names[:-1]))
                      .assign(extracted_at=pd.Timestamp(until)))
        frame.attrs = {"read_from": None if start is None else start.isoformat(),
                       "read_until": until.isoformat(), "requests": self.requests,
                       "retries": counter.retries}
        return frame

    # -- reading ----------------------------------------------------------------------------
    def _call(self, fn: Callable[[], T], counter: RetryCounter, what: str) -> T:
        def attempt() -> T:
            self.requests += 1
            try:
                return fn()
            except ApiClientError as exc:
                raise classify(exc, self._key, what) from None

        return self.settings.retry.call(attempt, counter, what=what)

    def _paged(self, get: Callable[..., Any], items: str, counter: RetryCounter,
               what: str) -> dict[str, dict[str, Any]]:
        """Every item of a listing by ID, page after page (offset / count) until
        ``total_items``; an item seen twice (the listing moved while paging) keeps its last
        version."""
        found: dict[str, dict[str, Any]] = {}
        offset, size = 0, self.settings.page_size
        while True:
            page = self._call(lambda o=offset: get(count=size, offset=o), counter, what)
            if not isinstance(page, dict):
                raise SourceError(f"{what}: the answer is not JSON. Nothing was written.")
            batch = page.get(items) or []
            for item in batch:
                found[str(item["id"])] = item
            offset += len(batch)
            if not batch or offset >= int(page.get("total_items") or 0):
                return found

    def _row(self, report: Mapping[str, Any], campaign: Mapping[str, Any],
             languages: Mapping[str, str | None]) -> dict[str, Any]:
        bounces, opens = report.get("bounces") or {}, report.get("opens") or {}
        clicks = report.get("clicks") or {}
        sent = int(report.get("emails_sent") or 0)
        hard, soft = int(bounces.get("hard_bounces") or 0), int(bounces.get("soft_bounces") or 0)
        sent_at = pd.Timestamp(report["send_time"]).tz_convert("UTC")
        list_id = report.get("list_id") or (campaign.get("recipients") or {}).get("list_id")
        excluded = opens.get("proxy_excluded_unique_opens")
        tag = (campaign.get("tracking") or {}).get("google_analytics") or None
        title = (campaign.get("settings") or {}).get("title") or report.get("campaign_title")
        return {
            "campaign_id": str(report["id"]), "send_time": sent_at,
            "send_date": sent_at.tz_convert(ZoneInfo(self.settings.time_zone)).date(),
            "time_zone": self.settings.time_zone, "list_id": list_id,
            "list_name": report.get("list_name"), "language": languages.get(list_id),
            "title": title, "emails_sent": sent, "hard_bounces": hard, "soft_bounces": soft,
            "deliveries": sent - hard - soft - int(bounces.get("syntax_errors") or 0),
            "unique_opens": int(opens.get("unique_opens") or 0),
            "unique_opens_excl_machine": None if excluded is None else int(excluded),
            "unique_clicks": int(clicks.get("unique_subscriber_clicks")
                                 or clicks.get("unique_clicks") or 0),
            "unsubscribes": int(report.get("unsubscribed") or 0),
            "abuse_reports": int(report.get("abuse_reports") or 0), "utm_campaign": tag}
