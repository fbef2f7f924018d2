"""editMessageCaption: a photo's or document's caption edited like Telegram does it, checked
through PTB's own Bot (answers parse, errors map to BadRequest) and through raw HTTP (the exact
wording), and seen from the user's side (the phone shows the new caption, the old one is kept)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any, cast

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity
from telegram.error import BadRequest

from sandbox.emulator import BotApiEmulator, EmulatedUser
from sandbox.emulator.state import SentMessage
from tests.support.wire import Api

PNG = b"\x89PNG\r\n\x1a\n"
NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message")
WEEK = InlineKeyboardMarkup([[InlineKeyboardButton("Next week", callback_data="week:2")]])
MONTH = InlineKeyboardMarkup([[InlineKeyboardButton("Month", callback_data="month:6")]])


def _keyboard(text: str, data: str) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": text, "callback_data": data}]]}


# ------------------------------------------------------------------ through PTB's Bot


async def test_ptb_edits_a_photo_caption_with_parse_mode_and_keyboard(
        bot: telegram.Bot, user: EmulatedUser) -> None:
    photo = await bot.send_photo(user.id, PNG, caption="<b>Week 1</b>", parse_mode="HTML",
                                 reply_markup=WEEK)
    edited = await bot.edit_message_caption(user.id, photo.message_id,
                                            caption="Week <i>2</i>: 5 of 7",
                                            parse_mode="HTML", reply_markup=MONTH)
    assert isinstance(edited, telegram.Message)
    assert (edited.message_id, edited.caption) == (photo.message_id, "Week 2: 5 of 7")
    assert edited.caption_entities == (MessageEntity("italic", 5, 1),)
    assert edited.edit_date is not None and edited.photo and edited.reply_markup == MONTH
    shown = user.messages[0]
    assert (shown.caption, shown.edits, shown.buttons) == ("Week 2: 5 of 7", ["Week 1"],
                                                           ["Month"])
    assert shown.raw_text == "Week <i>2</i>: 5 of 7"


async def test_ptb_edits_a_document_caption_and_removes_it(bot: telegram.Bot,
                                                           user: EmulatedUser) -> None:
    document = await bot.send_document(user.id, b"{}", filename="export.json",
                                       caption="Your data")
    edited = await bot.edit_message_caption(user.id, document.message_id,
                                            caption="Your data, as of today")
    assert isinstance(edited, telegram.Message) and edited.document is not None
    assert edited.caption == "Your data, as of today"
    # No caption at all removes it (and the message is still the document).
    removed = await bot.edit_message_caption(user.id, document.message_id)
    assert isinstance(removed, telegram.Message) and removed.document is not None
    assert removed.caption is None
    assert user.messages[0].caption is None
    assert user.messages[0].edits == ["Your data", "Your data, as of today"]


async def test_ptb_maps_each_caption_edit_error_to_bad_request(bot: telegram.Bot,
                                                               user: EmulatedUser) -> None:
    photo = await bot.send_photo(user.id, PNG, caption="same", reply_markup=WEEK)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_caption(user.id, photo.message_id, caption="same",
                                       reply_markup=WEEK)
    text = await bot.send_message(user.id, "plain words")
    with pytest.raises(BadRequest, match="There is no caption in the message to edit"):
        await bot.edit_message_caption(user.id, text.message_id, caption="x")
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.edit_message_caption(user.id, photo.message_id, caption="c" * 1025)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_caption(user.id, 999, caption="x")
    assert (user.messages[0].caption, user.messages[0].edits) == ("same", [])


# ------------------------------------------------------------------ on the wire


async def test_wire_caption_edit_answers_the_message(user: EmulatedUser, api: Api) -> None:
    _, body = await api("sendPhoto", chat_id=user.id, caption="before",
                        files={"photo": ("chart.png", PNG)})
    mid = body["result"]["message_id"]
    status, body = await api("editMessageCaption", chat_id=user.id, message_id=mid,
                             caption="*after*", parse_mode="MarkdownV2",
                             reply_markup=_keyboard("A", "a"))
    assert status == 200 and body["ok"] is True
    result = body["result"]
    assert (result["message_id"], result["caption"]) == (mid, "after")
    assert result["caption_entities"] == [{"type": "bold", "offset": 0, "length": 5}]
    assert result["reply_markup"] == _keyboard("A", "a") and "edit_date" in result
    assert "photo" in result and "text" not in result


async def test_wire_caption_can_be_added_and_explicit_entities_are_kept(
        user: EmulatedUser, api: Api) -> None:
    _, body = await api("sendPhoto", chat_id=user.id, files={"photo": ("chart.png", PNG)})
    mid = body["result"]["message_id"]
    entities = [{"type": "underline", "offset": 0, "length": 4}]
    status, body = await api("editMessageCaption", via="json", chat_id=user.id, message_id=mid,
                             caption="Your week", caption_entities=entities)
    assert status == 200 and body["result"]["caption_entities"] == entities
    assert (user.messages[0].caption, user.messages[0].edits) == ("Your week", [""])


async def test_wire_identical_caption_and_markup_is_not_modified(user: EmulatedUser,
                                                                 api: Api) -> None:
    markup = _keyboard("A", "a")
    _, body = await api("sendPhoto", chat_id=user.id, caption="<b>same</b>", parse_mode="HTML",
                        reply_markup=markup, files={"photo": ("p.png", PNG)})
    mid = body["result"]["message_id"]
    # The same visible caption and entities, written another way, is still no change.
    status, body = await api("editMessageCaption", chat_id=user.id, message_id=mid,
                             caption="*same*", parse_mode="MarkdownV2", reply_markup=markup)
    assert (status, body["description"]) == (400, NOT_MODIFIED)
    # A different keyboard alone is a change; a different formatting alone is one too.
    status, _ = await api("editMessageCaption", chat_id=user.id, message_id=mid,
                          caption="<b>same</b>", parse_mode="HTML",
                          reply_markup=_keyboard("B", "b"))
    assert status == 200 and user.messages[0].buttons == ["B"]
    status, _ = await api("editMessageCaption", chat_id=user.id, message_id=mid,
                          caption="same", reply_markup=_keyboard("B", "b"))
    assert status == 200 and user.messages[0].entities == []
    assert user.messages[0].edits == []  # the words never changed


async def test_wire_caption_edit_drops_a_keyboard_it_does_not_repeat(user: EmulatedUser,
                                                                     api: Api) -> None:
    _, body = await api("sendDocument", chat_id=user.id, caption="export",
                        reply_markup=_keyboard("A", "a"),
                        files={"document": ("notch.json", b"{}")})
    mid = body["result"]["message_id"]
    status, body = await api("editMessageCaption", chat_id=user.id, message_id=mid,
                             caption="export")
    assert status == 200 and "reply_markup" not in body["result"]
    assert (user.messages[0].reply_markup, user.messages[0].buttons) == (None, [])
    status, body = await api("editMessageCaption", chat_id=user.id, message_id=mid,
                             caption="export", reply_markup={"keyboard": [["x"]]})
    assert (status, body["description"]) == (400, "Bad Request: inline keyboard expected")


async def test_wire_a_text_message_has_no_caption_to_edit(user: EmulatedUser, api: Api) -> None:
    _, body = await api("sendMessage", chat_id=user.id, text="plain")
    status, body = await api("editMessageCaption", chat_id=user.id,
                             message_id=body["result"]["message_id"], caption="x")
    assert (status, body["description"]) == (
        400, "Bad Request: there is no caption in the message to edit")
    assert (user.messages[0].text, user.messages[0].caption) == ("plain", None)


async def test_wire_caption_limit_is_1024_utf16_units(user: EmulatedUser, api: Api) -> None:
    _, body = await api("sendPhoto", chat_id=user.id, caption="short",
                        files={"photo": ("p.png", PNG)})
    mid = body["result"]["message_id"]
    for caption in ("c" * 1025, "😀" * 513):  # an emoji is two UTF-16 code units
        status, body = await api("editMessageCaption", via="json", chat_id=user.id,
                                 message_id=mid, caption=caption)
        assert (status, body["description"]) == (400, "Bad Request: message caption is too long")
    assert user.messages[0].caption == "short"
    for caption in ("c" * 1024, "😀" * 512):
        status, _ = await api("editMessageCaption", via="json", chat_id=user.id,
                              message_id=mid, caption=caption)
        assert status == 200 and user.messages[0].caption == caption


async def test_wire_unknown_or_foreign_message_is_not_found(user: EmulatedUser, api: Api,
                                                            emu: BotApiEmulator) -> None:
    other = emu.private_chat(user_id=2002, first_name="Bo")
    _, body = await api("sendPhoto", chat_id=other.id, caption="for Bo",
                        files={"photo": ("p.png", PNG)})
    for mid in (99, body["result"]["message_id"]):  # that id exists only in Bo's chat
        status, body = await api("editMessageCaption", chat_id=user.id, message_id=mid,
                                 caption="x")
        assert (status, body["description"]) == (400, "Bad Request: message to edit not found")
    sent = await user.send_photo(caption="mine")  # the user's own photo is not the bot's
    status, body = await api("editMessageCaption", chat_id=user.id,
                             message_id=sent["message_id"], caption="yours")
    assert (status, body["description"]) == (400, "Bad Request: message can't be edited")


async def test_the_user_sees_the_edit_as_it_happens(user: EmulatedUser, api: Api) -> None:
    feed = cast(AsyncGenerator[tuple[SentMessage, bool]], user.events())
    first = asyncio.ensure_future(anext(feed))
    await asyncio.sleep(0)  # the watcher registers before the bot speaks
    _, sent = await api("sendPhoto", chat_id=user.id, caption="one",
                        files={"photo": ("p.png", PNG)})
    message, edited = await asyncio.wait_for(first, 5)
    assert (message.caption, edited) == ("one", False)
    await api("editMessageCaption", chat_id=user.id, message_id=sent["result"]["message_id"],
              caption="two")
    message, edited = await asyncio.wait_for(anext(feed), 5)
    assert (message.caption, message.edits, edited) == ("two", ["one"], True)
    await feed.aclose()
