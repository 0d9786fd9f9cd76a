"""How the real connectors survive quotas and passing faults, on google.api_core's retry loop
(``retry_target`` with its exponential back-off): every request has its own bounded retries,
the whole pull one time budget, a wait the API asks for is honoured up to the configured
maximum, and a daily quota stops at once.

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

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

import requests
from google.api_core import exceptions, retry

T = TypeVar("T")
AskedDelay = Callable[[Exception], float | None]  # seconds an error asks us to wait, if any

QUOTA: tuple[type[Exception], ...] = (
    exceptions.TooManyRequests,  # HTTP 429 (GA4 over REST)
    exceptions.ResourceExhausted,  # gRPC RESOURCE_EXHAUSTED (GA4 gRPC, Google Ads)
)
TRANSIENT: tuple[type[Exception], ...] = (
    *QUOTA,
    exceptions.ServiceUnavailable,
    exceptions.DeadlineExceeded,
    exceptions.InternalServerError,
    requests.exceptions.Timeout,  # GA4 over REST: a read timeout is not DeadlineExceeded
    requests.exceptions.ConnectionError,
)
_RESUME = "Nothing was written; the next run resumes from the last day pulled"


class SourceError(RuntimeError):
    """A source could not deliver; the message says what to do. Nothing has been written."""


class QuotaExhausted(SourceError):
    """A quota that will not refill within this run (a daily quota, or an hourly one that
    outlasted the retries). The next nightly run resumes from the last day pulled."""


def is_daily_quota(exc: Exception) -> bool:
    """GA4 says 'Exhausted property tokens per day' (or 'per project per day')."""
    return isinstance(exc, QUOTA) and "per day" in str(exc).lower()


def no_delay_asked(exc: Exception) -> float | None:
    """For APIs whose errors name no retry delay: back off as configured."""
    return None


@dataclass
class RetryCounter:
    """One pull's retries over all its requests, and why (shown in the asset's metadata);
    ``started`` (``time.monotonic()``) starts the pull's time budget."""

    retries: int = 0
    reasons: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off for transient errors: at most ``max_retries`` retries of each
    request, waits of at most ``maximum_s``, and no retry that would end after the pull (every
    request and wait of it) has run ``deadline_s`` seconds; a daily quota is never retried."""

    max_retries: int = 5
    initial_s: float = 2.0
    maximum_s: float = 60.0
    multiplier: float = 2.0
    deadline_s: float = 600.0

    def remaining_s(self, counter: RetryCounter) -> float:
        """What is left of the pull's time budget."""
        return self.deadline_s - (time.monotonic() - counter.started)

    def call(self, fn: Callable[[], T], counter: RetryCounter, *, what: str,
             asked_delay: AskedDelay = no_delay_asked) -> T:
        """``fn()`` (one request) with retries; a final failure becomes a :class:`SourceError`
        naming ``what``. ``asked_delay`` reads the wait an error asks for (e.g. Google Ads'
        QuotaErrorDetails.retry_delay): never retried sooner, and not at all when it is
        longer than ``maximum_s`` or than the budget left."""
        request = _Request(self, counter, what, asked_delay)
        return retry.retry_target(request.attempts(fn), request.retryable, request.sleeps(),
                                  timeout=self.remaining_s(counter),
                                  exception_factory=request.failure)


class _Request:
    """One request's way through ``retry_target``: whether to retry, how long to wait, and the
    error to raise in the end."""

    def __init__(self, policy: RetryPolicy, counter: RetryCounter, what: str,
                 asked_delay: AskedDelay):
        self.policy, self.counter, self.what, self.asked_delay = policy, counter, what, asked_delay
        self.calls = self.retries = 0
        self.reason = ""  # the last retryable error's type
        self.asked: float | None = None  # what the last error asked for
        self.wait = 0.0  # the wait chosen before the next attempt

    def attempts(self, fn: Callable[[], T]) -> Callable[[], T]:
        """``fn``, counting each call after the first as a retry (of this request and the pull)."""

        def attempt() -> T:
            if self.calls:
                self.retries += 1
                self.counter.retries += 1
                self.counter.reasons.append(self.reason)
            self.calls += 1
            return fn()

        return attempt

    def retryable(self, exc: Exception) -> bool:
        if not isinstance(exc, TRANSIENT) or is_daily_quota(exc):
            return False
        self.reason, self.asked = type(exc).__name__, self.asked_delay(exc)
        return self.retries < self.policy.max_retries and (
            self.asked is None or self.asked <= self.policy.maximum_s)

    def sleeps(self) -> Iterator[float]:
        """api_core's exponential back-off (full jitter), never shorter than the wait asked."""
        p = self.policy
        for backoff in retry.exponential_sleep_generator(p.initial_s, p.maximum_s, p.multiplier):
            self.wait = max(backoff, self.asked or 0.0)
            yield self.wait

    def failure(self, errors: list[Exception], reason: retry.RetryFailureReason,
                _timeout: float | None) -> tuple[Exception, Exception | None]:
        """``retry_target``'s exception factory: what to raise when retrying ends."""
        exc, p = errors[-1], self.policy
        if not isinstance(exc, TRANSIENT):
            return exc, exc.__cause__
        retries = f"{self.retries} retr{'y' if self.retries == 1 else 'ies'}"
        line, done = _first_line(exc), f"after {retries} of this request"
        error = QuotaExhausted if isinstance(exc, QUOTA) else SourceError
        if is_daily_quota(exc):
            return QuotaExhausted(
                f"{self.what}: the daily quota is exhausted ({line}). Nothing was written; the "
                "next nightly run resumes from the last day pulled."), exc
        if reason == retry.RetryFailureReason.TIMEOUT:
            wait = (f"the API asked to wait {self.asked:g} s" if self.asked is not None
                    else f"a back-off of {self.wait:.2f} s")
            left = max(p.remaining_s(self.counter), 0.0)
            return error(
                f"{self.what}: the pull's time budget (sources.retry.deadline_seconds = "
                f"{p.deadline_s:g} s) would run out before the next retry ({wait}; {left:.1f} s "
                f"left), {done}: {line}. {_RESUME} (or raise deadline_seconds)."), exc
        if self.asked is not None and self.asked > p.maximum_s:
            return error(
                f"{self.what}: the API asked to wait {self.asked:g} s before retrying, longer "
                f"than sources.retry.max_seconds ({p.maximum_s:g} s), so it was not retried "
                f"({line}). {_RESUME} (or raise max_seconds to wait that long)."), exc
        if error is QuotaExhausted:
            return error(f"{self.what}: quota still exhausted {done} ({line}). {_RESUME}."), exc
        return error(f"{self.what}: failed {done}: {line}"), exc


def _first_line(exc: Exception) -> str:
    """The error's first line without its final full stop, and without the REST transport's
    'POST <url>: ' after the status code."""
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return re.sub(r"^(\d{3} )?[A-Z]+ https?://\S+: ", r"\1", line).removesuffix(".")
