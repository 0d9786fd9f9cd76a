"""A local BigQuery emulator for the tests: bqemulator (REST and gRPC, DuckDB inside) in its own
venv, ``.tools/bqemulator`` (``python tests/fakes/bqemulator/install.py`` creates it from
``tests/fakes/bqemulator/requirements.lock``; it cannot share our venv: it needs sqlglot 30).

``emulator()`` starts one on free local ports (through ``tests/fakes/bqemulator/serve.py``, which
keeps it offline), waits until it answers and stops it at the end.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".tools" / "bqemulator"
PYTHON = VENV / "bin" / "python"
SERVE = Path(__file__).with_name("bqemulator") / "serve.py"
PROJECT = "campaign-kpi-test"
START_TIMEOUT_S = 90.0  # it imports a lot; two busy cores make that slow


@dataclass(frozen=True)
class Emulator:
    endpoint: str  # the REST API, e.g. http://127.0.0.1:40123
    grpc: str  # the Storage Read/Write APIs, host:port
    project: str
    log: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ready(endpoint: str) -> bool:
    try:
        with urllib.request.urlopen(f"{endpoint}/readyz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def emulator(log: Path) -> Iterator[Emulator]:
    """A running emulator (in memory, empty); its output goes to ``log``."""
    if not PYTHON.exists():
        pytest.skip(f"the BigQuery emulator is not installed ({VENV} is missing): run "
                    "'python tests/fakes/bqemulator/install.py' or 'make test'")
    rest, grpc = _free_port(), _free_port()
    endpoint = f"http://127.0.0.1:{rest}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(PYTHON), str(SERVE), "--rest-port", str(rest), "--grpc-port", str(grpc),
             "--project", PROJECT, "--ephemeral", "--log-level", "warning",
             "--log-format", "console"],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "BQEMU_UPLOAD_STAGING_DIR": str(log.parent / "uploads")})
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _ready(endpoint):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the BigQuery emulator did not start; its output:\n"
                                   f"{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        yield Emulator(endpoint, f"127.0.0.1:{grpc}", PROJECT, log)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
