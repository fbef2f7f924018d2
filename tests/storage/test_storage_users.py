"""Users: first contact creates, later contact refreshes, a returning blocked user is active."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import User
from storage.users import get_user_by_telegram_id, upsert_telegram_user

Factory = async_sessionmaker[AsyncSession]
TG_ID = 2**33 + 1
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def _upsert(factory: Factory, **kw: object) -> User:
    values: dict[str, object] = {
        "telegram_user_id": TG_ID,
        "chat_id": TG_ID,
        "first_name": "Ada",
        "language_code": "en",
        "now": T0,
    }
    values.update(kw)
    async with factory() as session:
        user = await upsert_telegram_user(session, **values)  # type: ignore[arg-type]
        await session.commit()
        return user


async def _set_status(factory: Factory, status: str) -> None:
    async with factory() as session:
        user = await get_user_by_telegram_id(session, TG_ID)
        assert user is not None
        user.status = status
        session.add(user)
        await session.commit()


async def test_first_contact_creates_a_user_with_defaults(session_factory: Factory) -> None:
    user = await _upsert(session_factory)
    assert user.id is not None
    assert (user.telegram_user_id, user.chat_id, user.first_name) == (TG_ID, TG_ID, "Ada")
    assert (user.timezone, user.send_time, user.status) == ("UTC", time(8, 0), "active")
    assert user.language_code == "en"
    assert user.created_at.utcoffset() == timedelta(0)
    assert user.created_at == user.updated_at == T0  # the caller's clock, not the machine's


async def test_later_contact_refreshes_details_and_keeps_identity(
    session_factory: Factory,
) -> None:
    first = await _upsert(session_factory)
    later = T0 + timedelta(hours=1)
    second = await _upsert(session_factory, chat_id=77, first_name="Ada L.", language_code=None,
                           now=later)
    assert second.id == first.id
    assert (second.chat_id, second.first_name) == (77, "Ada L.")
    assert second.language_code == "en"  # an absent language keeps the known one
    assert second.created_at == first.created_at == T0
    assert second.updated_at == later
    third = await _upsert(session_factory, language_code="de")
    assert third.language_code == "de"
    async with session_factory() as session:
        assert (await session.exec(select(func.count()).select_from(User))).one() == 1


async def test_upsert_keeps_user_settings(session_factory: Factory) -> None:
    await _upsert(session_factory)
    async with session_factory() as session:
        user = await get_user_by_telegram_id(session, TG_ID)
        assert user is not None
        user.timezone, user.send_time = "Asia/Tokyo", time(6, 30)
        session.add(user)
        await session.commit()
    again = await _upsert(session_factory)
    assert (again.timezone, again.send_time) == ("Asia/Tokyo", time(6, 30))


@pytest.mark.parametrize(
    ("before", "after"),
    [("blocked", "active"), ("paused", "paused"), ("stopped", "stopped"), ("active", "active")],
)
async def test_writing_again_unblocks_only_a_blocked_user(
    session_factory: Factory, before: str, after: str
) -> None:
    await _upsert(session_factory)
    await _set_status(session_factory, before)
    assert (await _upsert(session_factory)).status == after


async def test_get_user_by_telegram_id(session_factory: Factory) -> None:
    async with session_factory() as session:
        assert await get_user_by_telegram_id(session, TG_ID) is None
    created = await _upsert(session_factory)
    async with session_factory() as session:
        found = await get_user_by_telegram_id(session, TG_ID)
        assert await get_user_by_telegram_id(session, TG_ID + 1) is None
    assert found is not None and found.id == created.id


async def test_racing_first_contacts_make_one_row(session_factory: Factory) -> None:
    # Two workers handling two updates from the same new user at the same moment.
    users = await asyncio.gather(
        *(_upsert(session_factory, first_name=f"Ada {n}") for n in range(4))
    )
    assert len({user.id for user in users}) == 1
    async with session_factory() as session:
        assert (await session.exec(select(func.count()).select_from(User))).one() == 1
