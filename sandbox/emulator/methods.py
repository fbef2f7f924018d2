"""The Bot API methods (except getUpdates, which lives with the HTTP layer): each takes the
decoded parameters and returns the `result`, or raises ApiError with Telegram's wording."""

from __future__ import annotations

import asyncio
import struct
from collections.abc import Awaitable, Callable
from typing import Any

from sandbox.emulator import rules
from sandbox.emulator.errors import BLOCKED, NOT_MODIFIED, QUERY_TOO_OLD, ApiError, bad_request
from sandbox.emulator.state import ChatState, EmulatorState, SentMessage, Upload, UserMessage

Handler = Callable[[dict[str, Any]], Awaitable[Any]]


def flag(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def as_int(value: Any, missing: str) -> int:
    if value is None or value == "":
        raise bad_request(missing)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(missing) from None


def message_dict(state: EmulatorState, chat: ChatState, msg: SentMessage) -> dict[str, Any]:
    """The Bot API Message object for a bot message, as Telegram returns it."""
    out: dict[str, Any] = {"message_id": msg.message_id, "from": state.bot_user,
                           "chat": chat.chat, "date": msg.date}
    if msg.edit_date is not None:
        out["edit_date"] = msg.edit_date
    if msg.kind == "text":
        out["text"] = msg.text
        if msg.entities:
            out["entities"] = msg.entities
    else:
        stored = state.files.get(msg.file_id or "")
        size = len(msg.file_bytes or b"")
        base = {"file_id": msg.file_id, "file_unique_id": stored.file_unique_id if stored
                else "AQADurl", "file_size": size}
        if msg.kind == "photo":
            width, height = _image_size(msg.file_bytes or b"")
            out["photo"] = [{**base, "width": width, "height": height}]
        else:
            out["document"] = {**base, "file_name": msg.file_name or "file",
                               "mime_type": stored.mime_type if stored and stored.mime_type
                               else "application/octet-stream"}
        if msg.caption:
            out["caption"] = msg.caption
            if msg.entities:
                out["caption_entities"] = msg.entities
    if msg.reply_to_message_id is not None:
        replied = chat.by_id.get(msg.reply_to_message_id)
        if isinstance(replied, UserMessage):
            out["reply_to_message"] = replied.payload
        elif isinstance(replied, SentMessage):
            out["reply_to_message"] = message_dict(state, chat, _without_reply(replied))
    if msg.reply_markup and "inline_keyboard" in msg.reply_markup:
        out["reply_markup"] = msg.reply_markup  # Telegram echoes only inline keyboards
    return out


def _without_reply(msg: SentMessage) -> SentMessage:
    copy = SentMessage(**{**msg.__dict__, "reply_to_message_id": None})
    return copy


def _scope_key(params: dict[str, Any]) -> tuple[str, str]:
    """Commands are stored per (scope type, language), as Telegram keeps them."""
    scope = params.get("scope") or {"type": "default"}
    return (str(scope.get("type")) if isinstance(scope, dict) else "default",
            str(params.get("language_code") or ""))


def _image_size(data: bytes) -> tuple[int, int]:
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    return 320, 320


class BotApi:
    def __init__(self, state: EmulatorState, callback_query_ttl: float | None = None) -> None:
        self.state = state
        self.callback_query_ttl = callback_query_ttl
        self.handlers: dict[str, Handler] = {
            "getMe": self.get_me, "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "answerCallbackQuery": self.answer_callback_query, "sendPhoto": self.send_photo,
            "sendDocument": self.send_document, "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands, "deleteMyCommands": self.delete_my_commands,
            "setChatMenuButton": self.set_chat_menu_button,
            "getChatMenuButton": self.get_chat_menu_button,
            "setMessageReaction": self.set_message_reaction,
            "sendChatAction": self.send_chat_action,
            "getFile": self.get_file,
        }

    # ------------------------------------------------------------ helpers

    def target_chat(self, params: dict[str, Any], *, sending: bool = True) -> ChatState:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        try:
            chat = self.state.chat(int(raw))
        except (TypeError, ValueError):
            chat = None
        if chat is None:
            raise bad_request("chat not found")
        if sending and chat.blocked:
            raise ApiError(403, BLOCKED)
        return chat

    def _reply_to(self, chat: ChatState, params: dict[str, Any]) -> int | None:
        reply = params.get("reply_parameters")
        message_id = reply.get("message_id") if isinstance(reply, dict) else params.get(
            "reply_to_message_id")
        if message_id is None:
            return None
        allow = flag((reply or {}).get("allow_sending_without_reply") if isinstance(reply, dict)
                     else params.get("allow_sending_without_reply"))
        if as_int(message_id, "message to be replied not found") in chat.by_id:
            return int(message_id)
        if allow:
            return None
        raise bad_request("message to be replied not found")

    def _new_message(self, chat: ChatState, kind: str, params: dict[str, Any]) -> SentMessage:
        markup = rules.check_reply_markup(params.get("reply_markup"))
        return SentMessage(
            message_id=0, chat_id=chat.id, kind=kind, date=self.state.now(),
            parse_mode=params.get("parse_mode"), reply_markup=markup,
            reply_to_message_id=self._reply_to(chat, params), params=dict(params))

    def _publish(self, chat: ChatState, msg: SentMessage) -> dict[str, Any]:
        msg.message_id = chat.next_message_id()
        chat.add_bot_message(msg)
        return message_dict(self.state, chat, msg)

    def _file(self, params: dict[str, Any], field: str,
              kind: str) -> tuple[bytes | None, str | None, str]:
        value = params.get(field)
        if isinstance(value, Upload):
            stored = self.state.store_file(value.data, kind, value.file_name, value.content_type)
            return value.data, value.file_name, stored.file_id
        if isinstance(value, str) and value:
            if value in self.state.files:
                stored = self.state.files[value]
                return stored.data, stored.file_name, stored.file_id
            if value.startswith(("http://", "https://")):
                return None, value.rsplit("/", 1)[-1] or None, f"url:{value}"
            raise bad_request("wrong file identifier/HTTP URL specified")
        raise bad_request(f"there is no {field} in the request")

    def _own_message(self, params: dict[str, Any]) -> tuple[ChatState, SentMessage]:
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self.target_chat(params)
        message_id = as_int(params.get("message_id"), "message identifier is not specified")
        msg = chat.by_id.get(message_id)
        if msg is None:
            raise bad_request("message to edit not found")
        if not isinstance(msg, SentMessage):
            raise bad_request("message can't be edited")
        return chat, msg

    # ------------------------------------------------------------ methods

    async def get_me(self, params: dict[str, Any]) -> Any:
        return self.state.bot_user

    async def send_message(self, params: dict[str, Any]) -> Any:
        chat = self.target_chat(params)
        text, entities = rules.formatted_text(params)
        msg = self._new_message(chat, "text", params)
        msg.text, msg.entities, msg.raw_text = text, entities, params["text"]
        return self._publish(chat, msg)

    async def send_photo(self, params: dict[str, Any]) -> Any:
        return await self._send_file(params, "photo")

    async def send_document(self, params: dict[str, Any]) -> Any:
        return await self._send_file(params, "document")

    async def _send_file(self, params: dict[str, Any], kind: str) -> Any:
        chat = self.target_chat(params)
        caption, entities = rules.formatted_caption(params)
        data, name, file_id = self._file(params, kind, kind)
        msg = self._new_message(chat, kind, params)
        msg.caption, msg.entities, msg.raw_text = caption, entities, params.get("caption")
        msg.file_bytes, msg.file_name, msg.file_id = data, name, file_id
        return self._publish(chat, msg)

    async def edit_message_text(self, params: dict[str, Any]) -> Any:
        chat, msg = self._own_message(params)
        text, entities = rules.formatted_text(params)
        if msg.kind != "text":
            raise bad_request("there is no text in the message to edit")
        # Telegram drops the inline keyboard when an edit does not repeat it.
        markup = rules.check_reply_markup(params.get("reply_markup"), inline_only=True)
        if text == msg.text and entities == msg.entities and markup == msg.reply_markup:
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        if text != msg.text:
            msg.edits.append(msg.text or "")
        msg.text, msg.entities, msg.raw_text = text, entities, params["text"]
        msg.parse_mode, msg.reply_markup = params.get("parse_mode"), markup
        msg.edit_date = self.state.now()
        chat.notify(msg, edited=True)
        return message_dict(self.state, chat, msg)

    async def edit_message_caption(self, params: dict[str, Any]) -> Any:
        """A photo's or document's caption (added, changed, or removed when omitted), with its
        inline keyboard; only media messages have a caption to edit."""
        chat, msg = self._own_message(params)
        if msg.kind == "text":
            raise bad_request("there is no caption in the message to edit")
        caption, entities = rules.formatted_caption(params)
        # As with a text edit, an inline keyboard the edit does not repeat is dropped.
        markup = rules.check_reply_markup(params.get("reply_markup"), inline_only=True)
        if caption == msg.caption and entities == msg.entities and markup == msg.reply_markup:
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        if caption != msg.caption:
            msg.edits.append(msg.caption or "")
        msg.caption, msg.entities, msg.raw_text = caption, entities, params.get("caption")
        msg.parse_mode, msg.reply_markup = params.get("parse_mode"), markup
        msg.edit_date = self.state.now()
        chat.notify(msg, edited=True)
        return message_dict(self.state, chat, msg)

    async def edit_message_reply_markup(self, params: dict[str, Any]) -> Any:
        chat, msg = self._own_message(params)
        markup = rules.check_reply_markup(params.get("reply_markup"), inline_only=True)
        if markup == msg.reply_markup:
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        msg.reply_markup = markup
        msg.edit_date = self.state.now()
        chat.notify(msg, edited=True)
        return message_dict(self.state, chat, msg)

    async def answer_callback_query(self, params: dict[str, Any]) -> Any:
        query = self.state.callback_queries.get(str(params.get("callback_query_id", "")))
        if query is None or query.answered:
            raise ApiError(400, QUERY_TOO_OLD)
        age = asyncio.get_running_loop().time() - query.pressed_at
        if self.callback_query_ttl is not None and age > self.callback_query_ttl:
            raise ApiError(400, QUERY_TOO_OLD)
        rules.check_callback_answer(params)
        query.answered = True
        if not query.answer.done():
            query.answer.set_result(dict(params))
        return True

    async def set_my_commands(self, params: dict[str, Any]) -> Any:
        commands = rules.check_commands(params.get("commands"))
        key = _scope_key(params)
        self.state.commands_by_scope[key] = commands
        if key == ("default", ""):  # what every user sees unless a language or scope has its own
            self.state.commands = commands
        return True

    async def get_my_commands(self, params: dict[str, Any]) -> Any:
        key = _scope_key(params)
        return self.state.commands_by_scope.get(key, [])

    async def delete_my_commands(self, params: dict[str, Any]) -> Any:
        key = _scope_key(params)
        self.state.commands_by_scope.pop(key, None)
        return True

    async def set_chat_menu_button(self, params: dict[str, Any]) -> Any:
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in ("commands", "web_app",
                                                                         "default"):
            raise bad_request("can't parse menu button JSON object")
        if params.get("chat_id") is None:
            self.state.default_menu_button = button
        else:
            self.target_chat(params, sending=False).menu_button = button
        return True

    async def get_chat_menu_button(self, params: dict[str, Any]) -> Any:
        if params.get("chat_id") is None:
            return self.state.default_menu_button or {"type": "commands"}
        chat = self.target_chat(params, sending=False)
        return chat.menu_button or self.state.default_menu_button or {"type": "commands"}

    async def set_message_reaction(self, params: dict[str, Any]) -> Any:
        chat = self.target_chat(params)
        message_id = as_int(params.get("message_id"), "message identifier is not specified")
        reaction = rules.check_reaction(params.get("reaction"))
        msg = chat.by_id.get(message_id)
        if msg is None:
            raise bad_request("MESSAGE_ID_INVALID")
        msg.reactions = reaction
        return True

    async def send_chat_action(self, params: dict[str, Any]) -> Any:
        self.target_chat(params)
        if not params.get("action"):
            raise bad_request("wrong parameter action in request")
        return True

    async def get_file(self, params: dict[str, Any]) -> Any:
        stored = self.state.files.get(str(params.get("file_id", "")))
        if stored is None:
            raise bad_request("invalid file_id")
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "file_size": len(stored.data), "file_path": stored.file_path}
