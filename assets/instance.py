"""The Dagster instance the product keeps in ``<data dir>/dagster_home`` (the command line's run
history, and ``make dev``'s): created with telemetry off.

Dagster reports usage unless its instance's ``dagster.yaml`` says ``telemetry: {enabled:
false}``; this writes that file when the folder has none, and never touches a file the user wrote.

>>> import tempfile
>>> home = prepare_home(Path(tempfile.mkdtemp()) / "dagster_home")
>>> print((home / "dagster.yaml").read_text(encoding="utf-8"), end="")
# The Dagster instance of campaign-kpi (run history, asset check results).
# Telemetry is off: Dagster reports no usage. To turn it on, set enabled: true.
telemetry:
  enabled: false
>>> prepare_home(home) == home  # a second call leaves the file as it is
True
"""

from __future__ import annotations

import sys
from pathlib import Path

SETTINGS_FILES = ("dagster.yaml", "dagster.yml")  # the names Dagster reads, in its order
SETTINGS = """\
# The Dagster instance of campaign-kpi (run history, asset check results).
# Telemetry is off: Dagster reports no usage. To turn it on, set enabled: true.
telemetry:
  enabled: false
"""


def prepare_home(home: Path) -> Path:
    """Create ``home`` if needed, with a ``dagster.yaml`` turning telemetry off unless the folder
    already has its own settings file; return ``home``."""
    home.mkdir(parents=True, exist_ok=True)
    if any((home / name).exists() for name in SETTINGS_FILES):
        return home
    try:
        with (home / SETTINGS_FILES[0]).open("x", encoding="utf-8") as file:  # never overwrite
            file.write(SETTINGS)
    except FileExistsError:  # another process wrote one just now: theirs stands
        pass
    return home


if __name__ == "__main__":  # make dev: python -m assets.instance data/dagster_home
    prepare_home(Path(sys.argv[1]))
