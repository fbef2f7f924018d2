"""Updates in through the inbox, end to end: stored first, handled once, in order, never lost."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import select

from bot import texts
from core.vocabulary import InboxStatus
from sandbox.emulator.state import PendingUpdate
from storage.db import create_engine, make_session_factory
from storage.models import InboxUpdate
from tests.support.notch import Notch


async def _inbox(notch: Notch) -> dict[int, InboxUpdate]:
    engine = create_engine(notch.database_url)
    try:
        async with make_session_factory(engine)() as session:
            rows = (await session.exec(select(InboxUpdate))).all()
    finally:
        await engine.dispose()
    return {row.update_id: row for row in rows}


async def test_a_redelivered_update_is_answered_once(notch: Notch) -> None:
    ada = notch.user()
    sent = await ada.send_text("/help")
    await ada.next_message()
    await notch.emulator.settle()
    [update_id] = await _inbox(notch)
    # Telegram delivers the same update again (say, the webhook's answer was lost on the way).
    notch.emulator.state.updates.append(
        PendingUpdate(update_id, {"update_id": update_id, "message": sent}))
    notch.emulator.state.wake_polls()
    await ada.expect_no_message(within=0.5)
    rows = await _inbox(notch)
    assert list(rows) == [update_id] and rows[update_id].status == InboxStatus.HANDLED


async def test_a_poison_update_is_set_aside_once_and_what_follows_is_answered(
    notch: Notch, caplog: pytest.LogCaptureFixture
) -> None:
    ada = notch.user()
    await ada.send_text("/help")
    first = await ada.next_message()
    # A message PTB cannot read (no chat, no date): the shape a newer or older Bot API sends.
    poison = notch.emulator.state.push_update("message", {"message_id": 7, "text": "?"})
    await ada.send_text("/help")
    assert (await ada.next_message()).text == first.text
    await notch.emulator.settle()
    row = (await _inbox(notch))[poison["update_id"]]
    assert row.status == InboxStatus.SET_ASIDE and row.error
    unreadable = [r for r in caplog.records if "cannot be read" in r.message]
    assert len(unreadable) == 1 and unreadable[0].levelno == logging.ERROR


async def test_a_chats_updates_are_handled_in_the_order_they_were_sent(notch: Notch) -> None:
    """Several people at once, four commands each in quick succession: each person's answers
    come back in the order asked, while the chats are handled side by side."""
    people = [notch.user(user_id=2000 + n, first_name=f"P{n}") for n in range(6)]
    commands = ["/help", "/privacy", "/help", "/today"]
    for command in commands:
        for person in people:
            await person.send_text(command)
    await notch.emulator.settle(timeout=30)
    help_text = people[0].messages[0].text
    for person in people:
        texts_seen = [m.text for m in person.messages]
        assert len(texts_seen) == len(commands), texts_seen
        assert texts_seen[0] == help_text and texts_seen[2] == help_text
        assert texts_seen[1] != help_text and texts_seen[3] == texts.NEED_SETUP


async def test_a_database_outage_holds_updates_until_it_passes_and_loses_none(
    notch: Notch, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """While the inbox cannot store, polling does not move its offset: the same batch is
    fetched again, and once the database is back it is answered. Nothing is acknowledged to
    Telegram unstored."""
    from sqlalchemy.exc import OperationalError

    import bot.inbox

    real = bot.inbox.store_updates
    failures = 0

    async def flaky(*args: object, **kwargs: object) -> int:
        nonlocal failures
        if failures < 2:
            failures += 1
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return await real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bot.inbox, "store_updates", flaky)
    ada = notch.user(first_name="Ada")
    await ada.send_text("/start")
    assert (await ada.next_message(timeout=15)).text == texts.greeting("Ada")
    assert failures == 2
    assert sum("fetching or storing updates failed" in r.message for r in caplog.records) == 2


async def test_a_press_whose_query_can_no_longer_be_answered_is_still_recorded(
    notch: Notch,
) -> None:
    """Telegram refuses to answer a callback query that is too old or was answered already:
    exactly what a press meets when it is handled again after a process died between answering
    it and committing its effect. The spinner is gone either way; the press must count."""
    from bot.texts import checkin as t
    from tests.support.daily import challenges, first_daily

    ada, user_id, daily = await first_daily(notch)
    notch.emulator.inject_fault(
        "answerCallbackQuery", status=400,
        description="Bad Request: query is too old and response timeout expired or query id "
                    "is invalid", times=3)  # every try of the update meets it
    await ada.press(t.DONE_BUTTON, daily)
    await notch.emulator.settle()
    [row] = await challenges(notch, user_id)
    assert row.status == "done"
    assert daily.text is not None and daily.text.startswith(t.EFFORT_QUESTION.split("{")[0])
