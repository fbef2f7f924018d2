"""The update inbox: every update from Telegram is a row before it is acknowledged.

The webhook answers 200, and polling confirms its offset, only after `store_updates` committed,
so a process killed at any moment has lost nothing Telegram handed it. Workers then claim rows
with the tick's pattern (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, a compare-and-set ``UPDATE``
on SQLite): at most one update of a chat is in hand at a time, the oldest first, so a chat's
updates are handled in order while different chats go in parallel, across any number of
processes. An update is marked handled in the same transaction as its effect (`mark_handled`,
called from the handler's unit of work), so it is never handled twice; one that fails
`MAX_FAILURES` times is set aside with its error and the chat's later updates go on.

Handled rows are kept for `KEEP_HANDLED` and set-aside ones for `KEEP_SET_ASIDE`, then pruned.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Final, NamedTuple

from sqlalchemy import and_, case, delete, exists, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from core.vocabulary import InboxStatus
from storage.db import rowcount, upsert_insert
from storage.models import InboxUpdate, User

__all__ = [
    "KEEP_HANDLED",
    "KEEP_SET_ASIDE",
    "LEASE",
    "MAX_FAILURES",
    "RETRY_AFTER",
    "Claimed",
    "Incoming",
    "claim_updates",
    "forget_chat",
    "mark_handled",
    "pending_count",
    "prune",
    "record_failure",
    "release_handled",
    "set_aside",
    "store_updates",
]

LEASE: Final = timedelta(minutes=1)
"""A worker's hold on one update: far longer than any handler, short enough that an update a
killed process held is handled again within a minute."""
MAX_FAILURES: Final = 3
RETRY_AFTER: Final = timedelta(seconds=2)
"""A failed update waits this long before its next try (a database blip passes; a bug fails
three times within seconds and is set aside)."""
KEEP_HANDLED: Final = timedelta(days=1)
"""Telegram keeps an update for redelivery at most 24 hours: after that no duplicate can come,
so the row has done its job (and the message text in it is not kept longer than needed)."""
KEEP_SET_ASIDE: Final = timedelta(days=14)
"""Set-aside updates are kept two weeks for someone to read the error, then dropped."""


class Incoming(NamedTuple):
    """An update as received: Telegram's id, the chat that orders it (None: no chat), the JSON."""

    update_id: int
    chat_id: int | None
    payload: dict[str, Any]


class Claimed(NamedTuple):
    update_id: int
    chat_id: int | None
    payload: dict[str, Any]
    failures: int
    locale: str | None = None  # the language stored for the chat's user (users.locale), if any


async def store_updates(
    session: AsyncSession, updates: Sequence[Incoming], now: datetime
) -> list[int]:
    """Store updates not seen before (a redelivered `update_id` is ignored); the ids that were
    new. The caller commits, and acknowledges to Telegram only after that."""
    if not updates:
        return []
    insert = upsert_insert(session)
    statement = insert(InboxUpdate).values([
        {"update_id": u.update_id, "chat_id": u.chat_id, "payload": u.payload,
         "status": InboxStatus.PENDING, "failures": 0, "received_at": now}
        for u in updates
    ]).on_conflict_do_nothing(index_elements=["update_id"]).returning(InboxUpdate.update_id)
    return sorted(int(i) for i in (await session.exec(statement)).scalars().all())


def _claimable(now: datetime) -> list[Any]:
    """Pending, not held by a live lease, and the oldest pending update of its chat.

    Written so that the partial indexes of migration 0009 serve it: a released row has no
    `claimed_until`, so an earlier row that blocks is pending or has one."""
    earlier = aliased(InboxUpdate)
    return [
        col(InboxUpdate.status) == InboxStatus.PENDING,
        or_(col(InboxUpdate.claimed_until).is_(None), col(InboxUpdate.claimed_until) <= now),
        ~exists().where(
            # an earlier update of the chat still waiting, or handled by a handler that has not
            # returned yet (its lease is kept until it has: see `mark_handled`)
            or_(col(earlier.status) == InboxStatus.PENDING,
                and_(col(earlier.claimed_until).is_not(None), col(earlier.claimed_until) > now)),
            col(earlier.chat_id) == col(InboxUpdate.chat_id),
            col(earlier.update_id) < col(InboxUpdate.update_id),
        ),
    ]


