"""The update inbox on both backends: stored once, claimed in order per chat, never twice."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from core.vocabulary import InboxStatus
from storage.db import make_session_factory
from storage.inbox import (
    KEEP_HANDLED,
    KEEP_SET_ASIDE,
    LEASE,
    MAX_FAILURES,
    RETRY_AFTER,
    Incoming,
    claim_updates,
    forget_chat,
    mark_handled,
    pending_count,
    prune,
    record_failure,
    set_aside,
    store_updates,
)
from storage.models import InboxUpdate
from storage.uow import unit_of_work

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def _update(update_id: int, chat_id: int | None) -> Incoming:
    return Incoming(update_id, chat_id, {"update_id": update_id, "message": {"text": "hi"}})


async def _store(engine: AsyncEngine, updates: list[Incoming], now: datetime = NOW) -> int:
    async with unit_of_work(make_session_factory(engine)) as session:
        return len(await store_updates(session, updates, now))


async def _claim(engine: AsyncEngine, now: datetime = NOW, limit: int = 32) -> list[int]:
    async with unit_of_work(make_session_factory(engine)) as session:
        return [c.update_id for c in await claim_updates(session, now, limit=limit)]


async def _handled(engine: AsyncEngine, *update_ids: int, now: datetime = NOW) -> int:
    async with unit_of_work(make_session_factory(engine)) as session:
        return await mark_handled(session, update_ids, now)


async def _rows(engine: AsyncEngine) -> dict[int, InboxUpdate]:
    async with make_session_factory(engine)() as session:
        return {row.update_id: row for row in (await session.exec(select(InboxUpdate))).all()}


async def test_a_redelivered_update_is_stored_once(engine: AsyncEngine) -> None:
    assert await _store(engine, [_update(1, 10), _update(2, 10)]) == 2
    async with unit_of_work(make_session_factory(engine)) as session:
        assert await store_updates(session, [_update(2, 10), _update(3, 11)], NOW) == [3]
    assert sorted(await _rows(engine)) == [1, 2, 3]
    await _claim(engine)
    await _handled(engine, 1, 2, 3)
    assert await _store(engine, [_update(1, 10)]) == 0  # handled already: still not again
    assert {row.status for row in (await _rows(engine)).values()} == {InboxStatus.HANDLED}


async def test_one_update_per_chat_is_in_hand_and_the_oldest_first(engine: AsyncEngine) -> None:
    await _store(engine, [_update(1, 10), _update(2, 11), _update(3, 10), _update(4, None),
                          _update(5, None), _update(6, 11)])
    assert await _claim(engine) == [1, 2, 4, 5]  # chat-less updates are not ordered
    assert await _claim(engine) == []  # 3 and 6 wait for their chats' earlier updates
    await _handled(engine, 1)
    assert await _claim(engine) == [3]
    await _handled(engine, 2, 3)
    assert await _claim(engine) == [6]


async def test_a_lapsed_lease_is_claimed_again(engine: AsyncEngine) -> None:
    """A process killed while holding an update: another takes it once the lease runs out."""
    await _store(engine, [_update(1, 10), _update(2, 10)])
    assert await _claim(engine) == [1]
    assert await _claim(engine, NOW + LEASE - timedelta(seconds=1)) == []
    assert await _claim(engine, NOW + LEASE) == [1]
    assert await _handled(engine, 1, now=NOW + LEASE) == 1
    assert await _handled(engine, 1, now=NOW + LEASE) == 0  # never marked twice


async def test_failures_retry_then_set_aside_and_the_chat_goes_on(engine: AsyncEngine) -> None:
    await _store(engine, [_update(1, 10), _update(2, 10)])
    sessions = make_session_factory(engine)
    now = NOW
    for attempt in range(1, MAX_FAILURES + 1):
        assert await _claim(engine, now) == [1]
        async with unit_of_work(sessions) as session:
            status = await record_failure(session, 1, f"boom {attempt}", now)
        expected = InboxStatus.SET_ASIDE if attempt == MAX_FAILURES else InboxStatus.PENDING
        assert status is expected
        if status is InboxStatus.PENDING:  # a failed update waits before its next try, and
            assert await _claim(engine, now) == []  # its chat's later ones wait behind it
        now += RETRY_AFTER
    row = (await _rows(engine))[1]
    assert (row.status, row.failures, row.error) == (InboxStatus.SET_ASIDE, 3, "boom 3")
    assert await _claim(engine, now) == [2]  # what came after it is not held up
    async with unit_of_work(sessions) as session:
        assert await record_failure(session, 1, "late", now) is None  # not pending any more


async def test_an_update_handled_with_its_effect_is_not_counted_as_failed(
    engine: AsyncEngine,
) -> None:
    await _store(engine, [_update(1, 10)])
    await _claim(engine)
    await _handled(engine, 1)
    async with unit_of_work(make_session_factory(engine)) as session:
        assert await record_failure(session, 1, "after the effect", NOW) is None
    assert (await _rows(engine))[1].status == InboxStatus.HANDLED


async def test_an_unreadable_update_is_set_aside_at_once(engine: AsyncEngine) -> None:
    await _store(engine, [_update(1, 10), _update(2, 10)])
    await _claim(engine)
    async with unit_of_work(make_session_factory(engine)) as session:
        assert await set_aside(session, 1, "KeyError: 'chat'", NOW)
        assert not await set_aside(session, 1, "again", NOW)
    assert await _claim(engine) == [2]


async def test_handled_rows_drop_their_payload_and_are_pruned_after_the_retention(
    engine: AsyncEngine,
) -> None:
    await _store(engine, [_update(1, 10), _update(2, 11), _update(3, 12)])
    await _claim(engine)
    await _handled(engine, 1)
    async with unit_of_work(make_session_factory(engine)) as session:
        await set_aside(session, 2, "broken", NOW)
    assert (await _rows(engine))[1].payload == {}  # the person's message is not kept
    sessions = make_session_factory(engine)
    async with unit_of_work(sessions) as session:
        assert await prune(session, NOW + KEEP_HANDLED - timedelta(seconds=1)) == 0
        assert await prune(session, NOW + KEEP_HANDLED + timedelta(seconds=1)) == 1
        assert await prune(session, NOW + KEEP_SET_ASIDE + timedelta(seconds=1)) == 1
    assert sorted(await _rows(engine)) == [3]  # pending rows are never pruned
    async with unit_of_work(sessions) as session:
        assert await pending_count(session) == 1


async def test_forgetting_a_chat_keeps_only_its_update_in_hand(engine: AsyncEngine) -> None:
    await _store(engine, [_update(1, 10), _update(2, 11), _update(3, 10)])
    await _claim(engine)
    await _handled(engine, 1)
    async with unit_of_work(make_session_factory(engine)) as session:
        assert await forget_chat(session, 10) == 1
    assert sorted(await _rows(engine)) == [2, 3]


async def test_two_processes_with_four_workers_each_drain_one_inbox_in_order_per_chat(
    make_engine: object, engine: AsyncEngine,
) -> None:
    """Two engines (two processes' connection pools), four workers each: every update handled
    exactly once, each chat's updates in update_id order, never two of a chat in hand at once."""
    assert callable(make_engine)
    engines = [engine, make_engine()]
    chats = list(range(12))
    rng = random.Random(13)
    updates = [_update(update_id, rng.choice(chats)) for update_id in range(1, 121)]
    for start in range(0, len(updates), 50):
        await _store(engine, updates[start:start + 50])
    handled: dict[int | None, list[int]] = defaultdict(list)
    in_hand: set[int | None] = set()
    overlaps: list[int | None] = []
    chat_of = {u.update_id: u.chat_id for u in updates}

    async def worker(worker_engine: AsyncEngine) -> None:
        sessions = make_session_factory(worker_engine)
        idle = 0
        while idle < 5:
            now = datetime.now(UTC)
            async with unit_of_work(sessions) as session:
                claimed = await claim_updates(session, now, limit=2)
            if not claimed:
                idle += 1
                await asyncio.sleep(0.01)
                continue
            idle = 0
            for item in claimed:
                if item.chat_id in in_hand:
                    overlaps.append(item.chat_id)
                in_hand.add(item.chat_id)
                await asyncio.sleep(rng.random() / 1000)
                async with unit_of_work(sessions) as session:
                    assert await mark_handled(session, [item.update_id], now) == 1
                handled[item.chat_id].append(item.update_id)
                in_hand.discard(item.chat_id)

    await asyncio.gather(*(worker(e) for e in engines for _ in range(4)))
    assert overlaps == []
    assert sorted(i for ids in handled.values() for i in ids) == list(range(1, 121))
    for chat, ids in handled.items():
        assert ids == sorted(ids), chat
        assert all(chat_of[i] == chat for i in ids)


async def test_deleting_a_user_removes_their_finished_updates(engine: AsyncEngine) -> None:
    from storage.data_rights import delete_user
    from storage.users import upsert_telegram_user

    sessions = make_session_factory(engine)
    async with unit_of_work(sessions) as session:
        user = await upsert_telegram_user(session, telegram_user_id=77, chat_id=77,
                                          first_name="A", language_code=None, now=NOW)
    await _store(engine, [_update(1, 77), _update(2, 78), _update(3, 77)])
    await _claim(engine)
    await _handled(engine, 1, 2)
    assert user.id is not None
    async with unit_of_work(sessions) as session:
        assert await delete_user(session, user.id) > 0
    assert sorted(await _rows(engine)) == [2, 3]  # another chat's, and the one still pending


async def test_a_chats_next_update_waits_until_the_handler_has_returned(
    engine: AsyncEngine,
) -> None:
    """Marked handled by the handler's first write (release=False), the update still holds its
    chat: the next one is claimed only once the handler has returned and released it."""
    from storage.inbox import release_handled

    await _store(engine, [_update(1, 10), _update(2, 10)])
    assert await _claim(engine) == [1]
    async with unit_of_work(make_session_factory(engine)) as session:
        assert await mark_handled(session, [1], NOW, release=False) == 1
    assert await _claim(engine) == []  # the handler is still running
    async with unit_of_work(make_session_factory(engine)) as session:
        assert await release_handled(session, [1]) == 1
    assert await _claim(engine) == [2]
