"""Users, keyed by their Telegram id. The caller owns the transaction (commit or roll back).

One module per aggregate: goals.py and challenges.py follow the same shape.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.vocabulary import UserStatus
from storage.db import upsert_insert
from storage.goals import active_goal
from storage.models import Goal, User

__all__ = ["get_user", "get_user_by_telegram_id", "upsert_telegram_user", "user_with_goal"]


async def upsert_telegram_user(
    session: AsyncSession,
    *,
    telegram_user_id: int,
    chat_id: int,
    first_name: str,
    language_code: str | None,
    now: datetime,
) -> User:
    """Create the user on first contact, or refresh their Telegram details.

    One ``INSERT … ON CONFLICT`` statement, so two updates from the same new user racing in two
    workers still make one row. A ``blocked`` user who writes again has unblocked the bot and
    becomes ``active``; ``paused`` and ``stopped`` are the user's own choices and stay.
    A missing ``language_code`` keeps the one already known (it is the language Notch speaks
    to them until they choose one in /settings: ``locale``, which this leaves alone). ``now``
    comes from the caller's clock (the bot's is injected), so a user's start — and the default
    review weekday derived from it — follows the same time as everything else.
    """
    fresh = User(
        telegram_user_id=telegram_user_id,
        chat_id=chat_id,
        first_name=first_name,
        language_code=language_code,
        created_at=now,
        updated_at=now,
    )
    table = User.__table__  # type: ignore[attr-defined]
    insert = upsert_insert(session)(table).values(**fresh.model_dump(exclude={"id"}))
    excluded = insert.excluded
    statement = insert.on_conflict_do_update(
        index_elements=[table.c.telegram_user_id],
        set_={
            "chat_id": excluded.chat_id,
            "first_name": excluded.first_name,
            "language_code": func.coalesce(excluded.language_code, table.c.language_code),
            "status": case((table.c.status == UserStatus.BLOCKED, UserStatus.ACTIVE.value),
                           else_=table.c.status),
            "updated_at": now,
        },
    ).returning(table.c.id)
    user_id = (await session.exec(statement)).scalar_one()
    user = await session.get(User, user_id, populate_existing=True)
    assert user is not None  # the row was just written in this transaction
    return user


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    """The user by our own id, re-read from the database (not a stale identity-map copy)."""
    return await session.get(User, user_id, populate_existing=True)


async def get_user_by_telegram_id(session: AsyncSession, telegram_user_id: int) -> User | None:
    """The user with this Telegram id, or None if they never wrote to the bot."""
    result = await session.exec(select(User).where(col(User.telegram_user_id) == telegram_user_id))
    return result.one_or_none()


async def user_with_goal(
    session: AsyncSession, telegram_user_id: int
) -> tuple[User | None, Goal | None]:
    """The user and their active goal; (None, None) for a stranger, (user, None) before setup."""
    user = await get_user_by_telegram_id(session, telegram_user_id)
    if user is None or user.id is None:
        return None, None
    return user, await active_goal(session, user.id)
