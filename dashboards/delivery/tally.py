"""What a delivery run's result says about its outcomes, shared by the report's and the alerts'
results: how many ended in each status, which went wrong, and each problem on its own line.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class O:
...     target: str; channel: str; language: str; status: str; error: str | None = None
>>> @dataclass(frozen=True)
... class R(Tally):
...     outcomes: tuple[O, ...]
>>> r = R((O("recipients.0", "mail", "nl", "sent"),
...        O("webhooks.0", "slack", "fr", "failed", "timeout")))
>>> r.count("sent"), r.explain()
(1, 'webhooks.0 (slack, fr): failed: timeout')
"""

from __future__ import annotations

from typing import Any

PROBLEMS = ("refused", "failed")


class Tally:
    """Mixed into a frozen dataclass with ``outcomes`` (each with target, channel, language,
    status and error)."""

    outcomes: tuple[Any, ...]

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def problems(self) -> tuple[Any, ...]:
        return tuple(o for o in self.outcomes if o.status in PROBLEMS)

    def explain(self) -> str:
        """Each problem on its own line, naming its place in the configuration."""
        return "\n".join(f"{o.target} ({o.channel}, {o.language}): {o.status}: {o.error}"
                         for o in self.problems)
