"""Reading configuration files: their text, and the files they name beside themselves.

>>> beside(Path("/etc/kpi"), "plan.csv"), beside(Path("/etc/kpi"), "/data/plan.csv")
('/etc/kpi/plan.csv', '/data/plan.csv')
"""

from __future__ import annotations

import contextlib
from pathlib import Path


def beside(folder: Path, named: str) -> str:
    """``named`` (``~`` expanded) as an absolute path, relative ones taken from ``folder``."""
    path = Path(named)
    with contextlib.suppress(RuntimeError):  # ~someone unknown: kept as written
        path = path.expanduser()
    return str(path if path.is_absolute() else folder / path)


def read_text(path: Path, what: str, error: type[Exception]) -> str:
    """The UTF-8 text of ``path``; else ``error`` saying which file (``what``) and why."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{path}: cannot read the {what} (not UTF-8 text, byte {exc.start}); "
                    "save it as UTF-8") from None
