"""One run of a tournament at a time: an advisory lock the kernel drops when its holder dies.

Two ``arena run`` commands of the same tournament on the same database would both play every
missing match (each skips only what was stored when it started). The lock is a POSIX record
lock on one byte of ``<db>.lock``, at an offset derived from the tournament's name, so runs of
different tournaments into one database do not wait for each other, and a run killed by any
signal (SIGKILL included) leaves no stale lock behind.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from arena.errors import StoreError

_OFFSETS = 2**31  # lock byte offsets: far apart enough that two names never share one


def _offset(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") % _OFFSETS


@contextmanager
def tournament_lock(db: Path, name: str) -> Iterator[None]:
    """Hold the run lock of tournament ``name`` in ``db``, or raise ``StoreError`` at once."""
    path = Path(f"{db}.lock")
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise StoreError(f"{path}: cannot create the run lock ({error.strerror})") from None
    try:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _offset(name))
        except OSError:
            raise StoreError(
                f"{db}: another arena run is playing tournament {name!r} right now; "
                "wait for it to finish (or stop it), then run again to resume"
            ) from None
        yield
    finally:
        os.close(handle)  # closing releases the lock
