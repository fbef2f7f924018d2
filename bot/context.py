"""The per-update context every handler receives (PTB's `ContextTypes` with our own class).

PTB builds one context per update and hands it to every handler group, so what it caches (the
clock reading, the router's open state) is computed once per update. It carries:
- `services` and `now` (the injected clock, read once, so a handler sees one instant);
- `db()`: a unit of work (commit on success, roll back on error);
- `open_state()`: the writer's user, goal, open question and waiting challenge, in one
  transaction (what `core.router.route` decides on);
- `require_goal()`: the writer's rows, or None after answering "set up first" itself;
- `locale`: the language this update is answered in (`bot.i18n`; the inbox sets it);
- `press()`: a button press answered and read into its typed callback data;
- `send_replies()` and `edit_or_send()`: the two ways a handler answers.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any, NamedTuple

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackContext, ExtBot

from bot import callbacks, texts
from bot.i18n import _, current_locale
from bot.inbox import wall_clock
from bot.services import Services, services
from core.vocabulary import UserStatus
from storage.db import Session
from storage.inbox import mark_handled
from storage.open_state import Opened, load_open_state
from storage.scheduling import mark_unblocked
from storage.uow import unit_of_work

log = logging.getLogger(__name__)

Markup = InlineKeyboardMarkup | None
Reply = tuple[str, Markup]


class Press(NamedTuple):
    """A button press, read: the typed button (None: data no current button packs, i.e. stale
    or forged) and the message it is on (None when that message can't be edited any more)."""

    button: callbacks.CallbackData | None
    message: Message | None


class NotchContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """One update's context: see the module's docstring."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any],
                 chat_id: int | None = None, user_id: int | None = None) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self._now: datetime | None = None
        self._opened: Opened | None = None
        self._update_id: int | None = None

    @classmethod
    def from_update(cls, update: object,
                    application: Application[Any, Any, Any, Any, Any, Any]) -> NotchContext:
        """PTB's per-update constructor, remembering which inbox row this update is."""
        context = super().from_update(update, application)
        if isinstance(update, Update):
            context._update_id = update.update_id
        return context

    @property
    def services(self) -> Services:
        return services(self)

    @property
    def now(self) -> datetime:
        """The bot's clock, read once per update."""
        if self._now is None:
            self._now = self.services.clock()
        return self._now

    @property
    def locale(self) -> str:
        return current_locale()

    @property
    def chat(self) -> int:
        """Where answers go: the update's chat (a private chat's id is the user's)."""
        found = self._chat_id if self._chat_id is not None else self._user_id
        if found is None:
            raise RuntimeError("this update has no chat to answer in")
        return found

    def db(self) -> AbstractAsyncContextManager[Session]:
        """`async with context.db() as session:` one transaction, committed if the block ends
        normally, rolled back if it raises. One that writes also marks this update handled in
        the inbox, in the same transaction: a crash leaves both or neither."""
        return unit_of_work(self.services.session, before_commit=self._mark_handled)

    async def _mark_handled(self, session: Session) -> None:
        inbox = self.services.inbox
        if self._update_id is None or inbox is None or not inbox.owns(self._update_id):
            return
        await mark_handled(session, [self._update_id], wall_clock(), release=False)
        inbox.marked(self._update_id)

    async def open_state(self, *, fresh: bool = False) -> Opened:
        """The writer's rows as the router sees them, loaded once per update (`fresh` reloads:
        after this update changed them)."""
        if self._opened is None or fresh:
            if self._user_id is None:
                self._opened = Opened()
            else:
                async with self.db() as session:
                    opened = await load_open_state(session, self._user_id, self.now)
                    user = opened.user
                    if user is not None and user.id is not None \
                            and user.status == UserStatus.BLOCKED:
                        # A 403 marked them blocked, yet they write: they let the bot back in
                        # (the my_chat_member update saying so may never have come).
                        await mark_unblocked(session, user.id, self.now)
                        log.info("user %s wrote again after blocking the bot; sending resumes",
                                 user.id)
                    self._opened = opened
        return self._opened

    async def require_goal(self) -> Opened | None:
        """The writer's rows if they have a goal; otherwise None, having said how to set one up."""
        opened = await self.open_state()
        if opened.user is None or opened.goal is None:
            await self.bot.send_message(self.chat, _(texts.NEED_SETUP))
            return None
        return opened

    async def press(self, update: Update) -> Press:
        """Answer the update's button press first (the phone spins until then), then read it."""
        query = update.callback_query
        if query is None:
            return Press(None, None)
        try:
            await query.answer()
        except BadRequest as exc:
            # Too old, or answered already by an earlier try of this update (a process died
            # after answering, before its effect committed): the spinner is gone either way,
            # and the press itself must still be recorded.
            log.info("could not answer callback query %s: %s", query.id, exc)
        message = query.message if isinstance(query.message, Message) else None
        return Press(callbacks.parse(query.data), message)

    async def send_replies(self, replies: Sequence[Reply]) -> None:
        for text, markup in replies:
            await self.bot.send_message(self.chat, text, reply_markup=markup)

    async def edit_message(self, message_id: int, text: str, markup: Markup = None) -> bool:
        """Edit one of the bot's earlier messages in this chat by its id; False when Telegram
        refuses (too old, deleted, already showing this): the caller goes on without it."""
        try:
            await self.bot.edit_message_text(text, chat_id=self.chat, message_id=message_id,
                                             reply_markup=markup)
        except BadRequest as exc:
            log.info("could not edit message %s: %s", message_id, exc)
            return False
        return True

    async def edit_or_send(self, message: Message | None, text: str | None,
                           markup: Markup = None) -> None:
        """Edit `message` into `text` (only its buttons when `text` is None), or send `text` when
        there is nothing to edit or Telegram refuses (too old, or already showing this)."""
        if message is not None and text is None:
            try:
                await message.edit_reply_markup(reply_markup=markup)
            except BadRequest as exc:
                log.info("could not edit message %s: %s", message.message_id, exc)
            return
        if text is None:
            return
        if message is None or not await self.edit_message(message.message_id, text, markup):
            await self.bot.send_message(self.chat, text, reply_markup=markup)
