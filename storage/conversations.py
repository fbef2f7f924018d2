"""The question each user is in the middle of answering. The caller owns the transaction."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from core.vocabulary import Topic
from storage.models import Conversation, utcnow

__all__ = ["clear_conversation", "get_conversation", "set_conversation"]


async def get_conversation(session: AsyncSession, user_id: int) -> Conversation | None:
    return await session.get(Conversation, user_id, populate_existing=True)


async def set_conversation(
    session: AsyncSession,
    user_id: int,
    *,
    topic: Topic,
    step: str,
    data: dict[str, Any] | None = None,
    challenge_id: int | None = None,
) -> Conversation:
    """Replace whatever the user was answering with this question (one open question a user)."""
    row = await get_conversation(session, user_id)
    if row is None:
        row = Conversation(user_id=user_id, topic=topic, step=step)
    row.topic, row.step, row.challenge_id = topic, step, challenge_id
    row.data = dict(data or {})  # a new object, so the JSON column is seen as changed
    row.updated_at = utcnow()
    session.add(row)
    await session.flush()
    return row


async def clear_conversation(
    session: AsyncSession, user_id: int, *, topic: Topic | None = None
) -> bool:
    """End the open question (only if it belongs to `topic`, when given); True if one ended."""
    row = await get_conversation(session, user_id)
    if row is None or (topic is not None and row.topic != topic):
        return False
    await session.delete(row)
    await session.flush()
    return True
