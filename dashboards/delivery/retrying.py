"""Retries for sending, on google.api_core's retry loop (the house retry library, as the
connectors use it in :mod:`pipelines.sources.retry`): a temporary failure (a 4xx SMTP reply,
HTTP 429 or 5xx, a timeout, a refused connection) is retried with exponential back-off, at
most ``max_retries`` times and within the delivery's time budget; a permanent one is not.

>>> policy = DeliveryRetry(max_retries=2, initial_seconds=0)
>>> calls = []
>>> def flaky():
...     calls.append(1)
...     if len(calls) < 3:
...         raise Temporary("421 try again later")
...     return "sent"
>>> with_retries(flaky, policy, Budget(policy), what="smtp.example.be:587")
'sent'
>>> with_retries(lambda: (_ for _ in ()).throw(Temporary("timed out")), policy,
...              Budget(policy), what="smtp.example.be:587")
Traceback (most recent call last):
...
dashboards.delivery.retrying.DeliveryError: smtp.example.be:587: timed out (still failing ...)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from google.api_core import retry

from pipelines.delivery_config import DeliveryRetry

T = TypeVar("T")


class DeliveryError(RuntimeError):
    """A message could not be delivered; the message names the server or the webhook (never a
    password or a webhook's URL)."""


class Temporary(DeliveryError):
    """A failure worth retrying (the message says what happened, without secrets)."""


class Permanent(DeliveryError):
    """A refusal that retrying will not change (a 5xx reply, a wrong login, a bad URL)."""


@dataclass
class Budget:
    """The whole delivery's time budget (``deadline_seconds``), shared by every message."""

    policy: DeliveryRetry
    started: float = field(default_factory=time.monotonic)

    def left(self) -> float:
        return self.policy.deadline_seconds - (time.monotonic() - self.started)


def with_retries(fn: Callable[[], T], policy: DeliveryRetry, budget: Budget, *,
                 what: str) -> T:
    """``fn()``, retried on :class:`Temporary`; in the end a :class:`DeliveryError` naming
    ``what`` (a :class:`Permanent` error is raised as it is, at once)."""
    retries = 0

    def attempt() -> T:
        return fn()

    def retryable(exc: Exception) -> bool:
        nonlocal retries
        if not isinstance(exc, Temporary) or retries >= policy.max_retries:
            return False
        retries += 1
        return True

    def failure(errors: list[Exception], reason: retry.RetryFailureReason,
                _timeout: float | None) -> tuple[Exception, Exception | None]:
        exc = errors[-1]
        if not isinstance(exc, Temporary):
            return exc, None
        said = "retry" if retries == 1 else "retries"
        text = str(exc) if str(exc).startswith(what) else f"{what}: {exc}"
        if reason == retry.RetryFailureReason.TIMEOUT:
            return DeliveryError(
                f"{text} (the delivery's time budget, delivery.retry.deadline_seconds = "
                f"{policy.deadline_seconds:g} s, ran out after {retries} {said})"), None
        return DeliveryError(f"{text} (still failing after {retries} {said})"), None

    sleeps = retry.exponential_sleep_generator(max(policy.initial_seconds, 1e-3),
                                               policy.max_seconds)
    return retry.retry_target(attempt, retryable, sleeps, timeout=max(budget.left(), 0.0),
                              exception_factory=failure)
