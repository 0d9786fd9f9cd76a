"""A session fixture's folder built once per test run, not once per pytest-xdist worker.

``make test`` runs two workers; a session fixture is a session per worker, so a demo warehouse
that modules on both workers read was built twice (20-40 s of a 2-core run each time). The
first worker to ask builds the folder under a file lock in the run's shared temporary folder;
the others wait for it and reuse it. Only for folders the tests read (or copy) and never change.
Without xdist the folder is built in the session's own temporary folder, as before.

>>> import tempfile
>>> class Factory:  # what pytest's tmp_path_factory offers, enough for the example
...     root = Path(tempfile.mkdtemp()) / "popen-gw0"  # a worker's folder in a fresh run's
...     def getbasetemp(self): return self.root
>>> Factory.root.mkdir()
>>> builds = []
>>> first = shared_folder(Factory(), "demo", lambda folder: builds.append(folder))
>>> shared_folder(Factory(), "demo", lambda folder: builds.append(folder)) == first
True
>>> len(builds), first.name
(1, 'shared-demo')
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

DONE = ".built"  # written last: a folder without it is a build that stopped half-way


def shared_folder(tmp_path_factory, name: str, build: Callable[[Path], object]) -> Path:
    """``<run's temporary folder>/shared-<name>``, filled by ``build(folder)`` once per run."""
    root = Path(tmp_path_factory.getbasetemp())
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above the workers' own (popen-gw0, ...)
    folder = root / f"shared-{name}"
    with open(root / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (folder / DONE).exists():
            shutil.rmtree(folder, ignore_errors=True)  # a failed build: start afresh
            folder.mkdir()
            build(folder)
            (folder / DONE).touch()
    return folder
