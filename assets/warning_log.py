"""Python warnings raised during a run (numpy's overflows, scipy's fits) go to the run's log in
the Dagster instance, with the step that raised them, instead of the terminal.

A warning becomes one line of the run's log, at WARNING level::

    Python warning: RuntimeWarning: overflow encountered in multiply (at kpi/clv/models.py:329)

and :func:`warnings_in` reads those lines back from a run's log entries.

>>> entries = [LogLine("clv_tables", "Python warning: RuntimeWarning: overflow (at f.py:3)"),
...            LogLine("clv_tables", "Python warning: RuntimeWarning: overflow (at f.py:3)"),
...            LogLine("clv_tables", "Materialized value clv_tables.")]
>>> warnings_in(entries)
(RunWarning(step='clv_tables', category='RuntimeWarning', message='overflow', count=2),)
"""

from __future__ import annotations

import contextlib
import logging
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

import dagster as dg

PREFIX = "Python warning: "
_LINE = re.compile(rf"^{PREFIX}(?P<category>\w+): (?P<message>.*) \(at .+:\d+\)$", re.DOTALL)


@dataclass(frozen=True)
class RunWarning:
    """A warning a run raised: the step (None outside any step), its category, its message and
    how many times the run's log holds it."""

    step: str | None
    category: str
    message: str
    count: int


class LogEntry(Protocol):
    """What :func:`warnings_in` reads of a log entry (``dagster.EventLogEntry`` has both)."""

    @property
    def step_key(self) -> str | None: ...

    @property
    def user_message(self) -> str: ...


@dataclass(frozen=True)
class LogLine:
    """A log entry built by hand (examples and tests)."""

    step_key: str | None
    user_message: str


def warnings_in(entries: Iterable[LogEntry]) -> tuple[RunWarning, ...]:
    """The warnings among a run's log entries, one per step, category and message, in the order
    first raised."""
    counts: Counter[tuple[str | None, str, str]] = Counter()
    for entry in entries:
        found = _LINE.match(entry.user_message or "")
        if found:
            counts[entry.step_key, found["category"], found["message"]] += 1
    return tuple(RunWarning(step, category, message, count)
                 for (step, category, message), count in counts.items())


def describe(caught: tuple[RunWarning, ...]) -> str:
    """How many warnings and from which steps, for one line of the terminal.

    >>> describe((RunWarning("clv_tables", "RuntimeWarning", "overflow", 2),
    ...           RunWarning("response_curves", "OptimizeWarning", "covariance", 1)))
    '3 warnings from the numerics (clv_tables, response_curves)'
    """
    total = sum(w.count for w in caught)
    steps = ", ".join(dict.fromkeys(w.step or "outside the steps" for w in caught))
    return f"{total} warning{'' if total == 1 else 's'} from the numerics ({steps})"


@contextlib.contextmanager
def warnings_to_run_log() -> Iterator[None]:
    """While open, a warning that Python would print goes to Dagster's logger instead: inside a
    step it lands in the run's log, with the step's key; outside the steps it is dropped. The
    warning filters are unchanged (under pytest's ``error`` filter a warning still raises)."""
    log = dg.get_dagster_logger("python_warnings")
    if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
        log.addHandler(logging.NullHandler())  # never Python's last-resort print to stderr

    def to_log(message: Warning | str, category: type[Warning], filename: str, lineno: int,
               file: object = None, line: str | None = None) -> None:
        log.warning("%s%s: %s (at %s:%d)", PREFIX, category.__name__, message, filename, lineno)

    with warnings.catch_warnings():  # restores showwarning on the way out
        warnings.showwarning = to_log
        yield
