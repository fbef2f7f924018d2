"""/evidence: the mastery log read back as dated, specific sentences (facts from core.evidence)."""

from __future__ import annotations

from datetime import date
from typing import Final

from bot.i18n import N_, _
from bot.texts.checkin import EFFORT_WORDS
from bot.texts.format import behaviour_name, format_day, percent, plural
from core.evidence import MasteryLine

EMPTY: Final = N_(
    "Nothing in your log yet, and that's only because no challenge has been done so far. "
    "The day you tap Done, it lands here: the date, the amount, how hard it felt and, if you "
    "like, what made it work. Send /today to see today's challenge."
)
TITLE: Final = N_(
    "Your evidence for {behaviour}: {total} in all since {first}, starting from {start}."
)
LATEST_TITLE: Final = N_("Latest:")
ITEM: Final = N_("- {line}")
HARDEST_TITLE: Final = N_("Hardest-won:")
FOOTER: Final = N_("Each line is something you did. /progress shows it as a chart.")

# Pieces of one line (the one way a success is told: /evidence, the replay, the review).
LINE: Final = N_("{day}: {amount}")
EFFORT: Final = N_(", {effort}")
BEST: Final = N_(", your best so far")
STRETCH: Final = N_(", {percent} past your level then")
BEAT_DOUBT: Final = N_(", though you were {confidence} sure")
REFLECTION: Final = N_(" — \"{words}\"")


def mastery_line(line: MasteryLine, amount: str) -> str:
    """One success as a sentence; ``amount`` already formatted with its unit. The date has its
    year: a log spans years."""
    text = _(LINE).format(day=format_day(line.day, year=True), amount=amount)
    if line.effort is not None and line.effort in EFFORT_WORDS:
        text += _(EFFORT).format(effort=_(EFFORT_WORDS[line.effort]))
    if line.personal_best:
        text += _(BEST)
    elif line.stretch > 1.0005:
        text += _(STRETCH).format(percent=percent(100 * (line.stretch - 1)))
    if line.beat_doubt and line.confidence is not None:
        text += _(BEAT_DOUBT).format(confidence=percent(line.confidence))
    if line.reflection:
        text += _(REFLECTION).format(words=line.reflection)
    return text


def title(behaviour: str, total: int, first: date, start: str) -> str:
    return _(TITLE).format(behaviour=behaviour_name(behaviour),
                           total=plural(total, "{n} success", "{n} successes"),
                           first=format_day(first, year=True), start=start)
