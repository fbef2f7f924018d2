"""The test-side API: acting as a user and reading what the bot sent."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from sandbox.emulator import BotApiEmulator, EmulatedUser, NoMessageError

Api = Any


def _keyboard(*texts: str) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": t, "callback_data": t.lower()} for t in texts]]}


async def test_private_chat_id_is_the_user_id_and_is_reused(emu: BotApiEmulator) -> None:
    ada = emu.private_chat(user_id=1001, first_name="Ada")
    assert ada.chat_id == ada.id == 1001
    assert ada.chat == {"id": 1001, "type": "private", "first_name": "Ada"}
    assert emu.private_chat(user_id=1001) is ada


async def test_send_text_marks_bot_commands(user: EmulatedUser, emu: BotApiEmulator) -> None:
    message = await user.send_text("/start@notch_sandbox_bot now")
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 24}]
    assert message["from"]["language_code"] == "en"
    assert emu.pending_updates[-1]["message"] is message
    plain = await user.send_text("no command")
    assert "entities" not in plain


async def test_media_and_location_messages(user: EmulatedUser, emu: BotApiEmulator) -> None:
    sticker = await user.send_sticker("🔥")
    photo = await user.send_photo(caption="my run")
    voice = await user.send_voice(duration=4)
    location = await user.send_location(52.52, 13.40)
    assert sticker["sticker"]["emoji"] == "🔥"
    assert photo["caption"] == "my run" and photo["photo"][0]["file_id"] in emu.state.files
    assert voice["voice"]["duration"] == 4
    assert location["location"] == {"latitude": 52.52, "longitude": 13.40}
    assert len({m["message_id"] for m in (sticker, photo, voice, location)}) == 4


async def test_edit_text_queues_an_edited_message(user: EmulatedUser, emu: BotApiEmulator) -> None:
    sent = await user.send_text("7 minutes")
    await user.edit_text(sent["message_id"], "8 minutes")
    edited = emu.pending_updates[-1]["edited_message"]
    assert (edited["message_id"], edited["text"]) == (sent["message_id"], "8 minutes")
    assert "edit_date" in edited
    with pytest.raises(AssertionError):
        await user.edit_text(999, "nope")


async def test_next_message_is_a_cursor(user: EmulatedUser, api: Api) -> None:
    await api("sendMessage", chat_id=user.id, text="first")
    await api("sendMessage", chat_id=user.id, text="second")
    assert (await user.next_message(timeout=1)).text == "first"
    assert (await user.next_message(timeout=1)).text == "second"
    with pytest.raises(NoMessageError):
        await user.next_message(timeout=0.1)
    with pytest.raises(asyncio.TimeoutError):  # NoMessageError is a timeout as well
        await user.next_message(timeout=0.05)


async def test_next_message_waits_for_a_message_in_flight(user: EmulatedUser, api: Api) -> None:
    waiter = asyncio.create_task(user.next_message(timeout=2))
    await asyncio.sleep(0.05)
    await api("sendMessage", chat_id=user.id, text="later")
    assert (await waiter).text == "later"


async def test_expect_no_message(user: EmulatedUser, api: Api) -> None:
    await user.expect_no_message(within=0.05)
    await api("sendMessage", chat_id=user.id, text="surprise")
    with pytest.raises(AssertionError, match="surprise"):
        await user.expect_no_message(within=0.05)


async def test_press_uses_newest_message_with_that_button(user: EmulatedUser, api: Api,
                                                          emu: BotApiEmulator) -> None:
    await api("sendMessage", chat_id=user.id, text="old", reply_markup=_keyboard("Done"))
    await api("sendMessage", chat_id=user.id, text="new", reply_markup=_keyboard("Done", "Skip"))
    await api("sendMessage", chat_id=user.id, text="no buttons")
    pressed = await user.press("Done")
    query = pressed.update["callback_query"]
    assert query["message"]["text"] == "new" and query["data"] == "done"
    assert query["from"]["id"] == user.id and emu.pending_updates[-1] is pressed.update
    older = await user.press("Done", message=user.messages[0])
    assert older.update["callback_query"]["message"]["text"] == "old"
    assert user.messages[1].button_texts() == [["Done", "Skip"]]


async def test_press_of_a_missing_button_explains(user: EmulatedUser, api: Api) -> None:
    await api("sendMessage", chat_id=user.id, text="t", reply_markup=_keyboard("Done"))
    with pytest.raises(AssertionError, match="Done"):
        await user.press("Skip")


async def test_unanswered_press_times_out(user: EmulatedUser, api: Api) -> None:
    await api("sendMessage", chat_id=user.id, text="t", reply_markup=_keyboard("Done"))
    pressed = await user.press("Done")
    with pytest.raises(NoMessageError):
        await pressed.answered(timeout=0.05)


async def test_group_chat_messages(emu: BotApiEmulator, user: EmulatedUser, api: Api) -> None:
    group = emu.group_chat(chat_id=-1001, title="Friends")
    said = await group.send_text(user, "hi all")
    assert said["chat"] == {"id": -1001, "type": "group", "title": "Friends"}
    assert said["from"]["id"] == user.id
    status, _ = await api("sendMessage", chat_id=-1001, text="hello group")
    assert status == 200
    assert (await group.next_message(timeout=1)).text == "hello group"
    assert user.messages == []


async def test_settle_waits_for_fetch_and_quiet(user: EmulatedUser, api: Api,
                                                emu: BotApiEmulator) -> None:
    await user.send_text("unread")
    with pytest.raises(AssertionError, match="never fetched"):
        await emu.settle(quiet=0.01, timeout=0.1)
    await api("getUpdates")
    await emu.settle(quiet=0.05, timeout=1)


async def test_settle_waits_for_a_slow_call(user: EmulatedUser, api: Api,
                                            emu: BotApiEmulator) -> None:
    emu.inject_fault("sendMessage", status=None, delay=0.3)
    call = asyncio.create_task(api("sendMessage", chat_id=user.id, text="slow"))
    await asyncio.sleep(0.05)
    await emu.settle(quiet=0.05, timeout=2)
    assert call.done() and user.messages[0].text == "slow"


async def test_events_feed_sends_and_edits_as_they_happen(user: EmulatedUser, api: Api) -> None:
    feed = user.events()
    first = asyncio.ensure_future(anext(feed))
    await asyncio.sleep(0)  # the watcher registers before the bot speaks
    _, sent = await api("sendMessage", chat_id=user.chat_id, text="one")
    message, edited = await asyncio.wait_for(first, 5)
    assert (message.text, edited) == ("one", False)
    await api("editMessageText", chat_id=user.chat_id, message_id=sent["result"]["message_id"],
              text="two")
    message, edited = await asyncio.wait_for(anext(feed), 5)
    assert (message.text, edited) == ("two", True)
    await feed.aclose()
    assert user._chat.watchers == []


async def test_press_at_picks_a_button_by_place_when_labels_repeat(
    user: EmulatedUser, api: Api
) -> None:
    scale = {"inline_keyboard": [
        [{"text": "0", "callback_data": "r:0:0"}, {"text": "100", "callback_data": "r:0:100"}],
        [{"text": "0", "callback_data": "r:1:0"}, {"text": "100", "callback_data": "r:1:100"}],
    ]}
    await api("sendMessage", chat_id=user.id, text="rate", reply_markup=scale)
    message = await user.next_message()
    pressed = await user.press_at(message, 1, 1)
    assert pressed.update["callback_query"]["data"] == "r:1:100"
    assert (await user.press("0", message)).update["callback_query"]["data"] == "r:0:0"
    with pytest.raises(AssertionError, match="no inline button at row 2"):
        await user.press_at(message, 2, 0)
