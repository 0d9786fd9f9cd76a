"""Google Ads as a source: one customer account, GAQL through SearchStream, retried with
back-off, errors that say what to fix.

``ads_click_view`` is pulled one day per query, never before :func:`click_view_start` (the API
answers the last 90 days only), and its gclids are pseudonymised here, at ingest, with the key
of :func:`pipelines.privacy.pseudonym_key` and no kind prefix, exactly as the HubSpot connector
hashes ``hs_google_click_id``: the raw gclid never leaves this module. Without a pseudonym key
the click view is skipped (an empty extract flagged ``click_view_skipped``), not the account.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from google.ads.googleads.client import GoogleAdsClient
from google.ads.googleads.errors import GoogleAdsException
from google.api_core import exceptions
from google.auth.credentials import AnonymousCredentials
from google.auth.exceptions import GoogleAuthError

from pipelines.privacy import PseudonymKeyError, pseudonym_key, pseudonymise
from pipelines.sources.base import Extract, Window
from pipelines.sources.google_ads.gaql import CLICK_VIEW_DAYS, ROW_READERS, queries
from pipelines.sources.google_ads.quota import asked_retry_delay
from pipelines.sources.retry import RetryCounter, RetryPolicy, SourceError
from pipelines.sources.streams import Stream

ENV_KEYS = ("GOOGLE_ADS_DEVELOPER_TOKEN", "GOOGLE_ADS_CLIENT_ID", "GOOGLE_ADS_CLIENT_SECRET",
            "GOOGLE_ADS_REFRESH_TOKEN")
ENV_KEY_FILE = "GOOGLE_ADS_JSON_KEY_FILE_PATH"  # service-account alternative to OAuth


@dataclass(frozen=True)
class GoogleAdsSettings:
    """How to reach one Google Ads customer account."""

    customer_id: str
    login_customer_id: str | None = None  # the manager account, when access goes through one
    credentials_file: Path | None = None  # a google-ads.yaml; default: GOOGLE_ADS_* variables
    api_version: str = "v26"
    endpoint: str | None = None  # default googleads.googleapis.com; a local test server
    anonymous: bool = False  # no OAuth at all: only for local test servers
    timeout_s: float = 300.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)


def _env_settings() -> dict[str, Any]:
    """The client settings from the GOOGLE_ADS_* variables (the library's own loader also
    insists on GOOGLE_ADS_USE_PROTO_PLUS, which we always set: the connector reads proto-plus
    messages)."""
    names = {name: name.removeprefix("GOOGLE_ADS_").lower()
             for name in (*ENV_KEYS, ENV_KEY_FILE, "GOOGLE_ADS_LOGIN_CUSTOMER_ID",
                          "GOOGLE_ADS_IMPERSONATED_EMAIL")}
    found = {key: os.environ[name] for name, key in names.items() if os.environ.get(name)}
    return {**found, "use_proto_plus": True}


def make_client(settings: GoogleAdsSettings) -> GoogleAdsClient:
    """A client from google-ads.yaml, the GOOGLE_ADS_* variables, or (tests) anonymously."""
    common: dict[str, Any] = {"version": settings.api_version, "use_proto_plus": True}
    if settings.endpoint:
        common["endpoint"] = settings.endpoint
    if settings.login_customer_id:
        common["login_customer_id"] = settings.login_customer_id
    if settings.anonymous:
        token = os.environ.get("GOOGLE_ADS_DEVELOPER_TOKEN", "local-test-token")
        return GoogleAdsClient(credentials=AnonymousCredentials(), developer_token=token,
                               **common)
    try:
        if settings.credentials_file is not None:
            client = GoogleAdsClient.load_from_storage(str(settings.credentials_file),
                                                       version=settings.api_version)
        elif all(os.environ.get(k) for k in ENV_KEYS[:1]) and (
                all(os.environ.get(k) for k in ENV_KEYS) or os.environ.get(ENV_KEY_FILE)):
            client = GoogleAdsClient.load_from_dict(_env_settings(), version=settings.api_version)
        else:
            missing = [k for k in ENV_KEYS if not os.environ.get(k)]
            raise SourceError(
                "Google Ads: no credentials. Set sources.google_ads.credentials_file to a "
                "google-ads.yaml, or the environment variables " + ", ".join(missing) +
                f" (or {ENV_KEY_FILE} for a service account).")
    except (ValueError, OSError, GoogleAuthError, yaml.YAMLError) as exc:
        # First line only: a YAML error's later lines quote the file (a secret's line).
        raise SourceError(f"Google Ads: the credentials could not be loaded "
                          f"({type(exc).__name__}: {str(exc).splitlines()[0][:200]})") from None
    if settings.endpoint:
        client.endpoint = settings.endpoint
    if settings.login_customer_id:
        client.login_customer_id = settings.login_customer_id
    return client


def explain(exc: GoogleAdsException, customer_id: str) -> str:
    """The API's own error, its request ID and the field it points at."""
    parts = []
    for error in exc.failure.errors:
        path = ".".join(e.field_name for e in error.location.field_path_elements)
        parts.append(error.message + (f" [field: {path}]" if path else ""))
    detail = "; ".join(parts) or exc.error.code().name
    return (f"Google Ads rejected the request for customer {customer_id} "
            f"(request ID {exc.request_id}): {detail}")


