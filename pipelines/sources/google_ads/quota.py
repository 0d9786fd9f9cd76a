"""The wait Google Ads asks for before a retry.

A RESOURCE_EXHAUSTED answer reaches us as google.api_core's ``ResourceExhausted`` (the library's
exception interceptor leaves it unconverted, so it can be retried); its gRPC call still holds
the trailing metadata ``google.ads.googleads.<version>.errors.googleadsfailure-bin``, a
GoogleAdsFailure whose errors' ``details.quota_error_details.retry_delay`` says how long to wait.
"""

from __future__ import annotations

from typing import Any

from google.api_core import exceptions


def failure_key(api_version: str) -> str:
    """The trailing-metadata key of the GoogleAdsFailure.

    >>> failure_key("v26")
    'google.ads.googleads.v26.errors.googleadsfailure-bin'
    """
    return f"google.ads.googleads.{api_version}.errors.googleadsfailure-bin"


def asked_retry_delay(exc: Exception, failure_type: Any, api_version: str) -> float | None:
    """Seconds Google Ads asked to wait before retrying ``exc``: the longest
    QuotaErrorDetails.retry_delay of its GoogleAdsFailure (``failure_type``, the proto-plus
    class of ``api_version``); None for other errors or when it asked for none."""
    if not isinstance(exc, exceptions.ResourceExhausted):
        return None
    trailing = getattr(exc.response, "trailing_metadata", None)
    metadata = trailing() if callable(trailing) else None
    key = failure_key(api_version)
    blobs = [value for name, value in metadata or () if name == key]
    if not blobs:
        return None
    delays = [error.details.quota_error_details.retry_delay.total_seconds()
              for error in failure_type.deserialize(blobs[0]).errors
              if "quota_error_details" in error.details
              and "retry_delay" in error.details.quota_error_details]
    return max(delays) if delays else None
