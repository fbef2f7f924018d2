"""Updates in, through the database: stored before they are acknowledged, then handled by workers.

Telegram hands an update over once it is acknowledged (the webhook's 200, or the next
`getUpdates` offset), so the only safe place for it afterwards is a committed row
(`storage.inbox`). `Inbox.accept` stores; `Inbox.start` runs this process's workers, which claim
rows (one per chat at a time, oldest first, so a chat's answers are handled in order while other
chats go on in parallel, in this process and any other on the same database) and hand each to
PTB's `Application.process_update`. A handler's unit of work marks its update handled in the
transaction of its effect (`bot.context`); an update whose handler wrote nothing is marked right
after. A failure is tried again, and after `storage.inbox.MAX_FAILURES` set aside with its
error, with a short apology to the person; an update PTB cannot even read is set aside at once.

Store and mark requests that arrive together share one transaction (a group commit), so a burst
of updates costs a few commits, not one each.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import traceback
import warnings
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any, Final, TypeVar

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, TimedOut
from telegram.ext import Application
from telegram.warnings import PTBUserWarning

from bot import texts
from bot.i18n import _, locale_of, use_locale
from bot.services import Services
from core.vocabulary import InboxStatus
from storage.db import Session
from storage.inbox import (
    RETRY_AFTER,
    Claimed,
    Incoming,
    claim_updates,
    mark_handled,
    prune,
    record_failure,
    release_handled,
    set_aside,
    store_updates,
)
from storage.uow import unit_of_work

log = logging.getLogger(__name__)

WORKERS: Final = 64
"""Updates in hand at once per process, each of a different chat. Handlers mostly wait on the
database and on Telegram, so far more than the cores: at 16, one process answered /help at 0.37x
PTB's echo bot, waiting, at 64 at 0.95x (docs/BENCHMARKS.md, replies)."""
IDLE_POLL: Final = 0.5
"""How often an idle process looks for updates another process stored (its own wake it)."""
PRUNE_EVERY: Final = 600.0  # seconds between prunes of old rows


_CHAT_CARRIERS: Final = (
    "message", "edited_message", "channel_post", "edited_channel_post", "business_message",
    "edited_business_message", "my_chat_member", "chat_member", "chat_join_request",
    "message_reaction", "message_reaction_count", "chat_boost", "removed_chat_boost",
)

Result = TypeVar("Result")


def wall_clock() -> datetime:
    """The inbox's leases are about real time, whatever clock the coaching runs on (tests
    freeze that one)."""
    return datetime.now(UTC)


def chat_of(payload: Mapping[str, Any]) -> int | None:
    """The chat that orders this update: its message's chat, or the sender for updates that
    have no chat (inline queries, a button on an inline message); None if neither."""
    for key in _CHAT_CARRIERS:
        carrier = payload.get(key)
        if isinstance(carrier, Mapping):
            chat = carrier.get("chat")
            if isinstance(chat, Mapping) and isinstance(chat.get("id"), int):
                return int(chat["id"])
    for value in payload.values():
        if not isinstance(value, Mapping):
            continue
        message = value.get("message")
        if isinstance(message, Mapping):
            chat = message.get("chat")
            if isinstance(chat, Mapping) and isinstance(chat.get("id"), int):
                return int(chat["id"])
        sender = value.get("from") or value.get("user")
        if isinstance(sender, Mapping) and isinstance(sender.get("id"), int):
            return int(sender["id"])
    return None


def incoming(payload: Mapping[str, Any]) -> Incoming | None:
    """The update as the inbox stores it; None if it has no integer `update_id` (not an update)."""
    update_id = payload.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        return None
    return Incoming(update_id, chat_of(payload), dict(payload))


