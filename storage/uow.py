"""The unit of work: one transaction that commits when its block succeeds and rolls back when
it raises, so no handler forgets a commit or leaves half a change behind.

`before_commit` runs inside the transaction, just before the commit, but only if the block wrote
something: the inbox marks an update handled there, in the same transaction as its effect, while
a block that only read leaves the update to be marked once its handler is done.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Final

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, UOWTransaction
from sqlalchemy.orm import Session as SyncSession

from storage.db import Session

__all__ = ["unit_of_work", "wrote"]

_WROTE: Final = "notch.wrote"


@event.listens_for(SyncSession, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(SyncSession, "after_flush")
def _note_flush(session: SyncSession, _flush: UOWTransaction) -> None:
    session.info[_WROTE] = True


def wrote(session: Session) -> bool:
    """Whether this session changed a row since it began (statements or flushed objects)."""
    return bool(session.sync_session.info.get(_WROTE)) or bool(
        session.new or session.dirty or session.deleted)


@asynccontextmanager
async def unit_of_work(
    sessions: Callable[[], Session],
    *,
    before_commit: Callable[[Session], Awaitable[Any]] | None = None,
) -> AsyncIterator[Session]:
    async with sessions() as session:
        session.sync_session.info.pop(_WROTE, None)
        try:
            yield session
            if before_commit is not None and wrote(session):
                await before_commit(session)
        except BaseException:
            await session.rollback()
            raise
        await session.commit()
