"""How Meta says to slow down, read from its answers.

Every Graph API answer may carry ``x-business-use-case-usage`` (per business, per use case
such as ``ads_insights``: call count, CPU time and total time in percent of the allowance, and
``estimated_time_to_regain_access`` in minutes), ``x-fb-ads-insights-throttle`` (the app's and
the ad account's insights load in percent) and ``x-ad-account-usage``. A throttled request
ends with error code 4, 17, 613 or 80000-80014 (business use case limits).

>>> usage({"x-business-use-case-usage":
...        '{"123": [{"type": "ads_insights", "call_count": 98, "total_cputime": 40,'
...        ' "total_time": 35, "estimated_time_to_regain_access": 2}]}',
...        "x-fb-ads-insights-throttle": '{"app_id_util_pct": 12.5, "acc_id_util_pct": 99}'})
Usage(percent=99.0, regain_s=120.0)
>>> usage({"X-Ad-Account-Usage": '{"acc_id_util_pct": 100, "reset_time_duration": 90}'})
Usage(percent=100.0, regain_s=90.0)
>>> usage({"x-business-use-case-usage": "not json"})
Usage(percent=0.0, regain_s=0.0)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, *range(80000, 80015)})
HEADERS = ("x-business-use-case-usage", "x-fb-ads-insights-throttle", "x-ad-account-usage",
           "x-app-usage")
BUSY_PERCENT = 95.0  # at this load, pause before the next request


@dataclass(frozen=True)
class Usage:
    """The highest load any header reports (percent of an allowance) and the longest wait
    it asks for before access comes back (seconds)."""

    percent: float = 0.0
    regain_s: float = 0.0


def _json(text: str | None) -> object:
    try:
        return json.loads(text) if text else None
    except (TypeError, ValueError):
        return None


def _percents(found: object) -> list[float]:
    """Every ``*_pct``, ``call_count``, ``total_cputime``, ``total_time`` number in a header."""
    keys = ("call_count", "total_cputime", "total_time")
    if isinstance(found, Mapping):
        return [float(v) for k, v in found.items()
                if (k.endswith("_pct") or k in keys) and isinstance(v, int | float)]
    return []


def usage(headers: Mapping[str, str]) -> Usage:
    """What an answer's headers say (any case of header name; unreadable headers count as
    nothing)."""
    lower = {k.lower(): v for k, v in headers.items()}
    percents: list[float] = []
    regain_minutes: list[float] = []
    buc = _json(lower.get("x-business-use-case-usage"))
    for entries in buc.values() if isinstance(buc, Mapping) else ():
        for entry in entries if isinstance(entries, list) else ():
            percents += _percents(entry)
            if isinstance(entry, Mapping):
                wait = entry.get("estimated_time_to_regain_access")
                if isinstance(wait, int | float):
                    regain_minutes.append(float(wait))
    for name in HEADERS[1:]:
        found = _json(lower.get(name))
        percents += _percents(found)
        if isinstance(found, Mapping):  # x-ad-account-usage: reset_time_duration in seconds
            reset = found.get("reset_time_duration")
            if isinstance(reset, int | float) and _percents(found) and max(
                    _percents(found)) >= 100:
                regain_minutes.append(float(reset) / 60)
    return Usage(max(percents, default=0.0), 60 * max(regain_minutes, default=0.0))


class Throttle:
    """The load the last answer reported (fed by a ``requests`` response hook), and the pause
    to take before the next request."""

    def __init__(self) -> None:
        self.last = Usage()
        self.pauses: list[float] = []

    def hook(self, response, *args, **kwargs):  # requests' response hook signature
        self.last = usage(response.headers)
        return response

    def pause_s(self, breath_s: float) -> float:
        """Wait this long before the next request: what Meta asked for, or ``breath_s`` when
        the load is near the limit."""
        if self.last.regain_s > 0:
            return self.last.regain_s
        return breath_s if self.last.percent >= BUSY_PERCENT else 0.0
