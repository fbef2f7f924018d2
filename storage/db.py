"""Async engine and sessions for SQLite (one process) and PostgreSQL (several workers).

Users write plain URLs (``sqlite:///var/notch.db``, ``postgresql://…``); the async driver is added
here so no one has to know that SQLAlchemy needs ``+aiosqlite`` / ``+asyncpg``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeAlias, cast

from sqlalchemy import CursorResult, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

__all__ = [
    "SQLITE_BUSY_TIMEOUT_MS",
    "DatabaseUrlError",
    "Engine",
    "Session",
    "SessionFactory",
    "create_engine",
    "make_session_factory",
    "normalize_url",
    "sqlite_file",
]

# The names bot/ annotates with: it takes sessions from storage and hands them back to storage's
# functions, and never imports SQLAlchemy or SQLModel itself (an import-linter contract).
Session: TypeAlias = AsyncSession
SessionFactory: TypeAlias = async_sessionmaker[AsyncSession]
Engine: TypeAlias = AsyncEngine

# A writer waits this long for another writer's lock instead of failing at once.
SQLITE_BUSY_TIMEOUT_MS = 5000

_ASYNC_DRIVERS = {"sqlite": {"aiosqlite"}, "postgresql": {"asyncpg"}}
_BACKEND_ALIASES = {"sqlite": "sqlite", "postgresql": "postgresql", "postgres": "postgresql"}
_DEFAULT_DRIVER = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}


class DatabaseUrlError(ValueError):
    """A database URL Notch cannot use; the message is one line, safe to show (no password)."""


def _parse(url: str) -> URL:
    if not url or not url.strip():
        raise DatabaseUrlError("database URL is empty (expected sqlite:///path or postgresql://…)")
    try:
        return make_url(url.strip())
    except ArgumentError:
        # Never echo the raw string: it may hold a password.
        raise DatabaseUrlError(
            "database URL is not a valid URL (expected sqlite:///path or postgresql://…)"
        ) from None


def _safe(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def normalize_url(url: str) -> str:
    """``url`` with the async driver Notch uses; :class:`DatabaseUrlError` if it is unusable."""
    parsed = _parse(url)
    backend_name, _, driver = parsed.drivername.partition("+")
    backend = _BACKEND_ALIASES.get(backend_name)
    if backend is None:
        raise DatabaseUrlError(
            f"unsupported database {backend_name!r} in {_safe(parsed)} "
            "(Notch supports sqlite and postgresql)"
        )
    if driver and driver not in _ASYNC_DRIVERS[backend]:
        raise DatabaseUrlError(
            f"driver {driver!r} in {_safe(parsed)} is not async; "
            f"use {backend}:// or {backend}+{_DEFAULT_DRIVER[backend]}://"
        )
    return parsed.set(
        drivername=f"{backend}+{driver or _DEFAULT_DRIVER[backend]}"
    ).render_as_string(hide_password=False)


def sqlite_file(url: URL) -> Path | None:
    """The database file of a SQLite URL, or None for in-memory / URI-mode databases."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _set_sqlite_pragmas(dbapi_connection: Any, _connection_record: Any) -> None:
    # WAL lets readers run while one writer writes; foreign keys are off by default in SQLite,
    # and without them ON DELETE CASCADE silently does nothing.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def create_engine(url: str, **kw: Any) -> AsyncEngine:
    """Build the async engine; for SQLite, create the file's directory and set the pragmas.

    Extra keyword arguments go to :func:`sqlalchemy.ext.asyncio.create_async_engine`.
    """
    normalized = make_url(normalize_url(url))
    try:
        engine = create_async_engine(normalized, **kw)
    except (ArgumentError, NoSuchModuleError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DatabaseUrlError(f"cannot use {_safe(normalized)}: {first_line}") from None
    if engine.dialect.name == "sqlite":
        path = sqlite_file(normalized)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseUrlError(
                    f"cannot create the directory of {_safe(normalized)}: {exc.strerror}"
                ) from None
        event.listen(engine.sync_engine, "connect", _set_sqlite_pragmas)
    return engine


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit (no lazy I/O, hence no ``MissingGreenlet``)."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


def upsert_insert(session: AsyncSession) -> Any:
    """The dialect's INSERT that knows ON CONFLICT (both backends have one; core SQL does not)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert
    if dialect == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"no upsert for the {dialect!r} dialect")


def rowcount(result: Any) -> int:
    """Rows a conditional UPDATE changed: how storage tells "did it" from "someone else did"."""
    return int(cast(CursorResult[Any], result).rowcount)
