"""PTB's real client against the emulator: every answer parses, every error maps to PTB's
exception, and a polling Application starts, converses and stops promptly."""

from __future__ import annotations

import datetime as dtm
import time

import pytest
import telegram
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
    ReactionTypeEmoji,
    Update,
)
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from sandbox.emulator import BotApiEmulator, EmulatedUser

DONE = InlineKeyboardMarkup([[InlineKeyboardButton("✅ Done", callback_data="done:1")]])


async def test_ptb_parses_every_method_answer(bot: telegram.Bot, user: EmulatedUser,
                                              emu: BotApiEmulator) -> None:
    assert bot.username == "notch_sandbox_bot"
    assert await bot.delete_webhook() is True
    sent = await bot.send_message(user.id, "<b>Ready?</b>", parse_mode="HTML", reply_markup=DONE)
    assert sent.text == "Ready?" and sent.reply_markup == DONE
    assert sent.chat.id == user.id and sent.from_user is not None and sent.from_user.is_bot
    edited = await bot.edit_message_text("Set.", user.id, sent.message_id, reply_markup=DONE)
    assert isinstance(edited, telegram.Message) and edited.edit_date is not None
    assert await bot.edit_message_reply_markup(user.id, sent.message_id) is not True
    photo = await bot.send_photo(user.id, b"\x89PNG\r\n\x1a\n", caption="chart")
    assert photo.photo and photo.caption == "chart"
    document = await bot.send_document(user.id, b"{}", filename="export.json")
    assert document.document is not None and document.document.file_name == "export.json"
    assert await bot.set_my_commands([BotCommand("start", "Begin")]) is True
    assert await bot.get_my_commands() == (BotCommand("start", "Begin"),)
    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands()) is True
    said = await user.send_text("done!")
    assert await bot.set_message_reaction(user.id, said["message_id"],
                                          ReactionTypeEmoji("👍")) is True
    assert await bot.send_chat_action(user.id, "typing") is True
    assert [m.kind for m in user.messages] == ["text", "photo", "document"]
    assert emu.commands == [{"command": "start", "description": "Begin"}]


async def test_ptb_parses_every_kind_of_update(bot: telegram.Bot, user: EmulatedUser) -> None:
    await bot.send_message(user.id, "pick", reply_markup=DONE)
    sent = await user.send_text("/start")
    await user.edit_text(sent["message_id"], "/start again")
    await user.send_sticker()
    await user.send_photo()
    await user.send_voice()
    await user.send_location(52.52, 13.40)
    await user.press("✅ Done")
    await user.block()
    updates = await bot.get_updates(timeout=0)
    assert all(isinstance(u, Update) for u in updates)
    message = updates[0].message
    assert message is not None and message.text == "/start"
    assert message.date == dtm.datetime.fromtimestamp(1_750_000_000, dtm.UTC)
    assert updates[1].edited_message is not None
    assert updates[2].message is not None and updates[2].message.sticker is not None
    assert updates[3].message is not None and updates[3].message.photo
    assert updates[4].message is not None and updates[4].message.voice is not None
    assert updates[5].message is not None and updates[5].message.location is not None
    query = updates[6].callback_query
    assert query is not None and query.data == "done:1" and query.message is not None
    member = updates[7].my_chat_member
    assert member is not None and member.new_chat_member.status == "kicked"
    file = await bot.get_file(updates[3].message.photo[-1].file_id)
    assert bytes(await file.download_as_bytearray()).startswith(b"\x89PNG")


async def test_ptb_raises_its_exceptions_for_telegram_errors(
        bot: telegram.Bot, user: EmulatedUser, emu: BotApiEmulator,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # RetryAfter.retry_after as a timedelta
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(user.id, " ")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999, "hi")
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(user.id, "x", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("x", callback_data="x" * 65)]]))
    sent = await bot.send_message(user.id, "same")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("same", user.id, sent.message_id)
    emu.inject_fault("sendMessage", status=429, retry_after=5)
    with pytest.raises(RetryAfter) as retry:
        await bot.send_message(user.id, "x")
    assert retry.value.retry_after == dtm.timedelta(seconds=5)
    emu.inject_fault("sendMessage", status=500)
    with pytest.raises(NetworkError) as network:
        await bot.send_message(user.id, "x")
    assert not isinstance(network.value, BadRequest)
    await user.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(user.id, "x")
    wrong = telegram.Bot("123456:WRONG", base_url=emu.base_url)
    try:
        with pytest.raises(InvalidToken):
            await wrong.initialize()
    finally:
        await wrong.shutdown()


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text("Ready?", reply_markup=DONE)


async def _done(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Noted")
    await query.edit_message_text("Success, recorded.")


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text.upper())


def _application(emu: BotApiEmulator) -> Application:  # type: ignore[type-arg]
    app = ApplicationBuilder().token(emu.token).base_url(emu.base_url).build()
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(CallbackQueryHandler(_done))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    return app


async def test_polling_application_converses_and_stops_promptly(
        emu: BotApiEmulator, user: EmulatedUser) -> None:
    app = _application(emu)
    async with app:
        await app.updater.start_polling(poll_interval=0, timeout=10)  # type: ignore[union-attr]
        await app.start()
        await user.send_text("/start")
        prompt = await user.next_message(timeout=5)
        assert (prompt.text, prompt.buttons) == ("Ready?", ["✅ Done"])
        pressed = await user.press("✅ Done")
        assert (await pressed.answered(timeout=5))["text"] == "Noted"
        await user.send_text("hello")
        assert (await user.next_message(timeout=5)).text == "HELLO"
        await emu.settle(quiet=0.1, timeout=5)
        assert (prompt.text, prompt.edits, prompt.buttons) == (
            "Success, recorded.", ["Ready?"], [])
        started = time.monotonic()
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()
        assert time.monotonic() - started < 2.0  # the 10 s long poll did not hold it up
    assert [name for name, _ in emu.calls[:2]] == ["getMe", "deleteWebhook"]


async def test_emulator_stop_releases_a_running_updater(emu: BotApiEmulator) -> None:
    app = _application(emu)
    async with app:
        await app.updater.start_polling(poll_interval=0, timeout=30)  # type: ignore[union-attr]
        while not any(name == "getUpdates" for name, _ in emu.calls):
            await emu.settle(quiet=0.01, timeout=2)
        started = time.monotonic()
        await emu.stop()
        await app.updater.stop()  # type: ignore[union-attr]
        assert time.monotonic() - started < 2.0
