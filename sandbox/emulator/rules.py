"""What Telegram enforces and a bot could get wrong: lengths, markup, buttons, commands."""

from __future__ import annotations

import re
from typing import Any

from telegram.constants import ReactionEmoji

from sandbox.emulator import formatting
from sandbox.emulator.errors import bad_request

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_CALLBACK_ANSWER = 200

_INLINE_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)
_REPLY_OPTIONS = ("request_contact", "request_location", "request_poll", "request_users",
                  "request_chat", "web_app")
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_BOT_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")
_REACTIONS = {emoji.value for emoji in ReactionEmoji}


def formatted_text(params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The message text after parse_mode; empty or over 4096 UTF-16 units fails like Telegram."""
    raw = params.get("text")
    if not isinstance(raw, str) or not raw.strip():
        raise bad_request("message text is empty")
    text, entities = _parse(raw, params, "entities")
    if not text:
        raise bad_request("message text is empty")
    if formatting.utf16_len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    return text, entities


def formatted_caption(params: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]]]:
    raw = params.get("caption")
    if raw is None or raw == "":
        return None, []
    text, entities = _parse(str(raw), params, "caption_entities")
    if formatting.utf16_len(text) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return text or None, entities


def _parse(raw: str, params: dict[str, Any], entities_key: str) -> tuple[str, list[dict[str, Any]]]:
    explicit = params.get(entities_key)
    if explicit is None:
        return formatting.parse(raw, params.get("parse_mode"))
    if not isinstance(explicit, list):
        raise bad_request(f"can't parse entities JSON object: field \"{entities_key}\"")
    text = raw.strip()
    size = formatting.utf16_len(text)
    for entity in explicit:
        if not isinstance(entity, dict) or not isinstance(entity.get("type"), str):
            raise bad_request("can't parse MessageEntity: Field \"type\" must be of type String")
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or offset < 0 or (
                length <= 0 or offset + length > size):
            raise bad_request("can't parse entities: entity beyond the end of the text")
    return text, list(explicit)


def check_reply_markup(markup: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
    """Validate a whole reply_markup object; returns it (None when absent)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _check_inline_keyboard(markup["inline_keyboard"])
        return markup
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup:
        _check_reply_keyboard(markup["keyboard"])
        placeholder = markup.get("input_field_placeholder")
        if placeholder is not None and not 1 <= len(str(placeholder)) <= 64:
            raise bad_request("can't parse keyboard: input_field_placeholder is too long")
        return markup
    if "remove_keyboard" in markup:
        if markup["remove_keyboard"] is not True:
            raise bad_request("can't parse reply keyboard markup JSON object: "
                              "Field \"remove_keyboard\" must be true")
        return markup
    if "force_reply" in markup:
        if markup["force_reply"] is not True:
            raise bad_request("can't parse reply keyboard markup JSON object: "
                              "Field \"force_reply\" must be true")
        return markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def _rows(keyboard: Any, name: str) -> list[list[Any]]:
    if not isinstance(keyboard, list) or not all(isinstance(row, list) for row in keyboard):
        raise bad_request(f"can't parse reply keyboard markup JSON object: "
                          f"Field \"{name}\" must be an Array of Arrays")
    return keyboard


def _check_inline_keyboard(keyboard: Any) -> None:
    for row in _rows(keyboard, "inline_keyboard"):
        for button in row:
            if not isinstance(button, dict):
                raise bad_request("can't parse inline keyboard button: "
                                  "InlineKeyboardButton must be an Object")
            if not isinstance(button.get("text"), str):
                raise bad_request("can't parse inline keyboard button: "
                                  "Field \"text\" must be of type String")
            actions = [key for key in _INLINE_ACTIONS if key in button]
            if not actions:
                raise bad_request("can't parse inline keyboard button: "
                                  "Text buttons are unallowed in the inline keyboard")
            if len(actions) > 1:
                raise bad_request("can't parse inline keyboard button: "
                                  "exactly one of the optional fields must be used")
            if not button["text"].strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            _check_action(actions[0], button[actions[0]])


def _check_action(action: str, value: Any) -> None:
    if action == "callback_data":
        if not isinstance(value, str) or not 1 <= len(value.encode("utf-8")) <= MAX_CALLBACK_DATA:
            raise bad_request("BUTTON_DATA_INVALID")
    elif action == "url" and not (isinstance(value, str)
                                  and re.match(r"(https?|tg)://\S+$", value)):
        raise bad_request("BUTTON_URL_INVALID")


def _check_reply_keyboard(keyboard: Any) -> None:
    for row in _rows(keyboard, "keyboard"):
        for button in row:
            text = button if isinstance(button, str) else (
                button.get("text") if isinstance(button, dict) else None)
            if not isinstance(text, str) or not text.strip():
                raise bad_request("can't parse keyboard button: "
                                  "Field \"text\" must be of type String")
            if isinstance(button, dict) and sum(key in button for key in _REPLY_OPTIONS) > 1:
                raise bad_request("can't parse keyboard button: "
                                  "exactly one of the optional fields must be used")


def check_commands(commands: Any) -> list[dict[str, str]]:
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("too many commands")
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("can't parse BotCommand: BotCommand must be an Object")
        if not _COMMAND.fullmatch(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        description = command.get("description")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    return commands


def check_reaction(reaction: Any) -> list[dict[str, Any]]:
    if reaction is None:
        return []
    if not isinstance(reaction, list):
        raise bad_request("can't parse reaction types JSON object")
    for item in reaction:
        if not isinstance(item, dict) or item.get("type") not in ("emoji", "custom_emoji", "paid"):
            raise bad_request("REACTION_INVALID")
        if item["type"] == "emoji" and item.get("emoji") not in _REACTIONS:
            raise bad_request("REACTION_INVALID")
    if len(reaction) > 1:
        raise bad_request("REACTIONS_TOO_MANY")
    return reaction


def check_callback_answer(params: dict[str, Any]) -> None:
    text = params.get("text")
    if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER:
        raise bad_request("MESSAGE_TOO_LONG")


def command_entities(text: str) -> list[dict[str, Any]]:
    """bot_command entities Telegram attaches to a user's text ("/start", "/help@bot")."""
    return [
        {"type": "bot_command", "offset": formatting.utf16_len(text[: m.start()]),
         "length": formatting.utf16_len(m.group())}
        for m in _BOT_COMMAND.finditer(text)
    ]
