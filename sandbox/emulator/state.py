"""Everything the emulated Telegram remembers: chats, their messages, files, callback queries and
the bot's update queue."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class SentMessage:
    """A message the bot sent, kept in its current state (edits applied, the old texts or captions
    in `edits`).

    `text`/`caption` are what the user sees (after parse_mode); `raw_text` is what the bot sent."""

    message_id: int
    chat_id: int
    kind: str  # "text" | "photo" | "document"
    date: int
    text: str | None = None
    caption: str | None = None
    parse_mode: str | None = None
    raw_text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    file_bytes: bytes | None = None
    file_name: str | None = None
    file_id: str | None = None
    edits: list[str] = field(default_factory=list)
    reactions: list[dict[str, Any]] = field(default_factory=list)
    edit_date: int | None = None
    reply_to_message_id: int | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def button_texts(self) -> list[list[str]]:
        """Button texts row by row (inline or reply keyboard), [] without a keyboard."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [[b if isinstance(b, str) else str(b.get("text")) for b in row] for row in rows]

    @property
    def buttons(self) -> list[str]:
        return [text for row in self.button_texts() for text in row]

    def inline_button(self, text: str) -> dict[str, Any] | None:
        for row in (self.reply_markup or {}).get("inline_keyboard") or []:
            for button in row:
                if button.get("text") == text:
                    return dict(button)
        return None


@dataclass
class UserMessage:
    """A message a user sent (the bot may reply to it, react to it, or see it edited)."""

    message_id: int
    payload: dict[str, Any]
    reactions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ChatState:
    chat: dict[str, Any]  # the Bot API Chat object
    blocked: bool = False
    bot_messages: list[SentMessage] = field(default_factory=list)
    by_id: dict[int, SentMessage | UserMessage] = field(default_factory=dict)
    cursor: int = 0  # how many bot messages the test has read
    menu_button: dict[str, Any] | None = None
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    # Live feeds of (message, edited) for whoever watches the chat as it happens (the sandbox).
    watchers: list[asyncio.Queue[tuple[SentMessage, bool]]] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def id(self) -> int:
        return int(self.chat["id"])

    def next_message_id(self) -> int:
        return next(self._ids)

    def add_bot_message(self, message: SentMessage) -> None:
        self.bot_messages.append(message)
        self.by_id[message.message_id] = message
        self.notify(message, edited=False)

    def notify(self, message: SentMessage, *, edited: bool) -> None:
        self.arrived.set()
        for watcher in self.watchers:
            watcher.put_nowait((message, edited))


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None


@dataclass
class CallbackQuery:
    id: str
    chat_id: int
    message_id: int
    data: str
    answer: asyncio.Future[dict[str, Any]]
    pressed_at: float  # monotonic (loop) time: Telegram's answer window is real time
    answered: bool = False


@dataclass
class PendingUpdate:
    update_id: int
    payload: dict[str, Any]
    delivered: bool = False

    @property
    def kind(self) -> str:
        return next((key for key in self.payload if key != "update_id"), "")


class EmulatorState:
    """The emulated Telegram side; the HTTP layer and the test-side API both act on it."""

    def __init__(self, clock: Callable[[], float], bot_user: dict[str, Any]) -> None:
        self.clock = clock
        self.bot_user = bot_user
        self.chats: dict[int, ChatState] = {}
        self.updates: list[PendingUpdate] = []
        self.files: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.commands: list[dict[str, str]] | None = None
        self.commands_by_scope: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.default_menu_button: dict[str, Any] | None = None
        self.allowed_updates: list[str] | None = None
        # Telegram's update ids only grow, so a bot may keep the ones it saw (Notch's inbox
        # does, for a day): a new emulator over the same database must not reuse them.
        self._update_ids = itertools.count(int(time.time() * 1000) - 1_700_000_000_000)
        self._query_ids = itertools.count(4_372_910_553_874_001)
        self._file_ids = itertools.count(1)
        self._wake = asyncio.Event()

    def now(self) -> int:
        return int(self.clock())

    # ------------------------------------------------------------ updates

    def push_update(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        update_id = next(self._update_ids)
        update = {"update_id": update_id, kind: body}
        self.updates.append(PendingUpdate(update_id, update))
        self.wake_polls()
        return update

    def push_raw(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue a payload as it is (poison updates included); keep or assign its update_id."""
        update = dict(payload)
        if not isinstance(update.get("update_id"), int):
            update = {"update_id": next(self._update_ids), **update}
        self.updates.append(PendingUpdate(int(update["update_id"]), update))
        self.wake_polls()
        return update

    def wake_polls(self) -> None:
        """Release every waiting getUpdates so it looks at the queue again."""
        self._wake.set()
        self._wake = asyncio.Event()

    @property
    def wake_event(self) -> asyncio.Event:
        return self._wake

    def confirm(self, offset: int) -> None:
        """Forget updates the bot confirmed (id < offset), or keep the last -offset ones."""
        if offset > 0:
            self.updates = [u for u in self.updates if u.update_id >= offset]
        elif offset < 0:
            self.updates = self.updates[offset:]

    def deliverable(self, limit: int) -> list[PendingUpdate]:
        if self.allowed_updates:
            self.updates = [u for u in self.updates if u.kind in self.allowed_updates]
        return self.updates[:limit]

    # ------------------------------------------------------------ chats and files

    def chat(self, chat_id: int) -> ChatState | None:
        return self.chats.get(chat_id)

    def store_file(self, data: bytes, kind: str, file_name: str | None = None,
                   mime_type: str | None = None) -> StoredFile:
        number = next(self._file_ids)
        file_id = f"AgAD{kind[:2].upper()}{number:08d}emu"
        extension = (file_name or "").rpartition(".")[2] or {"photo": "jpg", "voice": "oga"}.get(
            kind, "bin")
        path = f"{kind}s/file_{number}.{extension}"
        stored = StoredFile(file_id, f"AQAD{number:06d}", data, path, file_name, mime_type)
        self.files[file_id] = stored
        return stored

    def new_callback_query(self, chat_id: int, message_id: int, data: str) -> CallbackQuery:
        loop = asyncio.get_running_loop()
        query = CallbackQuery(str(next(self._query_ids)), chat_id, message_id, data,
                              loop.create_future(), loop.time())
        self.callback_queries[query.id] = query
        return query


@dataclass
class Upload:
    """A file part of a multipart request."""

    data: bytes
    file_name: str | None
    content_type: str | None

    def __repr__(self) -> str:
        return f"Upload({self.file_name!r}, {len(self.data)} bytes)"
