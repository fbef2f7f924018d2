"""Bad input: stickers, photos, voice, very long text, edits, group chats, unknown commands.
Each gets a sensible answer or is ignored; nothing crashes and nothing is recorded twice."""

from __future__ import annotations

from sqlmodel import select

from bot import texts
from bot.texts import onboarding as to
from storage.db import create_engine, make_session_factory
from storage.models import Conversation, GroupNotice
from tests.support.journeys import onboard, read_until
from tests.support.notch import Notch


async def _rows(notch: Notch) -> tuple[list[GroupNotice], list[Conversation]]:
    engine = create_engine(notch.database_url)
    try:
        async with make_session_factory(engine)() as session:
            notices = list((await session.exec(select(GroupNotice))).all())
            conversations = list((await session.exec(select(Conversation))).all())
    finally:
        await engine.dispose()
    return notices, conversations


async def test_non_text_messages_get_a_pointer(notch: Notch) -> None:
    ada = notch.user()
    await onboard(notch, ada)
    await ada.send_sticker()
    assert (await ada.next_message()).text == texts.NOT_TEXT
    await ada.send_photo(caption="my run")
    assert (await ada.next_message()).text == texts.NOT_TEXT
    await ada.send_voice()
    assert (await ada.next_message()).text == texts.NOT_TEXT
    await ada.expect_no_message(within=0.2)


async def test_very_long_text_asks_for_the_short_answer(notch: Notch) -> None:
    ada = notch.user()
    await ada.send_text("word " * 300)
    assert (await ada.next_message()).text == texts.LONG_TEXT
    await ada.send_text("x" * 1000)  # at the limit: an ordinary unknown text
    assert (await ada.next_message()).text == texts.UNKNOWN_TEXT_NEW


async def test_edits_are_not_read_and_change_nothing(notch: Notch) -> None:
    ada = notch.user()
    await ada.send_text("/start")
    await read_until(ada, to.ASK_BEHAVIOUR)
    sent = await ada.send_text("Running")
    assert (await ada.next_message()).text == to.ask_baseline("running", "minutes", "10 minutes")
    await ada.edit_text(sent["message_id"], "Walking")
    assert (await ada.next_message()).text == texts.EDITS_NOT_READ
    await ada.expect_no_message(within=0.2)
    _, (conversation,) = await _rows(notch)
    assert conversation.step == "baseline" and conversation.data["behaviour"] == "running"


async def test_group_chats_are_told_once_that_notch_is_private(notch: Notch) -> None:
    ada, bo = notch.user(1001, "Ada"), notch.user(1002, "Bo")
    friends = notch.emulator.group_chat(-1001, "Friends")
    await friends.send_text(ada, "/start")
    assert (await friends.next_message()).text == texts.PRIVATE_ONLY
    await friends.send_text(bo, "/help")
    await friends.send_sticker(ada)
    await friends.send_text(ada, "done")
    await friends.expect_no_message(within=0.3)
    club = notch.emulator.group_chat(-1002003004005, "Running club")  # a supergroup
    await club.send_text(bo, "/start@notch_sandbox_bot")
    assert (await club.next_message()).text == texts.PRIVATE_ONLY
    await club.expect_no_message(within=0.2)
    notices, conversations = await _rows(notch)
    assert sorted(n.chat_id for n in notices) == [-1002003004005, -1001]
    assert conversations == []  # nothing in a group started anything
    await ada.expect_no_message(within=0)


async def test_unknown_commands_during_onboarding_leave_the_question_open(notch: Notch) -> None:
    ada = notch.user()
    await ada.send_text("/start")
    await read_until(ada, to.ASK_BEHAVIOUR)
    await ada.send_text("/frobnicate")
    assert (await ada.next_message()).text == texts.unknown_command("/frobnicate")
    await ada.send_text("Reading")
    assert (await ada.next_message()).text == to.ask_baseline("reading", "pages", "10 pages")
