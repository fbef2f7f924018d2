"""Engine construction: URL normalisation, one clear error for bad URLs, SQLite pragmas."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import (
    SQLITE_BUSY_TIMEOUT_MS,
    DatabaseUrlError,
    create_engine,
    make_session_factory,
    normalize_url,
)
from storage.migrate import upgrade
from storage.models import User


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///var/notch.db", "sqlite+aiosqlite:///var/notch.db"),
        ("sqlite:////abs/notch.db", "sqlite+aiosqlite:////abs/notch.db"),
        ("sqlite://", "sqlite+aiosqlite://"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql://u@127.0.0.1:5432/db", "postgresql+asyncpg://u@127.0.0.1:5432/db"),
        ("postgres://u@127.0.0.1/db", "postgresql+asyncpg://u@127.0.0.1/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("  postgresql://u:s3cret@h/db  ", "postgresql+asyncpg://u:s3cret@h/db"),
    ],
)
def test_normalize_url(given: str, expected: str) -> None:
    assert normalize_url(given) == expected


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("not a url", "not a valid URL"),
        ("mysql://u:s3cret@h/db", "unsupported database 'mysql'"),
        ("sqlite+pysqlite:///x.db", "not async"),
        ("postgresql+psycopg2://u:s3cret@h/db", "not async"),
    ],
)
def test_bad_urls_raise_one_clear_error(bad: str, says: str) -> None:
    with pytest.raises(DatabaseUrlError) as caught:
        create_engine(bad)
    message = str(caught.value)
    assert says in message
    assert "\n" not in message
    assert "s3cret" not in message  # passwords never reach logs
    assert isinstance(caught.value, ValueError)


async def test_sqlite_pragmas_are_on_for_every_connection(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'deep' / 'er' / 'notch.db'}")
    try:
        async with engine.connect() as first, engine.connect() as second:
            for connection in (first, second):
                journal = (await connection.execute(text("PRAGMA journal_mode"))).scalar_one()
                keys = (await connection.execute(text("PRAGMA foreign_keys"))).scalar_one()
                busy = (await connection.execute(text("PRAGMA busy_timeout"))).scalar_one()
                assert (journal, keys, busy) == ("wal", 1, SQLITE_BUSY_TIMEOUT_MS)
        assert (tmp_path / "deep" / "er" / "notch.db").is_file()  # parent directories made
    finally:
        await engine.dispose()


async def test_in_memory_sqlite_works_and_enforces_foreign_keys() -> None:
    engine = create_engine("sqlite://")
    try:
        async with engine.connect() as connection:
            keys = (await connection.execute(text("PRAGMA foreign_keys"))).scalar_one()
        assert keys == 1
    finally:
        await engine.dispose()


async def test_loaded_values_survive_commit_without_io(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'n.db'}")
    try:
        await upgrade(engine)
        factory = make_session_factory(engine)
        async with factory() as session:
            user = User(telegram_user_id=5, chat_id=5, first_name="Ada")
            session.add(user)
            await session.commit()
        # With expire_on_commit=True this attribute access would need lazy I/O outside the
        # session's greenlet and raise MissingGreenlet.
        assert (user.id, user.first_name) == (1, "Ada")
    finally:
        await engine.dispose()