class GroupCommit:
    """Runs the database steps submitted while a commit is under way in one next transaction."""

    def __init__(self, sessions: Callable[[], Session]) -> None:
        self._sessions = sessions
        self._queue: list[tuple[Callable[[Session], Awaitable[Any]], asyncio.Future[Any]]] = []
        self._running: asyncio.Task[None] | None = None

    async def run(self, step: Callable[[Session], Awaitable[Result]]) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._queue.append((step, future))
        if self._running is None or self._running.done():
            self._running = asyncio.create_task(self._drain(), name="notch-inbox-commit")
        return await future

    async def idle(self) -> None:
        """Wait for the commit under way, if any."""
        if self._running is not None:
            await asyncio.gather(self._running, return_exceptions=True)

    async def _drain(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            results: list[Any] = []
            try:
                async with unit_of_work(self._sessions) as session:
                    for step, _future in batch:
                        results.append(await step(session))
            except BaseException as error:
                for _step, future in batch:
                    if not future.done():
                        future.set_exception(error)
                if not isinstance(error, Exception):
                    raise
                continue
            for (_step, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)


class Inbox:
    """This process's side of the update inbox: see the module's docstring."""

    def __init__(self, services: Services, *, workers: int = WORKERS) -> None:
        self._services = services
        # The inbox's own handle on the database, taken once (tests make the handlers' fail).
        self._sessions = services.session
        self._workers = workers
        self._commits: GroupCommit | None = None
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._in_hand: dict[int, asyncio.Task[None]] = {}
        self._failed: dict[int, BaseException] = {}
        self._marked: set[int] = set()
        self._unfinished: set[int] = set()  # accepted here and not yet handled or set aside
        self._tasks: list[asyncio.Task[None]] = []
        self._application: Application[Any, Any, Any, Any, Any, Any] | None = None
        self.idle_poll = IDLE_POLL
        self._storing = 0  # accept() calls under way
        self._queued_items: list[Incoming] = []
        self._queued_marks: list[int] = []
        self._queued_claim = False
        self._queued_waiters: list[asyncio.Future[set[int]]] = []
        self._writer: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ in

    @property
    def commits(self) -> GroupCommit:
        if self._commits is None:
            self._commits = GroupCommit(self._sessions)
        return self._commits

    async def accept(self, payloads: Sequence[Mapping[str, Any]]) -> int:
        """Store updates (those without an integer `update_id` are not updates: skipped and
        logged) in one committed transaction, then wake the workers; how many were new. Raises
        if the database fails: the caller must not acknowledge them then."""
        items = []
        for payload in payloads:
            item = incoming(payload)
            if item is None:
                log.error("not an update (no integer update_id), dropped: %.200r", payload)
            else:
                items.append(item)
        if not items:
            return 0
        self._storing += 1
        try:
            return await self._store(items)
        finally:
            self._storing -= 1

    async def _store(self, items: list[Incoming]) -> int:
        stored = await self._write(items=items)
        return len({item.update_id for item in items} & stored)

    async def _write(self, *, items: Sequence[Incoming] = (), marks: Sequence[int] = (),
                     claim: bool = False) -> set[int]:
        """Queue stores and marks for the next commit, and wait for it; the ids it stored.

        Everything queued while a commit is under way goes into the next one together: one
        INSERT for every waiting update, one UPDATE for every finished one, and one claim for
        the free workers (it rides along whenever there is something to claim, so an idle
        process answers a new update after one commit). Under load a commit serves many
        updates; alone, one update costs two commits (store and claim, then mark)."""
        future: asyncio.Future[set[int]] = asyncio.get_running_loop().create_future()
        self._queued_items.extend(items)
        self._queued_marks.extend(marks)
        self._queued_claim = self._queued_claim or claim
        self._queued_waiters.append(future)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._flush(), name="notch-inbox-write")
        return await future

    async def _flush(self) -> None:
        while self._queued_waiters:
            items, self._queued_items = self._queued_items, []
            marks, self._queued_marks = self._queued_marks, []
            waiters, self._queued_waiters = self._queued_waiters, []
            claim, self._queued_claim = self._queued_claim, False
            free = max(0, self._workers - len(self._in_hand)) if self._claiming else 0
            now = wall_clock()
            try:
                async with unit_of_work(self._sessions) as session:
                    stored = await store_updates(session, items, now) if items else []
                    if marks:
                        await mark_handled(session, marks, now)
                        await release_handled(session, marks)
                    wanted = claim or stored or self._waiting() - set(marks)
                    claimed = await claim_updates(session, now, limit=free) if free and wanted \
                        else []
            except Exception as error:
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_exception(error)
                continue
            self._unfinished.update(stored)
            self._take(claimed)
            if (claim and len(claimed) == free) or len(claimed) < len(stored):
                self._wake.set()  # more may wait than this commit could hand to a worker
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(set(stored))

    @property
    def busy(self) -> bool:
        """Updates accepted by this process and not finished yet (tests wait on it)."""
        return bool(self._storing or self._unfinished or self._in_hand)

    # ------------------------------------------------------------------ handling

    def start(self, application: Application[Any, Any, Any, Any, Any, Any],
              workers: int | None = None) -> None:
        """Start claiming and handling stored updates (and pruning old ones)."""
        if workers is not None:
            self._workers = workers
        self._application = application
        self._stopping.clear()
        self._tasks = [asyncio.create_task(self._claim_loop(), name="notch-inbox-claim"),
                       asyncio.create_task(self._prune_loop(), name="notch-inbox-prune")]

    async def drain(self, timeout: float) -> None:  # noqa: ASYNC109
        """Stop claiming, let the updates in hand finish, and give up on them at `timeout`
        (their leases run out and another process, or the next start, handles them)."""
        self._stopping.set()
        self._wake.set()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        in_hand = list(self._in_hand.values())
        if in_hand:
            _, late = await asyncio.wait(in_hand, timeout=timeout)
            for task in late:
                task.cancel()
            if late:
                log.warning("stopped with %d updates still in hand: their leases will lapse "
                            "and they are handled again", len(late))
                await asyncio.gather(*late, return_exceptions=True)
        if self._commits is not None:
            await self._commits.idle()
        if self._writer is not None:
            await asyncio.gather(self._writer, return_exceptions=True)

    def owns(self, update_id: int) -> bool:
        return update_id in self._in_hand

    def failed(self, update_id: int, error: BaseException) -> None:
        """The error handler's report: this update's handler raised."""
        self._failed[update_id] = error

    def marked(self, update_id: int) -> None:
        """The handler's unit of work committed the update as handled with its effect."""
        self._marked.add(update_id)

    async def _claim_loop(self) -> None:
        while not self._stopping.is_set():
            free = self._workers - len(self._in_hand)
            if free > 0:
                self._wake.clear()
                try:
                    await self._write(claim=True)
                except Exception:
                    log.exception("claiming updates failed; trying again in a second")
                    await asyncio.sleep(1)
                    continue
                if self._wake.is_set():
                    continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.idle_poll)

    def _take(self, claimed: Sequence[Claimed]) -> None:
        for item in claimed:
            self._in_hand[item.update_id] = asyncio.create_task(
                self._handle(item), name=f"notch-update-{item.update_id}")

    @property
    def _claiming(self) -> bool:
        return bool(self._tasks) and not self._stopping.is_set()

    async def _handle(self, item: Claimed) -> None:
        try:
            await self._process(item)
        except Exception:
            log.exception("update %s: the inbox could not finish it; its lease will lapse and "
                          "it is tried again", item.update_id)
        finally:
            self._in_hand.pop(item.update_id, None)
            self._failed.pop(item.update_id, None)
            self._marked.discard(item.update_id)
            if self._waiting():
                self._wake.set()

    def _waiting(self) -> set[int]:
        """Updates this process stored that no worker here holds (they may wait behind their
        chat's earlier update, or be in another process's hands)."""
        return self._unfinished - self._in_hand.keys()

    async def _process(self, item: Claimed) -> None:
        application = self._application
        assert application is not None
        try:
            update = Update.de_json(item.payload, application.bot)
        except Exception as unreadable:
            log.error("update %s cannot be read, set aside: %s: %s", item.update_id,
                      type(unreadable).__name__, unreadable)
            await self.commits.run(partial(set_aside, update_id=item.update_id,
                                           error=_describe(unreadable), now=wall_clock()))
            self._unfinished.discard(item.update_id)
            await self._apologise(item)
            return
        sender = update.effective_user
        # PTB runs the handlers in this task: every sentence they render is in this language.
        with use_locale(locale_of(item.locale, sender.language_code if sender else None)):
            await application.process_update(update)
        error = self._failed.pop(item.update_id, None)
        if error is None:
            await self._finished(item.update_id)
            return
        status = await self.commits.run(lambda session: record_failure(
            session, item.update_id, _describe(error), wall_clock()))
        if status is InboxStatus.SET_ASIDE:
            log.error("update %s failed %d times, set aside", item.update_id,
                      item.failures + 1, exc_info=error)
            self._unfinished.discard(item.update_id)
            await self._apologise(item, update)
        elif status is InboxStatus.PENDING:
            log.info("update %s failed (try %d), trying again: %s: %s", item.update_id,
                        item.failures + 1, type(error).__name__, error)
            asyncio.get_running_loop().call_later(
                RETRY_AFTER.total_seconds() + 0.05, self._wake.set)
        else:  # its effect committed before the failure: done, never run twice; the reply
            # may be what failed, so the person still hears that something went wrong
            log.error("update %s failed after its effect was saved; not run again",
                      item.update_id, exc_info=error)
            self._unfinished.discard(item.update_id)
            await self._apologise(item, update)

    async def _finished(self, update_id: int) -> None:
        """Mark a handled update (unless its handler's unit of work did), and claim the next
        updates in the same transaction when some are known to wait (say, this chat's next)."""
        self._unfinished.discard(update_id)
        # Marked already by the handler or not, the lease it kept is released here: only now
        # may the chat's next update be handled.
        await self._write(marks=[update_id])

    async def _apologise(self, item: Claimed, update: Update | None = None) -> None:
        """Say the update was set aside, in the sender's language (their choice, read with the
        claim; else their Telegram app's, when the update could be read)."""
        if item.chat_id is None or self._application is None:
            return
        sender = update.effective_user if update is not None else None
        try:
            with use_locale(locale_of(item.locale, sender.language_code if sender else None)):
                apology = _(texts.UPDATE_SET_ASIDE)
            await self._application.bot.send_message(item.chat_id, apology)
        except Exception:
            log.warning("could not tell chat %s that its update failed", item.chat_id,
                        exc_info=True)

    async def _prune_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                gone = await self.commits.run(lambda session: prune(session, wall_clock()))
                if gone:
                    log.info("inbox: pruned %d old rows", gone)
            except Exception:
                log.exception("pruning the inbox failed; trying again later")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), PRUNE_EVERY)

    # ------------------------------------------------------------------ polling

    async def poll(self, application: Application[Any, Any, Any, Any, Any, Any],
                   *, timeout: int = 10) -> None:  # noqa: ASYNC109 (the long poll's own)
        """Long-poll `getUpdates` into the inbox until `drain`: each batch is stored before the
        next call's offset confirms it to Telegram, so an update is never dropped between the
        two. A batch that cannot be stored is fetched again (the offset did not move)."""
        bot = application.bot
        offset: int | None = None
        failures = 0
        while not self._stopping.is_set():
            try:
                with warnings.catch_warnings():
                    # The raw JSON, through `do_api_request`: one unreadable update must not make
                    # the whole batch unreadable, as `Bot.get_updates` would. PTB warns that a
                    # method of its own exists, which is the point here.
                    warnings.filterwarnings("ignore", category=PTBUserWarning,
                                            message=r"Please use 'Bot\.getUpdates'")
                    batch = await bot.do_api_request(
                        "getUpdates",
                        api_kwargs={"offset": offset, "timeout": timeout,
                                    "allowed_updates": list(Update.ALL_TYPES)},
                        read_timeout=timeout + 10,
                    )
                await self.accept([p for p in batch if isinstance(p, Mapping)])
            except TimedOut:
                continue
            except InvalidToken:
                raise
            except Conflict as error:
                log.warning("getUpdates conflicts (%s): another poller or a webhook is using "
                            "this token", error)
                await self._pause(5.0)
                continue
            except (NetworkError, Exception) as error:
                failures += 1
                log.warning("fetching or storing updates failed (%s: %s); trying again",
                            type(error).__name__, error)
                await self._pause(min(30.0, 0.5 * 2 ** min(failures, 6)))
                continue
            failures = 0
            ids = [p["update_id"] for p in batch
                   if isinstance(p, Mapping) and isinstance(p.get("update_id"), int)]
            if ids:
                offset = max(ids) + 1

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)


def _describe(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))[-4000:]
