"""How much memory, how many threads and which spill folder a DuckDB connection gets.

DuckDB by default takes up to 80 % of the machine's memory before it spills; a big roll-up then
swells the nightly process instead of writing to disk. Every connection the pipeline opens
gets an explicit bound: the configuration's ``engine.duckdb`` settings, or defaults derived
from the machine (a quarter of its memory, at most 1 GiB; every core it may use; a spill
folder next to the warehouse file).

>>> limits = default_limits(total_memory=24 * GIB, cpus=2, temp_directory=Path("/d/spill"))
>>> limits.memory_limit, limits.threads, limits.temp_directory
('1024MiB', 2, '/d/spill')
>>> default_limits(total_memory=2 * GIB, cpus=1, temp_directory=Path("/t")).memory_limit
'512MiB'
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

MIB = 1024**2
GIB = 1024**3
DEFAULT_CEILING = 1 * GIB  # more rarely speeds a night up; the rest spills to disk
DEFAULT_SHARE = 0.25  # of the memory this process may use
FLOOR = 128 * MIB
SPILL_FOLDER = "duckdb-spill"
# DuckDB's own size syntax: 500MB, 1.5GB, 2GiB (case-insensitive, optional space).
MEMORY_SIZE = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


@dataclass(frozen=True)
class DuckDBLimits:
    """The bound of one connection, in DuckDB's own setting names and syntax."""

    memory_limit: str
    threads: int
    temp_directory: str

    def as_config(self) -> dict[str, str | int]:
        """Keyword settings for ``ibis.duckdb.connect`` / ``duckdb.connect(config=...)``."""
        return {"memory_limit": self.memory_limit, "threads": self.threads,
                "temp_directory": self.temp_directory}


def machine_memory() -> int:
    """Bytes of memory this process may use: the machine's, or its container's limit (cgroup
    v2 ``memory.max`` or v1 ``memory.limit_in_bytes``) when that is lower."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for limit_file in ("/sys/fs/cgroup/memory.max",
                       "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(limit_file).read_text().strip()
        except OSError:
            continue
        if text.isdigit():
            total = min(total, int(text))
    return total


def usable_cpus() -> int:
    """The cores this process may run on (its affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def default_limits(total_memory: int, cpus: int, temp_directory: Path) -> DuckDBLimits:
    """A quarter of ``total_memory`` (at least 128 MiB, at most 1 GiB), ``cpus`` threads."""
    memory = max(FLOOR, min(DEFAULT_CEILING, int(total_memory * DEFAULT_SHARE)))
    return DuckDBLimits(f"{memory // MIB}MiB", max(1, cpus), str(temp_directory))


def spill_folder(database: Path | str) -> Path:
    """Where a connection spills: ``duckdb-spill`` next to a warehouse file, or in the system's
    temporary folder for an in-memory database.

    >>> spill_folder("/data/warehouse.duckdb")
    PosixPath('/data/duckdb-spill')
    """
    if str(database) == ":memory:":
        return Path(tempfile.gettempdir()) / f"campaign-kpi-{SPILL_FOLDER}"
    return Path(database).parent / SPILL_FOLDER


def resolve(database: Path | str, memory_limit: str | None = None, threads: int | None = None,
            temp_directory: Path | None = None) -> DuckDBLimits:
    """The configured settings, each missing one from the machine's defaults.

    >>> resolve(":memory:", memory_limit="2GB", threads=3).memory_limit
    '2GB'
    """
    base = default_limits(machine_memory(), usable_cpus(), spill_folder(database))
    return DuckDBLimits(memory_limit or base.memory_limit, threads or base.threads,
                        str(temp_directory) if temp_directory else base.temp_directory)


def release_freed_memory() -> None:
    """Hand memory that earlier steps freed back to the system before a step that needs a lot
    (glibc keeps freed heap pages in the process otherwise: about 300 MB after a night's first
    steps at 436 campaigns). A garbage collection, then ``malloc_trim``; a no-op where the C
    library has none."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
