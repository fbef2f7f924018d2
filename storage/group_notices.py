"""Group chats told once that Notch only coaches in private. The caller owns the transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import GroupNotice

__all__ = ["claim_group_notice"]


async def claim_group_notice(session: AsyncSession, chat_id: int, now: datetime) -> bool:
    """True the first time a group is seen (the caller then says so), False ever after.

    One ``INSERT … ON CONFLICT DO NOTHING``: two workers seeing the same group's message both
    try, and exactly one gets True.
    """
    dialect = session.get_bind().dialect.name
    insert: Any = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:
        raise NotImplementedError(f"no insert-if-absent for the {dialect!r} dialect")
    table = GroupNotice.__table__  # type: ignore[attr-defined]
    statement = (
        insert(table)
        .values(chat_id=chat_id, notified_at=now)
        .on_conflict_do_nothing(index_elements=[table.c.chat_id])
        .returning(table.c.chat_id)
    )
    return (await session.exec(statement)).first() is not None