async def claim_updates(
    session: AsyncSession, now: datetime, *, limit: int = 32, lease: timedelta = LEASE
) -> list[Claimed]:
    """Lease up to `limit` updates, at most one per chat, oldest first. The caller commits at
    once, so other workers skip them; the lease ends when the update is handled or fails."""
    if limit <= 0:
        return []
    candidates = (
        select(col(InboxUpdate.update_id))
        .where(*_claimable(now))
        .order_by(col(InboxUpdate.update_id))
        .limit(limit)
        .with_for_update(skip_locked=True, of=InboxUpdate)
    )
    # Two statements, as storage.scheduling._claim does: PostgreSQL may run an IN (SELECT … SKIP
    # LOCKED) subquery more than once. The UPDATE repeats the conditions: SQLite's claim is this
    # compare-and-set (it has no row locks, and runs one writer at a time).
    ids = list((await session.exec(candidates)).all())
    if not ids:
        return []
    statement = (
        update(InboxUpdate)
        .where(col(InboxUpdate.update_id).in_(ids), *_claimable(now))
        .values(claimed_until=now + lease)
        .returning(col(InboxUpdate.update_id), col(InboxUpdate.chat_id),
                   col(InboxUpdate.payload), col(InboxUpdate.failures))
        .execution_options(synchronize_session=False)
    )
    rows = (await session.exec(statement)).all()
    # Each chat's user's language, read in the claim's transaction: the update is answered in it
    # without a round trip of its own, and the chat's previous update (which may have changed
    # it) has returned before its next one can be claimed.
    # A private chat's id is its user's Telegram id (unique, so indexed); other chats match none.
    chats = {r[1] for r in rows if r[1] is not None}
    locales: dict[int, str | None] = {}
    if chats:
        found = await session.exec(select(col(User.telegram_user_id), col(User.locale))
                                   .where(col(User.telegram_user_id).in_(chats)))
        locales = {int(chat): locale for chat, locale in found.all()}
    return sorted((Claimed(int(r[0]), r[1], dict(r[2]), int(r[3]), locales.get(r[1]))
                   for r in rows), key=lambda claimed: claimed.update_id)


async def mark_handled(session: AsyncSession, update_ids: Sequence[int], now: datetime,
                       *, release: bool = True) -> int:
    """Mark updates handled, in the transaction of their effect; how many were still pending
    (0: handled already, set aside, or deleted with the user's data). From inside a handler
    (`release=False`) the lease stays, so the chat's next update waits until the handler has
    returned (`release_handled`), not only until its first write committed."""
    if not update_ids:
        return 0
    values: dict[str, Any] = {"status": InboxStatus.HANDLED, "handled_at": now, "payload": {}}
    if release:
        values["claimed_until"] = None
    statement = (
        update(InboxUpdate)
        .where(col(InboxUpdate.update_id).in_(list(update_ids)),
               col(InboxUpdate.status) == InboxStatus.PENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.exec(statement))


async def release_handled(session: AsyncSession, update_ids: Sequence[int]) -> int:
    """The handlers of these handled updates have returned: their chats' next updates may go."""
    if not update_ids:
        return 0
    statement = (
        update(InboxUpdate)
        .where(col(InboxUpdate.update_id).in_(list(update_ids)),
               col(InboxUpdate.status) != InboxStatus.PENDING)
        .values(claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.exec(statement))


async def record_failure(
    session: AsyncSession, update_id: int, error: str, now: datetime,
    *, max_failures: int = MAX_FAILURES,
) -> InboxStatus | None:
    """Count a failed try: the update goes back to pending (tried again after a short wait) or,
    at `max_failures`, is set aside. None if it was no longer pending (its effect committed
    before the failure, so it must not run again)."""
    failures = col(InboxUpdate.failures) + 1
    statement = (
        update(InboxUpdate)
        .where(col(InboxUpdate.update_id) == update_id,
               col(InboxUpdate.status) == InboxStatus.PENDING)
        .values(
            failures=failures,
            error=error[:4000],
            status=case((failures >= max_failures, InboxStatus.SET_ASIDE.value),
                        else_=InboxStatus.PENDING.value),
            claimed_until=now + RETRY_AFTER,
            handled_at=case((failures >= max_failures, now), else_=None),
        )
        .returning(col(InboxUpdate.status))
        .execution_options(synchronize_session=False)
    )
    found = (await session.exec(statement)).first()
    return None if found is None else InboxStatus(found[0])


async def set_aside(session: AsyncSession, update_id: int, error: str, now: datetime) -> bool:
    """Set an update aside at once: it cannot succeed however often it is tried (its shape
    cannot be read). False if it was no longer pending."""
    statement = (
        update(InboxUpdate)
        .where(col(InboxUpdate.update_id) == update_id,
               col(InboxUpdate.status) == InboxStatus.PENDING)
        .values(status=InboxStatus.SET_ASIDE, error=error[:4000], handled_at=now,
                claimed_until=None, failures=col(InboxUpdate.failures) + 1)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.exec(statement)) == 1


async def pending_count(session: AsyncSession) -> int:
    statement = select(func.count()).select_from(InboxUpdate).where(
        col(InboxUpdate.status) == InboxStatus.PENDING)
    return int((await session.exec(statement)).one())


async def prune(session: AsyncSession, now: datetime) -> int:
    """Drop handled rows older than `KEEP_HANDLED` and set-aside ones older than
    `KEEP_SET_ASIDE`; how many went."""
    statement = delete(InboxUpdate).where(or_(
        and_(col(InboxUpdate.status) == InboxStatus.HANDLED,
             col(InboxUpdate.handled_at) < now - KEEP_HANDLED),
        and_(col(InboxUpdate.status) == InboxStatus.SET_ASIDE,
             col(InboxUpdate.handled_at) < now - KEEP_SET_ASIDE),
    ))
    return rowcount(await session.exec(statement))


async def forget_chat(session: AsyncSession, chat_id: int) -> int:
    """/delete: drop a chat's finished rows (their payloads are the person's messages). A
    pending one (the /delete itself, in hand) is left to be marked handled and pruned."""
    statement = delete(InboxUpdate).where(
        col(InboxUpdate.chat_id) == chat_id, col(InboxUpdate.status) != InboxStatus.PENDING)
    return rowcount(await session.exec(statement))
