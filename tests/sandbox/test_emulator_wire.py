"""Telegram's wire format: URL shape, body encodings, answer envelopes, files."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from sandbox.emulator import BotApiEmulator, EmulatedUser

Api = Any


@pytest.mark.parametrize("via", ["form", "multipart", "json", "get"])
async def test_get_me_answers_in_every_encoding(api: Api, via: str) -> None:
    status, body = await api("getMe", via=via)
    assert status == 200
    assert body["ok"] is True
    assert body["result"]["username"] == "notch_sandbox_bot"
    assert body["result"]["id"] == 123456 and body["result"]["is_bot"] is True


async def test_wrong_token_is_401_unauthorized(api: Api) -> None:
    status, body = await api("getMe", token="123456:WRONG")
    assert (status, body) == (401, {"ok": False, "error_code": 401,
                                    "description": "Unauthorized"})


async def test_unknown_method_is_404_not_found(api: Api) -> None:
    status, body = await api("sendTelepathy", chat_id=1)
    assert (status, body["error_code"], body["description"]) == (404, 404, "Not Found")


async def test_method_names_are_case_insensitive_like_telegram(api: Api) -> None:
    status, body = await api("GETME")
    assert status == 200 and body["result"]["is_bot"] is True


async def test_form_fields_holding_json_strings_are_decoded(
        emu: BotApiEmulator, user: EmulatedUser, api: Api) -> None:
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    status, body = await api("sendMessage", chat_id=user.id, text="hi", reply_markup=markup)
    assert status == 200
    assert body["result"]["reply_markup"] == markup
    method, params = emu.calls[-1]
    assert method == "sendMessage" and params["reply_markup"] == markup


async def test_json_body_carries_nested_objects_directly(user: EmulatedUser, api: Api) -> None:
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    status, _ = await api("sendMessage", via="json", chat_id=user.id, text="hi",
                          reply_markup=markup)
    assert status == 200 and user.messages[0].reply_markup == markup


async def test_malformed_reply_markup_json_is_rejected(user: EmulatedUser, api: Api) -> None:
    status, body = await api("sendMessage", chat_id=user.id, text="hi", reply_markup="{nope")
    assert status == 400
    assert body["description"] == "Bad Request: can't parse reply keyboard markup JSON object"


async def test_multipart_photo_upload_is_stored_and_downloadable(
        user: EmulatedUser, api: Api, emu: BotApiEmulator, http: aiohttp.ClientSession) -> None:
    data = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (64).to_bytes(4, "big") * 2
    status, body = await api("sendPhoto", chat_id=user.id, caption="look",
                             files={"photo": ("chart.png", data)})
    assert status == 200
    photo = body["result"]["photo"][-1]
    assert (photo["width"], photo["height"], photo["file_size"]) == (64, 64, len(data))
    sent = user.messages[0]
    assert (sent.kind, sent.file_bytes, sent.caption) == ("photo", data, "look")
    status, body = await api("getFile", file_id=photo["file_id"])
    async with http.get(f"{emu.base_file_url}{emu.token}/{body['result']['file_path']}") as resp:
        assert resp.status == 200 and await resp.read() == data


async def test_multipart_document_upload_keeps_its_name(user: EmulatedUser, api: Api) -> None:
    status, body = await api("sendDocument", chat_id=user.id,
                             files={"document": ("notch-export.json", b'{"a": 1}')})
    assert status == 200
    assert body["result"]["document"]["file_name"] == "notch-export.json"
    assert user.messages[0].file_bytes == b'{"a": 1}'
    assert user.messages[0].kind == "document"


async def test_send_photo_without_photo_fails(user: EmulatedUser, api: Api) -> None:
    status, body = await api("sendPhoto", chat_id=user.id, caption="x")
    assert (status, body["description"]) == (400, "Bad Request: there is no photo in the request")


async def test_file_download_with_wrong_token_is_401(
        emu: BotApiEmulator, user: EmulatedUser, http: aiohttp.ClientSession) -> None:
    await user.send_photo()
    async with http.get(f"{emu.base_file_url}123456:WRONG/photos/file_1.png") as resp:
        assert resp.status == 401


async def test_every_request_is_recorded_in_order(emu: BotApiEmulator, api: Api) -> None:
    await api("getMe")
    await api("deleteWebhook", drop_pending_updates=True)
    await api("nope")
    assert [name for name, _ in emu.calls] == ["getMe", "deleteWebhook", "nope"]
    assert emu.calls[1][1] == {"drop_pending_updates": "true"}
