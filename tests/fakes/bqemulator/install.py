"""Create or update the BigQuery emulator's venv (.tools/bqemulator) from requirements.lock.

Idempotent: does nothing when the venv was last synced from the same lock. Uses the project's
uv (.tools/bin/uv, which ``make setup`` installs) and no other download than PyPI's packages::

    python3 tests/fakes/bqemulator/install.py
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
LOCK = HERE / "requirements.lock"
UV = ROOT / ".tools" / "bin" / "uv"
VENV = ROOT / ".tools" / "bqemulator"
STAMP = VENV / ".synced"


def main() -> int:
    digest = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == digest:
        return 0
    if not UV.exists():
        print(f"{UV} is missing: run 'make setup' first", file=sys.stderr)
        return 1
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    python = os.environ.get("UV_PYTHON", sys.executable)
    subprocess.run([str(UV), "venv", "--quiet", "--allow-existing", "--python", python,
                    str(VENV)], check=True, env=env)
    subprocess.run([str(UV), "pip", "sync", "--quiet", "--require-hashes",
                    "--python", str(VENV / "bin" / "python"), str(LOCK)], check=True, env=env)
    STAMP.write_text(digest + "\n")
    print(f"BigQuery emulator installed in {VENV}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
