"""Plain words for what the disk refuses: a full disk, a read-only folder, a missing permission.

The pipeline's writes are transactions (see :mod:`pipelines.warehouse.store`), so when the disk
refuses one the warehouse keeps its last good data; these messages say so and what to do.

>>> hint('Could not write file "/d/warehouse.duckdb.wal": No space left on device')
'the disk is full: free some space and run again'
>>> hint("Binder Error: column not found") is None
True
"""

from __future__ import annotations

import errno
import os
import shutil
import uuid
from pathlib import Path

# Text the operating system (and DuckDB, which quotes it) uses, and what to do about it.
_HINTS = (
    ("No space left on device",
     "the disk is full: free some space and run again"),
    ("Disk quota exceeded",
     "the disk quota is used up: free some space and run again"),
    ("Read-only file system",
     "the data folder is on a read-only file system: give the pipeline a writable data folder "
     "(--data-dir or $CAMPAIGN_KPI_DATA_DIR)"),
    ("Permission denied",
     "this user may not write there: run as the folder's owner or fix its permissions"),
)
_BY_ERRNO = {errno.ENOSPC: _HINTS[0][1], errno.EDQUOT: _HINTS[1][1], errno.EROFS: _HINTS[2][1],
             errno.EACCES: _HINTS[3][1], errno.EPERM: _HINTS[3][1]}


def hint(message: str) -> str | None:
    """What to do about an error whose text names a disk problem; None for any other error."""
    return next((advice for text, advice in _HINTS if text.lower() in message.lower()), None)


def errno_of(message: str, where: Path, low: int = 64 * 2**20) -> int:
    """The error number a library's message stands for: SQLite says only "disk I/O error" or
    "database or disk is full" when the disk is full, so little free space under ``where``
    (less than ``low`` bytes) counts as ENOSPC.

    >>> errno_of("attempt to write a readonly database", Path("/")) == errno.EROFS
    True
    """
    text = message.lower()
    if "readonly" in text or "read-only" in text:
        return errno.EROFS
    if "full" in text or "no space" in text or _free(where) < low:
        return errno.ENOSPC
    return errno.EIO


def _free(where: Path) -> int:
    try:
        return shutil.disk_usage(where).free
    except OSError:
        return 0


def explain(exc: OSError) -> str:
    """One line naming the file, what the system said and what to do.

    >>> print(explain(OSError(errno.ENOSPC, "No space left on device", "/d/out/trends.html")))
    /d/out/trends.html: No space left on device: the disk is full: free some space and run again
    """
    where = exc.filename if exc.filename is not None else "a file"
    said = exc.strerror or str(exc)
    advice = _BY_ERRNO.get(exc.errno or 0) or hint(said)
    return f"{where}: {said}" + (f": {advice}" if advice else "")


def check_writable(folder: Path) -> None:
    """Raise OSError (see :func:`explain`) unless files can be created in ``folder`` (made if
    missing): the run checks its data folder before it changes anything."""
    probe = folder / f".write-check-{uuid.uuid4().hex}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        os.close(os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        probe.unlink()
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(folder)) from exc
