"""/progress: the chart as a photo, with a caption that states the numbers.

The chart is drawn off the event loop (``asyncio.to_thread``): a year of history takes a few
hundred milliseconds of CPU, and other users' updates must not wait for it. The band the
calibrator aimed at is recomputed from the same history it planned from (the amounts where its
predicted P(done) is 0.9 and 0.7 on each day), so the chart shows what was really expected.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Sequence
from datetime import date
from typing import Final

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.charts import BandPoint, ProgressData, render_progress
from bot.context import NotchContext
from bot.daily import amount_text
from bot.handlers.base import Group, Handlers
from bot.i18n import _
from bot.texts import progress as t
from bot.texts.format import format_day, unit_name
from core import calibration
from core.clock import local_day
from core.evidence import ATTEMPTED, progress_summary, week_start
from storage.challenges import core_goal
from storage.progress import ProgressFacts, progress_facts

log = logging.getLogger(__name__)

BAND_P: Final = (0.9, 0.7)  # the band's edges: comfortable and the far end of "with effort"
MAX_BAND_POINTS: Final = 120  # a year daily would replay the history 365 times; weekly is enough
CAPTION_MAX: Final = 1024  # Telegram's caption limit


def amount_at(belief: calibration.Belief, p: float) -> float:
    """The amount at which the calibrator's P(done) equals ``p`` (P falls as the amount grows)."""
    lo, hi = belief.mean - 8.0, belief.mean + 8.0  # log units: far past any plausible amount
    for _attempt in range(60):
        mid = (lo + hi) / 2
        if belief.p_done(math.exp(mid)) > p:
            lo = mid
        else:
            hi = mid
    return math.exp((lo + hi) / 2)


def band(goal: calibration.Goal, attempts: Sequence[calibration.Attempt],
         days: Sequence[date], priors: calibration.Priors | None = None) -> list[BandPoint]:
    """The calibrator's aim on (up to MAX_BAND_POINTS of) ``days``, from the history before each,
    under the settings planning uses (``priors``; None: the built-in ones)."""
    chosen = sorted(set(days))
    if len(chosen) > MAX_BAND_POINTS:
        picked = chosen[::math.ceil(len(chosen) / MAX_BAND_POINTS)]
        if picked[-1] != chosen[-1]:
            picked.append(chosen[-1])  # the latest day always shows the current aim
        chosen = picked
    ordered = sorted(attempts, key=lambda a: a.day)
    aims = calibration.beliefs(goal, ordered, chosen, priors)
    return [BandPoint(day, amount_at(belief, BAND_P[0]), amount_at(belief, BAND_P[1]))
            for day, belief in zip(chosen, aims, strict=True)]


def chart_data(facts: ProgressFacts) -> ProgressData:
    goal = facts.goal
    return ProgressData(
        unit=unit_name(goal.unit),
        entries=facts.entries,
        band=band(core_goal(goal), facts.attempts, [e.day for e in facts.entries], facts.priors),
        ladder=[(row.rated_at.date(), row.strength) for row in facts.ladder],
        baseline=goal.baseline,
        target=goal.target,
        labels=t.chart_labels(),
    )


def draw(facts: ProgressFacts) -> bytes:
    """Band and picture: all the CPU work, for a worker thread."""
    return render_progress(chart_data(facts))


def caption(facts: ProgressFacts, today: date) -> str:
    goal = facts.goal
    since = week_start(today)
    summary = progress_summary(facts.entries, baseline=goal.baseline, since=since, today=today)
    attempts = sum(1 for e in facts.entries if e.status in ATTEMPTED)
    first = facts.ladder[0].strength if facts.ladder else None
    now = facts.ladder[-1].strength if facts.ladder else None
    text = t.caption(
        behaviour=goal.behaviour, week_n=summary.successes_this_week,
        since=format_day(since), total=summary.successes_total,
        attempts=attempts, current=amount_text(goal, summary.current_level),
        start=amount_text(goal, summary.start_level), level_change=summary.level_change,
        longest=summary.longest_streak, current_run=summary.current_streak,
        strength_now=now, strength_first=first, ladders=len(facts.ladder),
    )
    return text[:CAPTION_MAX]


async def show_progress(update: Update, context: NotchContext) -> None:
    opened, message = await context.require_goal(), update.effective_message
    if opened is None or opened.user is None or opened.user.id is None or message is None:
        return
    user = opened.user
    async with context.db() as session:
        facts = await progress_facts(session, opened.user.id)
    if facts is None:  # the goal went between the two reads
        return
    if not facts.entries:
        await message.reply_text(_(t.NOTHING_YET))
        return
    today = local_day(context.now, user.timezone)
    try:
        png = await asyncio.to_thread(draw, facts)
    except Exception:  # a drawing bug must not leave the user without an answer
        log.exception("could not render the progress chart")
        await message.reply_text(_(t.FAILED))
        return
    await context.bot.send_photo(message.chat_id, photo=png, caption=caption(facts, today))


def handlers() -> Handlers:
    private = filters.ChatType.PRIVATE
    return [(Group.COMMANDS, CommandHandler("progress", show_progress, filters=private))]
