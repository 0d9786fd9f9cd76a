"""Every HubSpot request of a pull goes through :meth:`Calls.call`: spaced at least
``spacing_s`` apart (the search API allows five requests a second per token, so 0.2 s keeps a
pull under it rather than learning it from 429s), and the client's errors turned into retryable
or final ones (:mod:`.errors`) inside the project's retry loop."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from pipelines.sources.crm.hubspot.errors import (
    API_ERRORS,
    TRANSPORT_ERRORS,
    asked_delay,
    classify,
    transport_error,
)
from pipelines.sources.crm.hubspot.token import AccessToken
from pipelines.sources.retry import RetryCounter, RetryPolicy

T = TypeVar("T")


@dataclass
class Calls:
    """The requests of one pull: how many, and the retries they took."""

    token: AccessToken
    policy: RetryPolicy
    counter: RetryCounter = field(default_factory=RetryCounter)
    spacing_s: float = 0.2
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0
    _last: float | None = None  # time.monotonic() of the last request

    def call(self, fn: Callable[[], T], what: str, scope: str) -> T:
        """``fn()`` (one client request) with the pull's retries; ``what`` names it in errors,
        ``scope`` is the private app scope it needs."""

        def attempt() -> T:
            if self._last is not None:
                wait = self.spacing_s - (time.monotonic() - self._last)
                if wait > 0:
                    self.sleep(wait)
            self._last = time.monotonic()
            self.requests += 1
            try:
                return fn()
            except API_ERRORS as exc:
                raise classify(exc, self.token, what, scope) from None
            except TRANSPORT_ERRORS as exc:
                raise transport_error(exc, what) from None

        return self.policy.call(attempt, self.counter, what=what, asked_delay=asked_delay)
