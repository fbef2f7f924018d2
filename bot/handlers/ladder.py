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
from collections.abc import Sequence
from typing import Final

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler

from bot import callbacks as cb
from bot.context import NotchContext
from bot.daily import amount_text
from bot.handlers.base import Group, Handlers
from bot.i18n import _
from bot.services import Services
from bot.texts import efficacy as texts
from core.efficacy import UI_RATINGS, LadderRating, change, ladder_levels
from core.evidence import current_level
from storage.challenges import evidence_entries
from storage.db import Session
from storage.efficacy import latest_ladder_rating, save_ladder_rating, to_rating
from storage.goals import active_goal
from storage.models import Goal, User

log = logging.getLogger(__name__)

UNRATED: Final = "-"


def levels_for(goal: Goal, current: float) -> list[float]:
    return ladder_levels(current, goal.target, goal.step, baseline=goal.baseline)


def keyboard(goal: Goal, current: float, state: str) -> InlineKeyboardMarkup:
    """Two rows per level, laid out for a 360-pixel-wide phone: the amount alone (full width, so
    "12.5 minutes" is never cut), then 0 … 100 with the chosen value ticked (≤ 35 buttons).

    Keyboard row 2 * level is the label, 2 * level + 1 its ratings; the callback data (and the
    level it names) is the same as when the amount shared the ratings' row."""
    assert goal.id is not None
    rows = []
    for row, level in enumerate(levels_for(goal, current)):
        chosen = None if state[row] == UNRATED else UI_RATINGS[int(state[row])]
        rows.append([InlineKeyboardButton(amount_text(goal, level),
                                          callback_data=cb.Ladder.LABEL)])
        rows.append([InlineKeyboardButton(
            texts.confidence_label(value, value == chosen),
            callback_data=cb.Ladder(goal.id, current, state, row, index).pack())
            for index, value in enumerate(UI_RATINGS)])
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
    await bot.send_message(user.chat_id, _(texts.LADDER_INTRO), reply_markup=markup)


def summary(rating: LadderRating, previous: LadderRating | None) -> str:
    lines = [texts.ladder_done(rating.strength, rating.level, len(rating.levels))]
    if previous is None:
        lines.append(_(texts.LADDER_FIRST))
    else:
        moved = change(previous, rating)
        lines.append(texts.ladder_change(moved.strength_before, moved.strength_after,
                                         moved.level_before, moved.level_after,
                                         moved.same_ladder))
    return "\n".join(lines)


async def on_button(update: Update, context: NotchContext) -> None:
    pressed, message = await context.press(update)
    if not isinstance(pressed, cb.Ladder) or message is None:
        return  # the amount label, or garbage: nothing to do
    current, state, row = pressed.current, pressed.state, pressed.row
    opened = await context.open_state()
    goal = opened.goal
    levels = [] if goal is None else levels_for(goal, current)
    if (goal is None or goal.id != pressed.goal_id or len(levels) != len(state)
            or row >= len(levels)):
        await context.bot.send_message(context.chat, _(texts.LADDER_STALE))
        return
    state = state[:row] + str(pressed.index) + state[row + 1:]
    if UNRATED in state:
        await context.edit_or_send(message, None, keyboard(goal, current, state))
        return
    async with context.db() as session:
        text = await _complete(session, context, goal, levels, state, message)
    if text is None:
        await context.bot.send_message(context.chat, _(texts.LADDER_ALREADY))
    else:
        await context.edit_or_send(message, text, None)


async def _complete(session: Session, context: NotchContext, goal: Goal,
                    levels: Sequence[float], state: str, message: Message) -> str | None:
    """Save the finished ladder (once per message) and say what it shows; None if saved before."""
    assert goal.id is not None
    rating = LadderRating(tuple(levels), tuple(UI_RATINGS[int(c)] for c in state))
    previous_row = await latest_ladder_rating(session, goal.id)
    if previous_row is not None and previous_row.rated_at >= message.date:
        return None  # this message's ladder (or a later one) is already saved
    await save_ladder_rating(session, user_id=goal.user_id, goal_id=goal.id, rating=rating,
                             rated_at=context.now)
    previous = None if previous_row is None else to_rating(previous_row)
    return f"{message.text or ''}\n\n{summary(rating, previous)}".strip()


def handlers() -> Handlers:
    return [(Group.COMMANDS, CallbackQueryHandler(on_button, pattern=r"^lad:"))]
