"""The efficacy ladder: five graded amounts, each rated 0-100 in one message with buttons.

Bandura's scale format (2006): confidence for graded levels of the task. Asked at the end of
onboarding and in every weekly review. The ratings in progress live in the message itself: every
button's callback data carries the goal, the level the ladder was built from and the ratings so
far (`lad:<goal>:<current>:<state>:<row>:<value>`, ≤ 64 bytes), so a restart or a second worker
continues the same ladder and nothing is held in memory or competes with another topic's open
question. When the last row is rated the ladder is saved once (a press on a ladder already saved
changes nothing) and the message shows strength, level and the change since the previous rating.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Final

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, ContextTypes

from bot.daily import amount_text
from bot.handlers.base import Handlers
from bot.services import Services, services
from bot.texts import efficacy as texts
from core.efficacy import UI_RATINGS, LadderRating, change, ladder_levels
from core.evidence import current_level
from storage.challenges import evidence_entries
from storage.db import Session
from storage.efficacy import latest_ladder_rating, save_ladder_rating, to_rating
from storage.goals import active_goal
from storage.models import Goal, User
from storage.users import user_with_goal

log = logging.getLogger(__name__)

CALLBACK: Final = re.compile(
    r"^lad:(\d{1,18}):(\d{1,9}(?:\.\d{1,6})?):([-0-5]{1,5}):(\d):([0-5])$"
)
LABEL: Final = "lad:-"  # the amount button at the start of each row: only a label
UNRATED: Final = "-"


def number(value: float) -> str:
    """A level as it travels in callback data: 12.0 → "12", 2.5 → "2.5"."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def levels_for(goal: Goal, current: float) -> list[float]:
    return ladder_levels(current, goal.target, goal.step, baseline=goal.baseline)


def keyboard(goal: Goal, current: float, state: str) -> InlineKeyboardMarkup:
    """A row per level: its amount, then 0 … 100 with the chosen value ticked (≤ 35 buttons)."""
    assert goal.id is not None
    rows = []
    for row, level in enumerate(levels_for(goal, current)):
        chosen = None if state[row] == UNRATED else UI_RATINGS[int(state[row])]
        rows.append([
            InlineKeyboardButton(amount_text(goal, level), callback_data=LABEL),
            *(InlineKeyboardButton(
                texts.confidence_label(value, value == chosen),
                callback_data=f"lad:{goal.id}:{number(current)}:{state}:{row}:{index}")
              for index, value in enumerate(UI_RATINGS)),
        ])
    return InlineKeyboardMarkup(rows)


async def fresh_ladder(session: Session, goal: Goal) -> InlineKeyboardMarkup:
    """An unrated ladder from the goal's current level (the best of the latest successes)."""
    assert goal.id is not None
    entries = await evidence_entries(session, goal.id)
    current = current_level(entries, baseline=goal.baseline)
    return keyboard(goal, current, UNRATED * len(levels_for(goal, current)))


async def send_ladder(services_: Services, bot: Bot, user: User) -> None:
    """The ladder for the user's active goal as its own message (end of onboarding)."""
    assert user.id is not None
    async with services_.session() as session:
        goal = await active_goal(session, user.id)
        if goal is None:
            return
        markup = await fresh_ladder(session, goal)
    await bot.send_message(user.chat_id, texts.LADDER_INTRO, reply_markup=markup)


def summary(rating: LadderRating, previous: LadderRating | None) -> str:
    lines = [texts.ladder_done(rating.strength, rating.level, len(rating.levels))]
    if previous is None:
        lines.append(texts.LADDER_FIRST)
    else:
        moved = change(previous, rating)
        lines.append(texts.ladder_change(moved.strength_before, moved.strength_after,
                                         moved.level_before, moved.level_after,
                                         moved.same_ladder))
    return "\n".join(lines)


async def _edit(message: Message, text: str | None, markup: InlineKeyboardMarkup | None) -> None:
    try:
        if text is None:
            await message.edit_reply_markup(reply_markup=markup)
        else:
            await message.edit_text(text, reply_markup=markup)
    except BadRequest as exc:  # not modified (a repeated tap), or too old to edit
        log.info("ladder message %s not edited: %s", message.message_id, exc)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, presser = update.callback_query, update.effective_user
    if query is None or presser is None:
        return
    await query.answer()  # first: the client spins until the query is answered
    match = CALLBACK.match(query.data or "")
    message = query.message if isinstance(query.message, Message) else None
    if match is None or message is None:
        raise ApplicationHandlerStop  # the amount label, or garbage: nothing to do
    goal_id, current, state = int(match[1]), float(match[2]), match[3]
    row, index = int(match[4]), int(match[5])
    found = services(context)
    async with found.session() as session:
        _, goal = await user_with_goal(session, presser.id)
        levels = [] if goal is None else levels_for(goal, current)
        if (goal is None or goal.id != goal_id or len(levels) != len(state)
                or row >= len(levels)):
            await context.bot.send_message(message.chat_id, texts.LADDER_STALE)
            raise ApplicationHandlerStop
        state = state[:row] + str(index) + state[row + 1:]
        if UNRATED in state:
            await _edit(message, None, keyboard(goal, current, state))
            raise ApplicationHandlerStop
        text = await _complete(session, found, goal, levels, state, message)
        await session.commit()
    if text is None:
        await context.bot.send_message(message.chat_id, texts.LADDER_ALREADY)
    else:
        await _edit(message, text, None)
    raise ApplicationHandlerStop


async def _complete(session: Session, found: Services, goal: Goal, levels: Sequence[float],
                    state: str, message: Message) -> str | None:
    """Save the finished ladder (once per message) and say what it shows; None if saved before."""
    assert goal.id is not None
    rating = LadderRating(tuple(levels), tuple(UI_RATINGS[int(c)] for c in state))
    previous_row = await latest_ladder_rating(session, goal.id)
    if previous_row is not None and previous_row.rated_at >= message.date:
        return None  # this message's ladder (or a later one) is already saved
    await save_ladder_rating(session, user_id=goal.user_id, goal_id=goal.id, rating=rating,
                             rated_at=found.clock())
    previous = None if previous_row is None else to_rating(previous_row)
    return f"{message.text or ''}\n\n{summary(rating, previous)}".strip()


def handlers() -> Handlers:
    return [(2, CallbackQueryHandler(on_button, pattern=r"^lad:"))]
