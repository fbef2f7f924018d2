"""/evidence: the mastery log read back as dated, specific sentences (facts from core.evidence)."""

from __future__ import annotations

from datetime import date
from typing import Final

from bot.texts.checkin import EFFORT_WORDS
from core.evidence import MasteryLine

EMPTY: Final = (
    "Nothing in your log yet, and that's only because no challenge has been done so far. "
    "The day you tap Done, it lands here: the date, the amount, how hard it felt and, if you "
    "like, what made it work. Send /today to see today's challenge."
)
TITLE: Final = "Your evidence for {behaviour}: {total} in all since {first}, starting from {start}."
LATEST_TITLE: Final = "Latest:"
HARDEST_TITLE: Final = "Hardest-won:"
FOOTER: Final = "Each line is something you did. /progress shows it as a chart."

# Pieces of one line.
LINE: Final = "- {day}: {amount}"
EFFORT: Final = ", {effort}"
BEST: Final = ", your best so far"
STRETCH: Final = ", {percent} % past your level then"
BEAT_DOUBT: Final = ", though you were {confidence} % sure"
REFLECTION: Final = " — \"{words}\""



def format_day(day: date) -> str:
    """"Tue 3 Mar 2026": a log spans years, so the year is part of it."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def mastery_line(line: MasteryLine, amount: str) -> str:
    """One success as a sentence; ``amount`` already formatted with its unit."""
    text = LINE.format(day=format_day(line.day), amount=amount)
    if line.effort is not None and line.effort in EFFORT_WORDS:
        text += EFFORT.format(effort=EFFORT_WORDS[line.effort])
    if line.personal_best:
        text += BEST
    elif line.stretch > 1.0005:
        text += STRETCH.format(percent=round(100 * (line.stretch - 1)))
    if line.beat_doubt:
        text += BEAT_DOUBT.format(confidence=line.confidence)
    if line.reflection:
        text += REFLECTION.format(words=line.reflection)
    return text


def title(behaviour: str, total: int, first: date, start: str) -> str:
    successes = "1 success" if total == 1 else f"{total} successes"
    return TITLE.format(behaviour=behaviour, total=successes, first=format_day(first), start=start)
