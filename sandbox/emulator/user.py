"""The test's side of Telegram: act as a user and read what the bot sent."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sandbox.emulator import rules
from sandbox.emulator.methods import message_dict
from sandbox.emulator.state import CallbackQuery, ChatState, EmulatorState, SentMessage, UserMessage

# A 1x1 PNG: what send_photo uploads unless the test gives its own bytes.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


class NoMessageError(AssertionError, TimeoutError):
    """The bot sent nothing in time: an assertion failure that also reads as a timeout."""


@dataclass
class PressResult:
    """A pressed inline button; `answered()` waits for the bot's answerCallbackQuery."""

    query: CallbackQuery
    update: dict[str, Any]

    @property
    def query_id(self) -> str:
        return self.query.id

    async def answered(self, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        try:
            return await asyncio.wait_for(asyncio.shield(self.query.answer), timeout)
        except TimeoutError:
            raise NoMessageError(f"the bot did not answer callback query {self.query.id} "
                                 f"(data {self.query.data!r}) within {timeout}s") from None


def _register(state: EmulatorState, chat: dict[str, Any]) -> ChatState:
    chat_state = state.chats.get(int(chat["id"])) or ChatState(chat)
    state.chats[chat_state.id] = chat_state
    return chat_state


class _ChatView:
    """Reading a chat: what the bot sent to it, with a cursor for "the next new message"."""

    def __init__(self, state: EmulatorState, chat: ChatState) -> None:
        self._state = state
        self._chat = chat

    @property
    def chat_id(self) -> int:
        return self._chat.id

    @property
    def chat(self) -> dict[str, Any]:
        return self._chat.chat

    @property
    def messages(self) -> list[SentMessage]:
        return list(self._chat.bot_messages)

    @property
    def menu_button(self) -> dict[str, Any] | None:
        return self._chat.menu_button

    def reactions_on(self, message_id: int) -> list[dict[str, Any]]:
        msg = self._chat.by_id.get(message_id)
        return list(msg.reactions) if msg is not None else []

    # ------------------------------------------------------------ reading the bot

    async def next_message(self, timeout: float = 5.0) -> SentMessage:  # noqa: ASYNC109
        """The oldest bot message in this chat the test has not read yet."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._chat.cursor >= len(self._chat.bot_messages):
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise NoMessageError(f"the bot sent no new message to chat {self.chat_id} "
                                     f"within {timeout}s")
            self._chat.arrived.clear()
            try:
                await asyncio.wait_for(self._chat.arrived.wait(), remaining)
            except TimeoutError:
                continue
        msg = self._chat.bot_messages[self._chat.cursor]
        self._chat.cursor += 1
        return msg

    async def expect_no_message(self, within: float = 0.5) -> None:
        await asyncio.sleep(within)
        unread = self._chat.bot_messages[self._chat.cursor:]
        if unread:
            raise AssertionError(f"the bot sent {len(unread)} unexpected message(s) to chat "
                                 f"{self.chat_id}: {[m.text or m.caption for m in unread]}")

    async def events(self) -> AsyncIterator[tuple[SentMessage, bool]]:
        """Every bot message and every edit in this chat from now on, as (message, edited)."""
        feed: asyncio.Queue[tuple[SentMessage, bool]] = asyncio.Queue()
        self._chat.watchers.append(feed)
        try:
            while True:
                yield await feed.get()
        finally:
            self._chat.watchers.remove(feed)

    def last_with_button(self, text: str) -> SentMessage | None:
        for msg in reversed(self._chat.bot_messages):
            if msg.inline_button(text) is not None:
                return msg
        return None



class EmulatedChat(_ChatView):
    """A (group) chat: any emulated user can speak in it."""

    @classmethod
    def create(cls, state: EmulatorState, chat: dict[str, Any]) -> EmulatedChat:
        return cls(state, _register(state, chat))

    def _message(self, sender: EmulatedUser, body: dict[str, Any],
                 reply_to: int | None = None) -> dict[str, Any]:
        payload = {"message_id": self._chat.next_message_id(), "from": sender.user,
                   "chat": self._chat.chat, "date": self._state.now(), **body}
        if reply_to is not None:
            replied = self._chat.by_id.get(reply_to)
            if isinstance(replied, UserMessage):
                payload["reply_to_message"] = replied.payload
            elif isinstance(replied, SentMessage):
                payload["reply_to_message"] = message_dict(self._state, self._chat, replied)
        self._chat.by_id[payload["message_id"]] = UserMessage(payload["message_id"], payload)
        self._state.push_update("message", payload)
        return payload

    async def send_text(self, sender: EmulatedUser, text: str,
                        reply_to: int | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"text": text}
        entities = rules.command_entities(text)
        if entities:
            body["entities"] = entities
        return self._message(sender, body, reply_to)

    async def send_sticker(self, sender: EmulatedUser, emoji: str = "👍") -> dict[str, Any]:
        stored = self._state.store_file(b"RIFF-webp-sticker", "sticker", "sticker.webp",
                                        "image/webp")
        return self._message(sender, {"sticker": {
            "file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "type": "regular",
            "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": emoji,
            "file_size": len(stored.data)}})

    async def send_photo(self, sender: EmulatedUser, data: bytes = TINY_PNG,
                         caption: str | None = None) -> dict[str, Any]:
        stored = self._state.store_file(data, "photo", "photo.png", "image/png")
        body: dict[str, Any] = {"photo": [{
            "file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "width": 1,
            "height": 1, "file_size": len(data)}]}
        if caption:
            body["caption"] = caption
        return self._message(sender, body)

    async def send_voice(self, sender: EmulatedUser, duration: int = 3,
                         data: bytes = b"OggS-voice") -> dict[str, Any]:
        stored = self._state.store_file(data, "voice", "voice.oga", "audio/ogg")
        return self._message(sender, {"voice": {
            "file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
            "duration": duration, "mime_type": "audio/ogg", "file_size": len(data)}})

    async def send_location(self, sender: EmulatedUser, latitude: float,
                            longitude: float) -> dict[str, Any]:
        return self._message(sender, {"location": {"latitude": latitude,
                                                   "longitude": longitude}})

    async def edit_text(self, sender: EmulatedUser, message_id: int, text: str) -> dict[str, Any]:
        original = self._chat.by_id.get(message_id)
        if not isinstance(original, UserMessage) or original.payload["from"]["id"] != sender.id:
            raise AssertionError(f"no message {message_id} from user {sender.id} to edit")
        # A new dict: the original message's update may still be waiting in the queue.
        edited = {key: value for key, value in original.payload.items() if key != "entities"}
        edited.update({"text": text, "edit_date": self._state.now()})
        entities = rules.command_entities(text)
        if entities:
            edited["entities"] = entities
        original.payload = edited
        self._state.push_update("edited_message", edited)
        return edited

    async def press(self, sender: EmulatedUser, text: str,
                    message: SentMessage | None = None) -> PressResult:
        """Press the inline button labelled `text` on `message` (default: the newest bot message
        that has it), queueing a callback_query update."""
        target = message or self.last_with_button(text)
        button = target.inline_button(text) if target is not None else None
        if target is None or button is None:
            available = [m.buttons for m in self._chat.bot_messages if m.buttons]
            raise AssertionError(f"no inline button {text!r} in chat {self.chat_id}; "
                                 f"buttons seen: {available}")
        return self._press(sender, target, button)

    async def press_at(self, sender: EmulatedUser, message: SentMessage, row: int,
                       column: int) -> PressResult:
        """Press the inline button at (row, column) of `message`: for keyboards whose labels
        repeat (a rating scale per row), where a label alone cannot say which one."""
        rows = (message.reply_markup or {}).get("inline_keyboard") or []
        if not (0 <= row < len(rows) and 0 <= column < len(rows[row])):
            raise AssertionError(f"no inline button at row {row}, column {column} of message "
                                 f"{message.message_id}: {message.button_texts()}")
        return self._press(sender, message, dict(rows[row][column]))

    def _press(self, sender: EmulatedUser, target: SentMessage,
               button: dict[str, Any]) -> PressResult:
        if "callback_data" not in button:
            raise AssertionError(f"button {button.get('text')!r} is not a callback button: "
                                 f"{button}")
        query = self._state.new_callback_query(self.chat_id, target.message_id,
                                               button["callback_data"])
        update = self._state.push_update("callback_query", {
            "id": query.id, "from": sender.user, "chat_instance": str(-7_000_000 - self.chat_id),
            "message": message_dict(self._state, self._chat, target),
            "data": button["callback_data"]})
        return PressResult(query, update)


class EmulatedUser(_ChatView):
    """A Telegram user and their private chat with the bot (chat id == user id)."""

    def __init__(self, state: EmulatorState, user_id: int, first_name: str,
                 language_code: str | None, *, last_name: str | None = None,
                 username: str | None = None) -> None:
        self.user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        chat: dict[str, Any] = {"id": user_id, "type": "private", "first_name": first_name}
        for key, value in (("last_name", last_name), ("username", username)):
            if value:
                self.user[key] = chat[key] = value
        if language_code:
            self.user["language_code"] = language_code
        super().__init__(state, _register(state, chat))
        self._in_chat = EmulatedChat(state, self._chat)

    @property
    def id(self) -> int:
        return int(self.user["id"])

    async def send_text(self, text: str, reply_to: int | None = None) -> dict[str, Any]:
        """Queue a message update; "/start"-like words get bot_command entities."""
        return await self._in_chat.send_text(self, text, reply_to)

    async def send_sticker(self, emoji: str = "👍") -> dict[str, Any]:
        return await self._in_chat.send_sticker(self, emoji)

    async def send_photo(self, data: bytes = TINY_PNG, caption: str | None = None
                         ) -> dict[str, Any]:
        return await self._in_chat.send_photo(self, data, caption)

    async def send_voice(self, duration: int = 3, data: bytes = b"OggS-voice") -> dict[str, Any]:
        return await self._in_chat.send_voice(self, duration, data)

    async def send_location(self, latitude: float, longitude: float) -> dict[str, Any]:
        return await self._in_chat.send_location(self, latitude, longitude)

    async def edit_text(self, message_id: int, text: str) -> dict[str, Any]:
        """Queue an edited_message update for one of this user's messages."""
        return await self._in_chat.edit_text(self, message_id, text)

    async def press(self, text: str, message: SentMessage | None = None) -> PressResult:
        """Press an inline button by its exact text (see EmulatedChat.press)."""
        return await self._in_chat.press(self, text, message)

    async def press_at(self, message: SentMessage, row: int, column: int) -> PressResult:
        """Press an inline button by its place (see EmulatedChat.press_at)."""
        return await self._in_chat.press_at(self, message, row, column)

    async def block(self) -> None:
        """Block the bot: later sends here fail with 403 and a my_chat_member update arrives."""
        self._chat.blocked = True
        self._member_update("member", "kicked")

    async def unblock(self) -> None:
        self._chat.blocked = False
        self._member_update("kicked", "member")

    def _member_update(self, old: str, new: str) -> None:
        def member(status: str) -> dict[str, Any]:
            out: dict[str, Any] = {"user": self._state.bot_user, "status": status}
            if status == "kicked":
                out["until_date"] = 0
            return out

        self._state.push_update("my_chat_member", {
            "chat": self._chat.chat, "from": self.user, "date": self._state.now(),
            "old_chat_member": member(old), "new_chat_member": member(new)})
