"""Meta Ads as a source: one ad account, ad set insights per day through async report runs,
retried with back-off, errors that say what to do, and the access token in no message."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.campaign import Campaign

from pipelines.sources.base import Extract, Window
from pipelines.sources.meta_ads.calls import Calls
from pipelines.sources.meta_ads.graph import make_api
from pipelines.sources.meta_ads.insights import Counting, request_params, stream_row
from pipelines.sources.meta_ads.report_run import ReportRuns, RunSettings, read_all
from pipelines.sources.meta_ads.throttle import Throttle
from pipelines.sources.meta_ads.token import AccessToken, load_token
from pipelines.sources.retry import RetryPolicy, SourceError
from pipelines.sources.streams import META_STREAMS, Stream

UNKNOWN_STATUS = "UNKNOWN"  # a campaign the campaigns list did not return
# The campaigns edge leaves archived and deleted campaigns out unless asked for them.
EVERY_STATUS = (Campaign.EffectiveStatus.active, Campaign.EffectiveStatus.paused,
                Campaign.EffectiveStatus.archived, Campaign.EffectiveStatus.deleted,
                Campaign.EffectiveStatus.in_process, Campaign.EffectiveStatus.with_issues)


@dataclass(frozen=True)
class MetaAdsSettings:
    """How to reach one Meta ad account and what to count."""

    account_id: str  # digits, without "act_"
    access_token_env: str = "META_ACCESS_TOKEN"
    access_token_file: Path | None = None
    api_version: str = "v26.0"
    endpoint: str | None = None  # default https://graph.facebook.com; a local test server
    attribution_windows: tuple[str, ...] = ("7d_click", "1d_view")
    lead_action_types: tuple[str, ...] = ("lead",)
    purchase_action_types: tuple[str, ...] = ("omni_purchase",)
    chunk_days: int = 31
    runs: RunSettings = field(default_factory=RunSettings)
    timeout_s: float = 120.0  # one HTTP request
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @property
    def counting(self) -> Counting:
        return Counting(self.attribution_windows, self.lead_action_types,
                        self.purchase_action_types)


def chunks(window: Window, days: int) -> list[Window]:
    """``window`` in consecutive pieces of at most ``days`` days.

    >>> [(w.start.day, w.end.day) for w in chunks(Window(dt.date(2026, 3, 1),
    ...                                                  dt.date(2026, 3, 10)), 4)]
    [(1, 4), (5, 8), (9, 10)]
    """
    out, start = [], window.start
    while start <= window.end:
        end = min(start + dt.timedelta(days=days - 1), window.end)
        out.append(Window(start, end))
        start = end + dt.timedelta(days=1)
    return out


class MetaAdsSource:
    """One Meta ad account."""

    name = "meta_ads"

    def __init__(self, settings: MetaAdsSettings, *, token: AccessToken | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        self.settings = settings
        self._token = token
        self._sleep = sleep

    @property
    def token(self) -> AccessToken:
        if self._token is None:
            s = self.settings
            self._token = load_token(s.access_token_env, s.access_token_file)
        return self._token

    def _calls(self) -> tuple[AdAccount, Calls]:
        s, throttle = self.settings, Throttle()
        api = make_api(self.token, api_version=s.api_version, endpoint=s.endpoint,
                       timeout_s=s.timeout_s, throttle=throttle)
        calls = Calls(s.account_id, self.token, s.retry, throttle, sleep=self._sleep)
        return AdAccount(f"act_{s.account_id}", api=api), calls

    def _account(self, account: AdAccount, calls: Calls) -> dict[str, Any]:
        """The ad account's ID, name, currency and time zone."""
        fields = [AdAccount.Field.account_id, AdAccount.Field.name, AdAccount.Field.currency,
                  AdAccount.Field.timezone_name]
        read = calls.call(lambda: account.api_get(fields=fields),
                          what=f"Meta ad account {account.get_id()}")
        return read.export_all_data()

    def _statuses(self, account: AdAccount, calls: Calls) -> dict[str, str]:
        """Each campaign's configured status, archived and deleted ones included."""
        what = f"Meta campaigns ({account.get_id()})"
        params = {"limit": self.settings.runs.page_size, "effective_status": list(EVERY_STATUS)}
        first = calls.call(lambda: account.get_campaigns(
            fields=[Campaign.Field.id, Campaign.Field.status], params=params),
            what=f"{what}, page 1")
        return {str(c["id"]): str(c.get("status") or UNKNOWN_STATUS)
                for c in read_all(first, calls, what)}

    def pull(self, stream: Stream, window: Window) -> Extract:
        if stream.name not in META_STREAMS:
            raise ValueError(f"Meta Ads has no stream {stream.name!r}")
        extracted_at, s = dt.datetime.now(dt.UTC), self.settings
        account, calls = self._calls()
        info = self._account(account, calls)
        statuses = self._statuses(account, calls)
        runs = ReportRuns(account, calls, s.runs)
        answered: list[dict[str, Any]] = []
        for piece in chunks(window, s.chunk_days):
            answered += runs.rows(piece, request_params(piece, s.counting))
        frame = self._frame(stream, window, answered, info, statuses, extracted_at)
        metadata = {"account_id": s.account_id, "retries": calls.counter.retries,
                    "report_runs": runs.runs, "requests": calls.requests,
                    "throttle_pauses": len(calls.throttle.pauses),
                    "attribution_setting": s.counting.setting,
                    "currency_code": str(info.get("currency", "")),
                    "time_zone": str(info.get("timezone_name", ""))}
        return Extract(stream, window, frame, extracted_at, metadata, scope=s.account_id)

    def _frame(self, stream: Stream, window: Window, answered: list[dict[str, Any]],
               info: dict[str, Any], statuses: dict[str, str],
               extracted_at: dt.datetime) -> pd.DataFrame:
        """The stream's rows, checked: one per key, every date in the window, one currency."""
        acct = f"act_{self.settings.account_id}"
        try:
            rows = [stream_row(row, self.settings.counting) for row in answered]
        except (KeyError, ValueError, TypeError) as exc:
            raise SourceError(f"Meta ad account {acct}: an insights row could not be read "
                              f"({type(exc).__name__}: {exc}). Nothing was written.") from None
        currency = str(info.get("currency") or "")
        other = {str(r.get("account_currency")) for r in answered} - {currency}
        if other:
            raise SourceError(f"Meta ad account {acct}: rows in {sorted(other)} but the account "
                              f"is in {currency!r}. Nothing was written.")
        frame = pd.DataFrame(rows, columns=[c for c in stream.column_names
                                            if c not in ("campaign_status", "currency_code",
                                                         "time_zone", "extracted_at")])
        frame = frame.assign(
            campaign_status=frame["campaign_id"].map(statuses).fillna(UNKNOWN_STATUS),
            currency_code=currency, time_zone=str(info.get("timezone_name") or ""),
            extracted_at=pd.Timestamp(extracted_at))[list(stream.column_names)]
        outside = frame[(frame["date"] < window.start) | (frame["date"] > window.end)]
        if len(outside):
            raise SourceError(f"Meta ad account {acct}: {len(outside)} rows outside "
                              f"{window.start}..{window.end}. Nothing was written.")
        doubled = frame.duplicated(list(stream.key), keep=False)
        if doubled.any():
            first = frame.loc[doubled, list(stream.key)].iloc[0].to_dict()
            raise SourceError(f"Meta ad account {acct}: {int(doubled.sum())} rows share a key "
                              f"(e.g. {first}). Nothing was written.")
        return frame.sort_values(list(stream.key), kind="stable").reset_index(drop=True)
