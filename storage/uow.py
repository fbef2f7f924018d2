"""The unit of work: one transaction that commits when its block succeeds and rolls back when
it raises, so no handler forgets a commit or leaves half a change behind."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sqlmodel.ext.asyncio.session import AsyncSession

__all__ = ["Session", "unit_of_work"]

Session = AsyncSession  # what a unit of work hands out: the adapter names it by this


@asynccontextmanager
async def unit_of_work(sessions: Callable[[], Session]) -> AsyncIterator[Session]:
    async with sessions() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        await session.commit()