def described(frame: pd.DataFrame) -> dict[str, str]:
    """The account currency and time zone its rows carry; nothing when no row says (a day or
    a stream without rows: the extract is empty, not in an unknown currency).

    >>> described(pd.DataFrame({"currency_code": ["USD"], "time_zone": ["America/New_York"]}))
    {'currency_code': 'USD', 'time_zone': 'America/New_York'}
    >>> described(pd.DataFrame(columns=["currency_code", "time_zone"]))
    {}
    """
    return {column: ", ".join(sorted(set(frame[column])))
            for column in ("currency_code", "time_zone") if len(frame)}


CLICK_VIEW = "ads_click_view"
_AHEAD = dt.timedelta(hours=14)  # the earliest time zone's lead on UTC (UTC+14)


def click_view_start(now: dt.datetime, days: int = CLICK_VIEW_DAYS) -> dt.date:
    """The first day ``click_view`` can be asked for at ``now``, in any account's time zone:
    today-89 counted from the latest calendar date on Earth, so never too early.

    >>> click_view_start(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC))
    datetime.date(2026, 3, 4)
    >>> click_view_start(dt.datetime(2026, 6, 1, 11, 0, tzinfo=dt.UTC))  # June 2 in Kiribati
    datetime.date(2026, 3, 5)
    """
    return (now.astimezone(dt.UTC) + _AHEAD).date() - dt.timedelta(days=days - 1)


def click_view_window(window: Window, now: dt.datetime) -> Window:
    """``window`` without the days ``click_view`` no longer answers; a window wholly before
    them becomes the first day it does (a pull never replaces stored days it cannot re-read).

    >>> now = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
    >>> click_view_window(Window(dt.date(2026, 1, 1), dt.date(2026, 5, 31)), now).start
    datetime.date(2026, 3, 4)
    >>> click_view_window(Window(dt.date(2026, 1, 1), dt.date(2026, 1, 31)), now)
    Window(start=datetime.date(2026, 3, 4), end=datetime.date(2026, 3, 4))
    """
    first = click_view_start(now)
    return Window(max(window.start, first), max(window.end, first))


class GoogleAdsSource:
    """One Google Ads customer account (``key``: the pseudonym key, default from the
    environment; ``now``: the clock that bounds the click view)."""

    name = "google_ads"

    def __init__(self, settings: GoogleAdsSettings, client: GoogleAdsClient | None = None, *,
                 key: bytes | None = None,
                 now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)):
        self.settings = settings
        self._client = client
        self._key, self._now = key, now

    @property
    def client(self) -> GoogleAdsClient:
        if self._client is None:
            self._client = make_client(self.settings)
        return self._client

    def _rows(self, query: str, stream: Stream) -> list[dict[str, Any]]:
        """Every row of one query, read whole (a stream broken mid-way is read again)."""
        service = self.client.get_service("GoogleAdsService")
        read = ROW_READERS[stream.name]
        stream_rows = service.search_stream(customer_id=self.settings.customer_id, query=query,
                                            timeout=self.settings.timeout_s)
        return [read(row) for batch in stream_rows for row in batch.results]

    def _pseudonym_key(self) -> bytes | None:
        if self._key is None:
            try:
                self._key = pseudonym_key()
            except PseudonymKeyError:
                return None
        return self._key

    def pull(self, stream: Stream, window: Window) -> Extract:
        if stream.name not in ROW_READERS:
            raise ValueError(f"Google Ads has no stream {stream.name!r}")
        counter, extracted_at = RetryCounter(), dt.datetime.now(dt.UTC)
        cid = self.settings.customer_id
        rows: list[dict[str, Any]] = []
        key = None
        if stream.name == CLICK_VIEW:
            window, key = click_view_window(window, self._now()), self._pseudonym_key()
            if key is None:
                empty = pd.DataFrame(columns=list(stream.column_names))
                return Extract(stream, window, empty, extracted_at,
                               {"customer_id": cid, "click_view_skipped": True}, scope=cid)
        try:
            asked = functools.partial(
                asked_retry_delay, failure_type=type(self.client.get_type("GoogleAdsFailure")),
                api_version=self.settings.api_version)
            for query in queries(stream.name, window):  # each query with its own retries
                rows += self.settings.retry.call(
                    lambda query=query: self._rows(query, stream), counter, asked_delay=asked,
                    what=f"Google Ads SearchStream ({stream.name}, customer {cid})")
        except GoogleAdsException as exc:
            raise SourceError(explain(exc, cid)) from exc
        except exceptions.Unauthenticated as exc:
            raise SourceError(f"Google Ads rejected the credentials for customer {cid} "
                              f"({exc.message}). Check the developer token and OAuth refresh "
                              "token.") from exc
        except exceptions.GoogleAPICallError as exc:
            raise SourceError(f"Google Ads customer {cid}: {exc.message}") from exc
        except GoogleAuthError as exc:
            raise SourceError(f"Google Ads: OAuth failed ({type(exc).__name__}); the refresh "
                              "token may be revoked or expired: create a new one.") from None
        if key is not None:  # the raw gclid becomes its keyed pseudonym right here
            hashed = pseudonymise([row.pop("gclid") for row in rows], key)
            rows = [{**row, "gclid_key": h} for row, h in zip(rows, hashed, strict=True)]
        frame = pd.DataFrame(rows, columns=list(stream.column_names)).assign(
            extracted_at=pd.Timestamp(extracted_at))
        metadata = {"customer_id": cid, "retries": counter.retries, **described(frame)}
        return Extract(stream, window, frame, extracted_at, metadata, scope=cid)
