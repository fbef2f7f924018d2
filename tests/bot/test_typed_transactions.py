"""What a typed message costs the database: at most 2 transactions before it is answered.

SQLAlchemy's own events count every transaction begun and every statement executed on the
bot's engine; the emulator's call log says when the bot first answered (a message sent, edited
or reacted to). One transaction loads the open state the router decides on, one more carries the
decision out. The update inbox's own transactions are counted apart (a transaction whose every
statement is on `update_inbox`, or is the claim's read of the chat's language): one stores and
claims the update before any handler runs (required: nothing is acknowledged unstored), and at
most one marks it handled afterwards, when the handler wrote nothing. Run with `-s` to see the
figures per message.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import event

from bot.app import inbox_of
from bot.services import Services
from bot.texts import checkin as c
from bot.texts import onboarding as to
from bot.texts import settings as s
from sandbox.emulator import EmulatedUser
from sandbox.emulator.user import NoMessageError
from tests.support.journeys import onboard, start_over
from tests.support.notch import Notch

ANSWERS = frozenset({"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendPhoto",
                     "setMessageReaction", "sendDocument"})
MAX_TRANSACTIONS = 2


@dataclass
class Cost:
    """Transactions and statements, before the first answer and in all."""

    events: list[tuple[str, int]] = field(default_factory=list)  # (kind, API calls so far)
    start_calls: int = 0
    transactions: list[list[str]] = field(default_factory=list)  # each one's statements
    opened: list[int] = field(default_factory=list)  # the index in `events` of each begin

    def count(self, kind: str, *, before: int | None = None, inbox: bool = False) -> int:
        """Events of `kind`, those of the inbox's own transactions (`inbox`) or the others."""
        inbox_events = self._inbox_events()
        return sum(1 for i, (k, calls) in enumerate(self.events)
                   if k == kind and (before is None or calls < before)
                   and (i in inbox_events) == inbox)

    def _inbox_events(self) -> set[int]:
        found: set[int] = set()
        for number, statements in enumerate(self.transactions):
            if statements and all(_inbox_statement(sql) for sql in statements):
                start = self.opened[number]
                end = self.opened[number + 1] if number + 1 < len(self.opened) else None
                found.add(start)
                found.update(i for i in range(start + 1, end or len(self.events))
                             if self._owner[i] == number)
        return found

    _owner: dict[int, int] = field(default_factory=dict)  # event index -> transaction number


def _inbox_statement(sql: str) -> bool:
    """The inbox's own work: its table, and the claim's look-up of each chat's language."""
    return "update_inbox" in sql or sql.startswith("SELECT users.telegram_user_id, users.locale")


@contextmanager
def counting(notch: Notch) -> Iterator[Cost]:
    found = notch.application.bot_data["services"]
    assert isinstance(found, Services) and found.engine is not None
    engine, calls, cost = found.engine.sync_engine, notch.emulator.calls, Cost()

    current: dict[int, int] = {}  # connection -> its transaction's number

    def on_begin(connection: Any) -> None:
        current[id(connection)] = len(cost.transactions)
        cost.opened.append(len(cost.events))
        cost._owner[len(cost.events)] = len(cost.transactions)
        cost.transactions.append([])
        cost.events.append(("transaction", len(calls)))

    def on_statement(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        number = current.get(id(connection))
        if number is not None:
            cost.transactions[number].append(statement)
            cost._owner[len(cost.events)] = number
        cost.events.append(("statement", len(calls)))

    cost.start_calls = len(calls)
    event.listen(engine, "begin", on_begin)
    event.listen(engine, "before_cursor_execute", on_statement)
    try:
        yield cost
    finally:
        event.remove(engine, "begin", on_begin)
        event.remove(engine, "before_cursor_execute", on_statement)


FIGURES: dict[str, tuple[int, int, int, int]] = {}


async def _typed(notch: Notch, ada: EmulatedUser, text: str, label: str) -> Cost:
    """Send `text`, wait until the bot is quiet; the cost, with the first answer's position."""
    await notch.emulator.settle()
    with counting(notch) as cost:
        await ada.send_text(text)
        await ada.next_message()
        await notch.emulator.settle()
    await _read_all(ada)
    answered = next(i for i in range(cost.start_calls, len(notch.emulator.calls))
                    if notch.emulator.calls[i][0] in ANSWERS)
    before_tx, before_st = (cost.count("transaction", before=answered + 1),
                            cost.count("statement", before=answered + 1))
    FIGURES[label] = (before_tx, before_st, cost.count("transaction"), cost.count("statement"))
    inbox = (cost.count("transaction", before=answered + 1, inbox=True),
             cost.count("transaction", inbox=True))
    print(f"{label:<44} before the answer: {before_tx} tx {before_st:>2} statements; "
          f"in all: {FIGURES[label][2]} tx {FIGURES[label][3]:>2} statements; "
          f"inbox: {inbox[0]} tx before, {inbox[1]} in all")
    assert before_tx <= MAX_TRANSACTIONS, (label, cost.transactions)
    assert inbox == (1, 2) or inbox == (1, 1), (label, cost.transactions)
    return cost


async def _read_all(ada: EmulatedUser) -> None:
    """Mark every message so far read, so the next `next_message` is the next answer."""
    while True:
        try:
            await ada.next_message(timeout=0.01)
        except NoMessageError:
            return


async def _onboarded(notch: Notch) -> EmulatedUser:
    """Onboarded with today's challenge sent and waiting; the tick paused, so only the typed
    message touches the database while it is counted."""
    assert notch.application.job_queue is not None
    notch.application.job_queue.scheduler.pause()
    inbox_of(notch.application).idle_poll = 3600  # no look for other processes' updates
    ada = notch.user()
    await onboard(notch, ada, behaviour="push-ups", baseline="12", first="now")
    assert c.DONE_BUTTON in (await ada.next_message()).buttons
    return ada


@pytest.mark.parametrize("bot_database_url", ["sqlite", "postgres"], indirect=True)
async def test_every_kind_of_typed_message_costs_at_most_two_transactions(notch: Notch) -> None:
    ada = await _onboarded(notch)
    await _typed(notch, ada, "hello there", "free text")
    await _typed(notch, ada, "3", "a number nobody asked for")
    await _typed(notch, ada, "x" * 1200, "very long text")
    await _typed(notch, ada, "I can't do this", "doubt in words")
    await _typed(notch, ada, "done", "done for today's challenge")
    await _typed(notch, ada, "hard", "effort in words")
    await _typed(notch, ada, "slept early", "what made it work")
    await _typed(notch, ada, "done", "done with nothing open")
    # a /settings question, and a check-in typed in its place
    await ada.send_text("/settings")
    menu = await ada.next_message()
    await (await ada.press(s.TIME_BUTTON, menu)).answered()
    assert (await ada.next_message()).text == to.ASK_TIME
    await _typed(notch, ada, "18:15", "the answer to a settings question")


async def test_a_failure_and_how_much_was_done(notch: Notch) -> None:
    ada = await _onboarded(notch)
    await _typed(notch, ada, "failed", "failed for today's challenge")
    await (await ada.press(c.REASON_BUTTONS["too_hard"])).answered()
    await notch.emulator.settle()
    await _read_all(ada)
    await _typed(notch, ada, "7", "how much was done")


async def test_a_check_in_during_a_setup_started_over(notch: Notch) -> None:
    ada = await _onboarded(notch)
    await start_over(ada)
    await _typed(notch, ada, "done", "done during a setup started over")
    await _typed(notch, ada, "Juggling", "a setup answer")
