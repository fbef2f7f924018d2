"""Conversation rows: one open question per user, surviving a new session (a restart)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.conversations import clear_conversation, get_conversation, set_conversation
from storage.users import upsert_telegram_user

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def _user(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        user = await upsert_telegram_user(
            session, telegram_user_id=5, chat_id=5, first_name="Ada", language_code=None, now=NOW
        )
        await session.commit()
        assert user.id is not None
        return user.id


async def test_set_replace_and_read_back_in_a_new_session(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    user_id = await _user(session_factory)
    async with session_factory() as session:
        await set_conversation(session, user_id, topic="onboarding", step="amount",
                               data={"behaviour": "running", "step": 1.0})
        await session.commit()
    async with session_factory() as session:
        row = await get_conversation(session, user_id)
        assert row is not None
        assert (row.topic, row.step, row.data) == (
            "onboarding", "amount", {"behaviour": "running", "step": 1.0}
        )
        await set_conversation(session, user_id, topic="onboarding", step="target",
                               data={**row.data, "baseline": 10})
        await session.commit()
    async with session_factory() as session:
        row = await get_conversation(session, user_id)
        assert row is not None and row.step == "target" and row.data["baseline"] == 10


async def test_clear_only_the_named_topic(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    user_id = await _user(session_factory)
    async with session_factory() as session:
        await set_conversation(session, user_id, topic="settings", step="time")
        assert not await clear_conversation(session, user_id, topic="onboarding")
        assert await clear_conversation(session, user_id, topic="settings")
        assert not await clear_conversation(session, user_id)
        await session.commit()
    async with session_factory() as session:
        assert await get_conversation(session, user_id) is None
