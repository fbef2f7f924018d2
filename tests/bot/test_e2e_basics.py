"""The basics end to end through the emulator: /start, /help, unknown input."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import select

from bot import texts
from bot.i18n import use_locale
from bot.texts import onboarding
from storage.db import create_engine, make_session_factory
from storage.models import Conversation, User
from tests.support.notch import Notch


async def test_start_greets_explains_the_method_and_begins_onboarding(notch: Notch) -> None:
    ada = notch.user(first_name="Ada")
    await ada.send_text("/start")
    greeting = await ada.next_message()
    assert greeting.text == texts.greeting("Ada")
    method = await ada.next_message()
    assert method.text == texts.METHOD
    assert 3 <= method.text.count(".") <= 5  # three or four plain sentences
    question = await ada.next_message()
    assert question.text == onboarding.ASK_BEHAVIOUR
    assert question.buttons[-1] == onboarding.OTHER_LABEL
    await ada.expect_no_message(within=0.2)
    engine = create_engine(notch.database_url)
    try:
        async with make_session_factory(engine)() as session:
            users = (await session.exec(select(User))).all()
            conversations = (await session.exec(select(Conversation))).all()
    finally:
        await engine.dispose()
    assert [(u.telegram_user_id, u.chat_id, u.first_name) for u in users] == [
        (ada.id, ada.chat_id, "Ada")
    ]
    assert [(c.user_id, c.topic, c.step) for c in conversations] == [
        (users[0].id, "onboarding", "behaviour")
    ]


async def test_command_menu_is_set_at_start_up(notch: Notch) -> None:
    assert notch.emulator.commands == [
        {"command": name, "description": description} for name, description in texts.COMMANDS
    ]


async def test_the_command_menu_speaks_each_language(notch: Notch) -> None:
    """setMyCommands once per offered language (Telegram shows it to users whose app uses it),
    the same commands in the same order, described in that language."""
    menus = notch.emulator.state.commands_by_scope
    for code, telegram in (("es", "es"), ("ru", "ru"), ("pt_BR", "pt"), ("de", "de")):
        with use_locale(code):
            expected = [{"command": name, "description": description}
                        for name, description in texts.commands()]
        assert menus[("default", telegram)] == expected
        assert expected != menus[("default", "")]  # translated, not English again


async def test_help_lists_every_command(notch: Notch) -> None:
    ada = notch.user()
    await ada.send_text("/help")
    reply = await ada.next_message()
    assert reply.text == texts.help_text()
    for name, _ in texts.COMMANDS:
        assert f"/{name}" in reply.text


async def test_unknown_command_gets_a_pointer_to_help(notch: Notch) -> None:
    ada = notch.user()
    await ada.send_text("/frobnicate now")
    reply = await ada.next_message()
    assert reply.text == texts.unknown_command("/frobnicate")


async def test_free_text_gets_a_helpful_answer(notch: Notch) -> None:
    ada = notch.user()
    await ada.send_text("hello there")
    assert (await ada.next_message()).text == texts.UNKNOWN_TEXT_NEW


async def test_sticker_gets_a_helpful_answer(notch: Notch) -> None:
    ada = notch.user()
    await ada.send_sticker()
    assert (await ada.next_message()).text == texts.NOT_TEXT
    await ada.expect_no_message(within=0.3)


async def test_every_menu_command_is_answered_once_and_never_called_unknown(notch: Notch) -> None:
    ada = notch.user()
    unknown = texts.unknown_command("/x").split("/x")[0]
    for name, _ in texts.COMMANDS:
        if name == "stop":
            continue  # /stop ends messages; it has its own tests
        before = len(ada.messages)
        await ada.send_text(f"/{name}")
        await ada.next_message()
        await notch.emulator.settle()
        replies = [m.text or "" for m in ada.messages[before:]]
        assert not any(text.startswith(unknown) for text in replies), (name, replies)


async def test_a_handler_that_keeps_failing_is_tried_again_then_reported_and_logged(
    notch: Notch, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The update is stored (the inbox has its own connection), the handler's database fails:
    tried three times, then set aside with one apology and one error line, and nothing loops."""
    from sqlalchemy.exc import OperationalError

    from bot.services import Services

    def database_down(self: Services) -> None:
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    caplog.set_level(logging.INFO, logger="bot.inbox")
    ada = notch.user()
    with monkeypatch.context() as patched:
        patched.setattr(Services, "session", database_down)
        await ada.send_text("/start")
        assert (await ada.next_message(timeout=15)).text == texts.UPDATE_SET_ASIDE
        await ada.expect_no_message(within=0.5)  # no later handler answers the failed update
    tries = [r for r in caplog.records if "failed (try" in r.message]
    set_aside = [r for r in caplog.records if "set aside" in r.message and r.exc_info]
    assert (len(tries), len(set_aside)) == (2, 1)
    await ada.send_text("/start")  # the database is back: the same answer now goes through
    assert (await ada.next_message()).text == texts.greeting("Ada")
