"""/progress: the chart's words and the caption that states the numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bot.texts.format import plural


@dataclass(frozen=True)
class ChartLabels:
    """Every word drawn on the progress chart (axis titles and legend entries)."""

    amount: str = "amount"
    done: str = "done"
    failed: str = "not done"
    missed: str = "no answer"
    skipped: str = "skipped"
    band: str = "aimed band"
    start: str = "start"
    target: str = "target"
    confidence: str = "confidence %"
    success_rate: str = "success rate %"
    strength: str = "efficacy strength"


LABELS: Final = ChartLabels()

CAPTION_TITLE: Final = "Your progress in {behaviour}"
THIS_WEEK: Final = "This week: {n} done (since {since})."
IN_ALL: Final = "In all: {n} done out of {attempts}."
LEVEL: Final = "Level now: {current}, from {start} at the start ({change})."
LONGEST: Final = "Longest run of successes: {n} (current run: {current})."
STRENGTH: Final = (
    "Efficacy strength: {now} of 100, from {first} at your first ladder ({change})."
)
STRENGTH_ONE: Final = "Efficacy strength: {now} of 100 (one ladder so far)."
STRENGTH_NONE: Final = "Efficacy strength: not rated yet; the weekly review asks."
NOTHING_YET: Final = (
    "No answered challenges yet, so the chart would be empty. Once you've answered a few "
    "days, /progress draws them. Send /today to see today's challenge."
)
FAILED: Final = "I couldn't draw the chart just now. Your data is safe; please try again later."


def signed(value: float, suffix: str = "") -> str:
    """+40 %, -5, ±0: the sign always shown, so a change reads as a change."""
    rounded = round(value)
    if rounded == 0:
        return f"±0{suffix}"
    return f"{rounded:+d}{suffix}"


def caption(
    *, behaviour: str, week_n: int, since: str, total: int, attempts: int, current: str,
    start: str, level_change: float, longest: int, current_run: int,
    strength_now: float | None, strength_first: float | None, ladders: int,
) -> str:
    lines = [
        CAPTION_TITLE.format(behaviour=behaviour),
        THIS_WEEK.format(n=week_n, since=since),
        IN_ALL.format(n=total, attempts=plural(attempts, "attempt", "attempts")),
        LEVEL.format(current=current, start=start, change=signed(100 * level_change, " %")),
        LONGEST.format(n=longest, current=current_run),
    ]
    if strength_now is None or strength_first is None:
        lines.append(STRENGTH_NONE)
    elif ladders == 1:
        lines.append(STRENGTH_ONE.format(now=round(strength_now)))
    else:
        lines.append(STRENGTH.format(now=round(strength_now), first=round(strength_first),
                                     change=signed(strength_now - strength_first)))
    return "\n".join(lines)
