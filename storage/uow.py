"""The unit of work: one transaction that commits when its block succeeds and rolls back when
it raises, so no handler forgets a commit or leaves half a change behind."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from storage.db import Session

__all__ = ["unit_of_work"]


@asynccontextmanager
async def unit_of_work(sessions: Callable[[], Session]) -> AsyncIterator[Session]:
    async with sessions() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        await session.commit()
