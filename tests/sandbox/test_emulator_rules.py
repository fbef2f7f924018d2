"""One test per rule Telegram enforces and a bot could break, through raw HTTP."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from sandbox.emulator import BotApiEmulator, EmulatedUser

Api = Any
NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message")


def _keyboard(*buttons: dict[str, Any]) -> dict[str, Any]:
    return {"inline_keyboard": [list(buttons)]}


async def test_empty_text_is_rejected(user: EmulatedUser, api: Api) -> None:
    for text in ("", "   \n"):
        status, body = await api("sendMessage", chat_id=user.id, text=text)
        assert (status, body["description"]) == (400, "Bad Request: message text is empty")
    assert user.messages == []


async def test_text_of_only_markup_is_empty_after_parsing(user: EmulatedUser, api: Api) -> None:
    status, body = await api("sendMessage", chat_id=user.id, text="<b></b>", parse_mode="HTML")
    assert (status, body["description"]) == (400, "Bad Request: message text is empty")


async def test_text_limit_is_4096_utf16_units_after_parsing(user: EmulatedUser, api: Api) -> None:
    ok = [("a" * 4096, None), ("<b>" + "a" * 4096 + "</b>", "HTML"), ("😀" * 2048, None)]
    for text, mode in ok:
        status, _ = await api("sendMessage", via="json", chat_id=user.id, text=text,
                              parse_mode=mode)
        assert status == 200
    for text in ("a" * 4097, "😀" * 2049):  # an emoji is two UTF-16 code units
        status, body = await api("sendMessage", via="json", chat_id=user.id, text=text)
        assert (status, body["description"]) == (400, "Bad Request: message is too long")


async def test_caption_limit_is_1024(user: EmulatedUser, api: Api) -> None:
    photo = {"photo": ("p.png", b"\x89PNG")}
    status, _ = await api("sendPhoto", chat_id=user.id, caption="c" * 1024, files=photo)
    assert status == 200
    status, body = await api("sendPhoto", chat_id=user.id, caption="c" * 1025, files=photo)
    assert (status, body["description"]) == (400, "Bad Request: message caption is too long")


async def test_callback_data_must_be_1_to_64_bytes(user: EmulatedUser, api: Api) -> None:
    status, _ = await api("sendMessage", chat_id=user.id, text="t",
                          reply_markup=_keyboard({"text": "ok", "callback_data": "x" * 64}))
    assert status == 200
    for data in ("x" * 65, "é" * 33, ""):  # bytes, not characters
        status, body = await api("sendMessage", chat_id=user.id, text="t",
                                 reply_markup=_keyboard({"text": "ok", "callback_data": data}))
        assert (status, body["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")


@pytest.mark.parametrize("text", ["a <br> b", "<b>open", "<b>x</i>", "x</b>", "1 < 2",
                                  '<span class="x">s</span>'])
async def test_malformed_html_cannot_be_parsed(user: EmulatedUser, api: Api, text: str) -> None:
    status, body = await api("sendMessage", chat_id=user.id, text=text, parse_mode="HTML")
    assert status == 400
    assert body["description"].startswith("Bad Request: can't parse entities: ")


async def test_html_escapes_and_entities_come_back_as_telegram_sends_them(
        user: EmulatedUser, api: Api) -> None:
    status, body = await api("sendMessage", chat_id=user.id, parse_mode="HTML",
                             text='<b>5 &lt; 7</b> &amp; <a href="https://x.org">more</a>')
    assert status == 200
    assert body["result"]["text"] == "5 < 7 & more"
    assert body["result"]["entities"] == [
        {"type": "bold", "offset": 0, "length": 5},
        {"type": "text_link", "offset": 8, "length": 4, "url": "https://x.org"}]
    assert (user.messages[0].raw_text or "").startswith("<b>5 &lt;")


@pytest.mark.parametrize("text", ["Done.", "3-2", "*bold", "_it", "(x)", "a!"])
async def test_markdown_v2_reserved_or_unbalanced_fails(user: EmulatedUser, api: Api,
                                                        text: str) -> None:
    status, body = await api("sendMessage", chat_id=user.id, text=text, parse_mode="MarkdownV2")
    assert status == 400
    assert body["description"].startswith("Bad Request: can't parse entities: ")


async def test_markdown_v2_escaped_text_is_accepted(user: EmulatedUser, api: Api) -> None:
    status, body = await api("sendMessage", chat_id=user.id, parse_mode="MarkdownV2",
                             text=r"*Done\.* 3\-2 \(x\) `a.b` [link](https://x.org/a\)b)")
    assert status == 200
    assert body["result"]["text"] == "Done. 3-2 (x) a.b link"
    types = [e["type"] for e in body["result"]["entities"]]
    assert types == ["bold", "code", "text_link"]
    assert body["result"]["entities"][2]["url"] == "https://x.org/a)b"


async def test_legacy_markdown_unclosed_entity_fails(user: EmulatedUser, api: Api) -> None:
    status, body = await api("sendMessage", chat_id=user.id, text="*bold", parse_mode="Markdown")
    assert (status, body["description"]) == (
        400, "Bad Request: can't parse entities: Can't find end of the entity starting at byte "
             "offset 0")
    status, _ = await api("sendMessage", chat_id=user.id, text="*bold* 1.5", parse_mode="Markdown")
    assert status == 200


async def test_unknown_parse_mode_is_rejected(user: EmulatedUser, api: Api) -> None:
    status, body = await api("sendMessage", chat_id=user.id, text="x", parse_mode="RTF")
    assert (status, body["description"]) == (400, "Bad Request: unsupported parse_mode RTF")


@pytest.mark.parametrize(("button", "description"), [
    ({"text": "only text"}, "Bad Request: can't parse inline keyboard button: "
                            "Text buttons are unallowed in the inline keyboard"),
    ({"text": "two", "callback_data": "a", "url": "https://x.org"},
     "Bad Request: can't parse inline keyboard button: "
     "exactly one of the optional fields must be used"),
    ({"callback_data": "a"}, "Bad Request: can't parse inline keyboard button: "
                             "Field \"text\" must be of type String"),
    ({"text": "u", "url": "not a url"}, "Bad Request: BUTTON_URL_INVALID"),
])
async def test_invalid_inline_buttons_are_rejected(user: EmulatedUser, api: Api,
                                                   button: dict[str, Any],
                                                   description: str) -> None:
    status, body = await api("sendMessage", chat_id=user.id, text="t",
                             reply_markup=_keyboard(button))
    assert (status, body["description"]) == (400, description)


async def test_inline_keyboard_must_be_rows_of_buttons(user: EmulatedUser, api: Api) -> None:
    markup = {"inline_keyboard": [{"text": "flat", "callback_data": "x"}]}
    status, body = await api("sendMessage", chat_id=user.id, text="t", reply_markup=markup)
    assert status == 400 and "Array of Arrays" in body["description"]


@pytest.mark.parametrize("markup", [
    {"keyboard": [["Yes", {"text": "Share location", "request_location": True}]],
     "resize_keyboard": True, "one_time_keyboard": True},
    {"remove_keyboard": True},
    {"force_reply": True, "input_field_placeholder": "e.g. 7:30"},
])
async def test_reply_keyboards_removal_and_force_reply_are_accepted(
        user: EmulatedUser, api: Api, markup: dict[str, Any]) -> None:
    status, body = await api("sendMessage", chat_id=user.id, text="t", reply_markup=markup)
    assert status == 200
    assert "reply_markup" not in body["result"]  # Telegram echoes inline keyboards only
    assert user.messages[-1].reply_markup == markup


async def test_unknown_markup_object_is_rejected(user: EmulatedUser, api: Api) -> None:
    status, body = await api("sendMessage", chat_id=user.id, text="t", reply_markup={"x": 1})
    assert (status, body["description"]) == (
        400, "Bad Request: can't parse reply keyboard markup JSON object")


async def test_message_to_unknown_chat_is_chat_not_found(api: Api) -> None:
    status, body = await api("sendMessage", chat_id=424242, text="hi")
    assert (status, body["description"]) == (400, "Bad Request: chat not found")


async def test_edit_of_missing_message_is_not_found(user: EmulatedUser, api: Api,
                                                    emu: BotApiEmulator) -> None:
    other = emu.private_chat(user_id=2002, first_name="Bo")
    _, body = await api("sendMessage", chat_id=other.id, text="for Bo")
    message_id = body["result"]["message_id"]
    for chat_id, mid in ((user.id, 99), (user.id, message_id)):  # id exists only in Bo's chat
        status, body = await api("editMessageText", chat_id=chat_id, message_id=mid, text="x")
        assert (status, body["description"]) == (400, "Bad Request: message to edit not found")


async def test_user_messages_cannot_be_edited_by_the_bot(user: EmulatedUser, api: Api) -> None:
    sent = await user.send_text("mine")
    status, body = await api("editMessageText", chat_id=user.id,
                             message_id=sent["message_id"], text="yours")
    assert (status, body["description"]) == (400, "Bad Request: message can't be edited")


async def test_identical_edit_is_not_modified(user: EmulatedUser, api: Api) -> None:
    markup = _keyboard({"text": "A", "callback_data": "a"})
    _, body = await api("sendMessage", chat_id=user.id, text="same", reply_markup=markup)
    mid = body["result"]["message_id"]
    status, body = await api("editMessageText", chat_id=user.id, message_id=mid, text="same",
                             reply_markup=markup)
    assert (status, body["description"]) == (400, NOT_MODIFIED)
    status, body = await api("editMessageReplyMarkup", chat_id=user.id, message_id=mid,
                             reply_markup=markup)
    assert (status, body["description"]) == (400, NOT_MODIFIED)


async def test_edit_text_applies_and_drops_a_keyboard_it_does_not_repeat(
        user: EmulatedUser, api: Api) -> None:
    _, body = await api("sendMessage", chat_id=user.id, text="before",
                        reply_markup=_keyboard({"text": "A", "callback_data": "a"}))
    mid = body["result"]["message_id"]
    status, body = await api("editMessageText", chat_id=user.id, message_id=mid,
                             text="<i>after</i>", parse_mode="HTML")
    assert status == 200 and body["result"]["text"] == "after" and "edit_date" in body["result"]
    msg = user.messages[0]
    assert (msg.text, msg.edits, msg.reply_markup, msg.buttons) == ("after", ["before"], None, [])


async def test_edit_reply_markup_replaces_the_keyboard(user: EmulatedUser, api: Api) -> None:
    _, body = await api("sendMessage", chat_id=user.id, text="pick",
                        reply_markup=_keyboard({"text": "A", "callback_data": "a"}))
    mid = body["result"]["message_id"]
    status, _ = await api("editMessageReplyMarkup", chat_id=user.id, message_id=mid,
                          reply_markup=_keyboard({"text": "B", "callback_data": "b"}))
    assert status == 200 and user.messages[0].buttons == ["B"]
    status, body = await api("editMessageReplyMarkup", chat_id=user.id, message_id=mid,
                             reply_markup={"keyboard": [["x"]]})
    assert (status, body["description"]) == (400, "Bad Request: inline keyboard expected")


async def test_editing_a_photo_text_fails(user: EmulatedUser, api: Api) -> None:
    _, body = await api("sendPhoto", chat_id=user.id, files={"photo": ("p.png", b"x")})
    status, body = await api("editMessageText", chat_id=user.id,
                             message_id=body["result"]["message_id"], text="x")
    assert (status, body["description"]) == (
        400, "Bad Request: there is no text in the message to edit")


async def test_callback_query_can_be_answered_once(user: EmulatedUser, api: Api) -> None:
    await api("sendMessage", chat_id=user.id, text="t",
              reply_markup=_keyboard({"text": "Done", "callback_data": "d"}))
    pressed = await user.press("Done")
    status, _ = await api("answerCallbackQuery", callback_query_id=pressed.query_id, text="ok")
    assert status == 200
    assert await pressed.answered(timeout=1) == {"callback_query_id": pressed.query_id,
                                                 "text": "ok"}
    for query_id in (pressed.query_id, "12345"):
        status, body = await api("answerCallbackQuery", callback_query_id=query_id)
        assert (status, body["description"]) == (
            400, "Bad Request: query is too old and response timeout expired or query ID is "
                 "invalid")


async def test_reply_to_a_missing_message_fails(user: EmulatedUser, api: Api) -> None:
    status, body = await api("sendMessage", chat_id=user.id, text="t",
                             reply_parameters={"message_id": 77})
    assert (status, body["description"]) == (400, "Bad Request: message to be replied not found")
    sent = await user.send_text("question")
    status, body = await api("sendMessage", chat_id=user.id, text="answer",
                             reply_parameters={"message_id": sent["message_id"]})
    assert status == 200 and body["result"]["reply_to_message"]["text"] == "question"


async def test_set_my_commands_stores_and_validates(emu: BotApiEmulator, api: Api) -> None:
    assert emu.commands is None
    commands = [{"command": "start", "description": "Begin"},
                {"command": "progress", "description": "See your evidence"}]
    status, _ = await api("setMyCommands", commands=commands)
    assert status == 200 and emu.commands == commands
    _, body = await api("getMyCommands")
    assert body["result"] == commands
    status, body = await api("setMyCommands", commands=[{"command": "Start!", "description": "x"}])
    assert (status, body["description"]) == (400, "Bad Request: BOT_COMMAND_INVALID")
    assert emu.commands == commands


async def test_set_chat_menu_button_is_remembered(user: EmulatedUser, api: Api,
                                                  emu: BotApiEmulator) -> None:
    status, _ = await api("setChatMenuButton", menu_button={"type": "commands"})
    assert status == 200
    _, body = await api("getChatMenuButton", chat_id=user.id)
    assert body["result"] == {"type": "commands"}
    status, _ = await api("setChatMenuButton", chat_id=user.id, menu_button={"type": "default"})
    assert status == 200 and user.menu_button == {"type": "default"}
    status, body = await api("setChatMenuButton", menu_button={"type": "bogus"})
    assert status == 400


async def test_message_reaction_is_recorded_and_validated(user: EmulatedUser, api: Api) -> None:
    sent = await user.send_text("I did it")
    reaction = [{"type": "emoji", "emoji": "👍"}]
    status, _ = await api("setMessageReaction", chat_id=user.id,
                          message_id=sent["message_id"], reaction=reaction)
    assert status == 200 and user.reactions_on(sent["message_id"]) == reaction
    status, body = await api("setMessageReaction", chat_id=user.id,
                             message_id=sent["message_id"],
                             reaction=[{"type": "emoji", "emoji": "🦖"}])
    assert (status, body["description"]) == (400, "Bad Request: REACTION_INVALID")
    status, body = await api("setMessageReaction", chat_id=user.id, message_id=999,
                             reaction=reaction)
    assert (status, body["description"]) == (400, "Bad Request: MESSAGE_ID_INVALID")


async def test_blocked_user_gives_403_and_a_my_chat_member_update(
        user: EmulatedUser, api: Api, emu: BotApiEmulator) -> None:
    await user.block()
    status, body = await api("sendMessage", chat_id=user.id, text="still there?")
    assert (status, body["description"]) == (403, "Forbidden: bot was blocked by the user")
    update = emu.pending_updates[-1]["my_chat_member"]
    assert (update["old_chat_member"]["status"], update["new_chat_member"]["status"]) == (
        "member", "kicked")
    await user.unblock()
    status, _ = await api("sendMessage", chat_id=user.id, text="welcome back")
    assert status == 200 and [m.text for m in user.messages] == ["welcome back"]


async def test_late_callback_answer_is_too_old_when_a_ttl_is_set(user: EmulatedUser,
                                                                 api: Api,
                                                                 emu: BotApiEmulator) -> None:
    emu.api.callback_query_ttl = 0.05
    await api("sendMessage", chat_id=user.id, text="t",
              reply_markup=_keyboard({"text": "Done", "callback_data": "d"}))
    pressed = await user.press("Done")
    await asyncio.sleep(0.1)
    status, body = await api("answerCallbackQuery", callback_query_id=pressed.query_id)
    assert status == 400 and body["description"].startswith("Bad Request: query is too old")
