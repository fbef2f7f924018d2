"""One Notch process per SQLite file, said in one clear line instead of discovered by accident.

SQLite is the embedded default: one process, one writer. A second process on the same file
would not corrupt it (WAL and busy_timeout keep it consistent), but two bots polling one token
fight over getUpdates, and two ticks on one file contend for its single write lock. So each
`notch run` / `notch serve` holds an exclusive `flock` on `<file>.lock` next to the database for
its lifetime; the kernel drops it when the process ends, however it ends (kill -9 included), so
there is never a stale lock to clean up. PostgreSQL needs no lock: any number of processes share
it through their claims.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from sqlalchemy.engine import make_url

from storage.db import normalize_url, sqlite_file

__all__ = ["DatabaseInUse", "ProcessLock", "hold_database"]


class DatabaseInUse(RuntimeError):
    """Another Notch process already uses this SQLite file; the message is one printable line."""


class ProcessLock:
    """The database's process lock while the `with` block runs (nothing to hold on PostgreSQL).

    Taken on entry; DatabaseInUse if another process holds it.
    """

    def __init__(self, database_url: str) -> None:
        url = make_url(normalize_url(database_url))
        self.database = sqlite_file(url) if url.get_backend_name() == "sqlite" else None
        self._descriptor: int | None = None

    def __enter__(self) -> ProcessLock:
        if self.database is not None:
            self._descriptor = _lock(self.database)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)  # closing the descriptor drops the flock
            self._descriptor = None


def hold_database(database_url: str) -> ProcessLock:
    """`with hold_database(url):` one process per SQLite file, any number on PostgreSQL."""
    return ProcessLock(database_url)


def _lock(database: Path) -> int:
    database.parent.mkdir(parents=True, exist_ok=True)
    path = database.with_name(database.name + ".lock")
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise DatabaseInUse(
            f"{database} is already used by another Notch process; SQLite serves one process"
            " — set DATABASE_URL to PostgreSQL to run several"
        ) from None
    return descriptor
