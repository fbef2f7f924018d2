"""/evidence: the mastery log read back as dated, specific sentences (facts from core.evidence)."""

from __future__ import annotations

from datetime import date
from typing import Final

from bot.texts.checkin import EFFORT_WORDS
from bot.texts.format import format_day, plural
from core.evidence import MasteryLine

EMPTY: Final = (
    "Nothing in your log yet, and that's only because no challenge has been done so far. "
    "The day you tap Done, it lands here: the date, the amount, how hard it felt and, if you "
    "like, what made it work. Send /today to see today's challenge."
)
TITLE: Final = "Your evidence for {behaviour}: {total} in all since {first}, starting from {start}."
LATEST_TITLE: Final = "Latest:"
ITEM: Final = "- {line}"
HARDEST_TITLE: Final = "Hardest-won:"
FOOTER: Final = "Each line is something you did. /progress shows it as a chart."

# Pieces of one line (the one way a success is told: /evidence, the replay, the review).
LINE: Final = "{day}: {amount}"
EFFORT: Final = ", {effort}"
BEST: Final = ", your best so far"
STRETCH: Final = ", {percent} % past your level then"
BEAT_DOUBT: Final = ", though you were {confidence} % sure"
REFLECTION: Final = " — \"{words}\""


def mastery_line(line: MasteryLine, amount: str) -> str:
    """One success as a sentence; ``amount`` already formatted with its unit. The date has its
    year: a log spans years."""
    text = LINE.format(day=format_day(line.day, year=True), amount=amount)
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
    return TITLE.format(behaviour=behaviour, total=plural(total, "success", "successes"),
                        first=format_day(first, year=True), start=start)
