"""Every Graph API request of a pull goes through :meth:`Calls.call`: a pause when the last
answer's headers said the load is at its limit, the SDK's errors turned into retryable or final
ones (:mod:`.errors`), and the project's retry loop around it all."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import requests
from facebook_business.exceptions import FacebookRequestError

from pipelines.sources.meta_ads.errors import asked_delay, classify, transport_error
from pipelines.sources.meta_ads.throttle import Throttle, Usage
from pipelines.sources.meta_ads.token import AccessToken
from pipelines.sources.retry import QuotaExhausted, RetryCounter, RetryPolicy

T = TypeVar("T")


@dataclass
class Calls:
    """The requests of one pull of one ad account."""

    account_id: str
    token: AccessToken
    policy: RetryPolicy
    throttle: Throttle
    counter: RetryCounter = field(default_factory=RetryCounter)
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0

    def call(self, fn: Callable[[], T], what: str) -> T:
        """``fn()`` (one SDK request) with the pull's retries; ``what`` names it in errors."""

        def attempt() -> T:
            self._pause(what)
            self.requests += 1
            try:
                return fn()
            except FacebookRequestError as exc:
                # A throttled answer's wait is the retry's asked delay: not a pause as well.
                self.throttle.last = Usage()
                raise classify(exc, self.token, self.account_id) from None
            except requests.exceptions.RequestException as exc:
                raise transport_error(exc, self.token, what) from None

        return self.policy.call(attempt, self.counter, what=what, asked_delay=asked_delay)

    def _pause(self, what: str) -> None:
        """Wait as the last answer's throttling headers asked (never longer than the retry
        policy's longest wait: then stop, nothing written)."""
        wait = self.throttle.pause_s(self.policy.initial_s)
        if wait <= 0:
            return
        if wait > self.policy.maximum_s:
            raise QuotaExhausted(
                f"{what}: Meta's throttling headers ask to wait {wait:g} s "
                "(estimated_time_to_regain_access), longer than sources.retry.max_seconds "
                f"({self.policy.maximum_s:g} s). Nothing was written; the next run resumes "
                "(or raise max_seconds to wait that long).")
        self.throttle.pauses.append(wait)
        self.counter.reasons.append("throttling headers")
        self.throttle.last = Usage()  # the next answer says how it is now
        self.sleep(wait)
