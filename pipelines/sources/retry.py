"""How the real connectors survive quotas and passing faults: google.api_core retries with
exponential back-off, bounded in attempts and time, counted, and a clear stop for a daily quota.

>>> policy = RetryPolicy(max_retries=2, initial_s=0.0)
>>> attempts = []
>>> def flaky():
...     attempts.append(1)
...     if len(attempts) < 3:
...         raise exceptions.ServiceUnavailable("try later")
...     return "ok"
>>> counter = RetryCounter()
>>> policy.call(flaky, counter, what="GA4 runReport")
'ok'
>>> counter.retries
2
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import requests
from google.api_core import exceptions, retry

T = TypeVar("T")

TRANSIENT: tuple[type[Exception], ...] = (
    exceptions.TooManyRequests,  # HTTP 429 (GA4 over REST)
    exceptions.ResourceExhausted,  # gRPC RESOURCE_EXHAUSTED (GA4 gRPC, Google Ads)
    exceptions.ServiceUnavailable,
    exceptions.DeadlineExceeded,
    exceptions.InternalServerError,
    requests.exceptions.Timeout,  # GA4 over REST: a read timeout is not DeadlineExceeded
    requests.exceptions.ConnectionError,
)


class SourceError(RuntimeError):
    """A source could not deliver; the message says what to do. Nothing has been written."""


class QuotaExhausted(SourceError):
    """A quota that will not refill within this run (a daily quota, or an hourly one that
    outlasted the retries). The next nightly run resumes from the last day pulled."""


def is_daily_quota(exc: Exception) -> bool:
    """GA4 says 'Exhausted property tokens per day' (or 'per project per day')."""
    return isinstance(exc, TRANSIENT[:2]) and "per day" in str(exc).lower()


@dataclass
class RetryCounter:
    """How many retries a pull needed, and why (shown in the asset's metadata)."""

    retries: int = 0
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off for transient errors: at most ``max_retries`` retries and
    ``deadline_s`` seconds in all; a daily quota is never retried."""

    max_retries: int = 5
    initial_s: float = 2.0
    maximum_s: float = 60.0
    multiplier: float = 2.0
    deadline_s: float = 600.0

    def call(self, fn: Callable[[], T], counter: RetryCounter, *, what: str) -> T:
        """``fn()`` with retries; a final failure becomes a :class:`SourceError` naming ``what``."""

        def retryable(exc: Exception) -> bool:
            if not isinstance(exc, TRANSIENT) or is_daily_quota(exc):
                return False
            if counter.retries >= self.max_retries:
                return False
            counter.retries += 1
            counter.reasons.append(type(exc).__name__)
            return True

        policy = retry.Retry(predicate=retryable, initial=self.initial_s, maximum=self.maximum_s,
                             multiplier=self.multiplier, timeout=self.deadline_s)
        try:
            return policy(fn)()
        except exceptions.RetryError as exc:  # the deadline ran out while retrying
            raise SourceError(f"{what}: still failing after {self.deadline_s:.0f} s of retries "
                              f"({counter.retries} retries): {exc.cause}") from exc
        except TRANSIENT as exc:
            if is_daily_quota(exc):
                raise QuotaExhausted(
                    f"{what}: the daily quota is exhausted ({_first_line(exc)}). Nothing was "
                    "written; the next nightly run resumes from the last day pulled.") from exc
            if isinstance(exc, TRANSIENT[:2]):
                raise QuotaExhausted(
                    f"{what}: quota still exhausted after {counter.retries} retries "
                    f"({_first_line(exc)}). Nothing was written; the next run resumes from the "
                    "last day pulled.") from exc
            raise SourceError(f"{what}: failed after {counter.retries} retries: "
                              f"{_first_line(exc)}") from exc


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
