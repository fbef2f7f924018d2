"""/progress: the chart's words and the caption that states the numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bot.i18n import N_, _
from bot.texts.format import behaviour_name, format_number, percent, plural


@dataclass(frozen=True)
class ChartLabels:
    """Every word drawn on the progress chart (axis titles and legend entries)."""

    amount: str = N_("amount")
    done: str = N_("done")
    failed: str = N_("not done")
    missed: str = N_("no answer")
    skipped: str = N_("skipped")
    band: str = N_("aimed band")
    start: str = N_("start")
    target: str = N_("target")
    confidence: str = N_("confidence %")
    success_rate: str = N_("success rate %")
    strength: str = N_("efficacy strength")


LABELS: Final = ChartLabels()


def chart_labels() -> ChartLabels:
    """The chart's words in the current language."""
    return ChartLabels(**{name: _(value) for name, value in vars(LABELS).items()})

CAPTION_TITLE: Final = N_("Your progress in {behaviour}")
THIS_WEEK: Final = N_("This week: {n} done (since {since}).")
IN_ALL: Final = N_("In all: {n} done out of {attempts}.")
LEVEL: Final = N_("Level now: {current}, from {start} at the start ({change}).")
LONGEST: Final = N_("Longest run of successes: {n} (current run: {current}).")
STRENGTH: Final = N_(
    "Efficacy strength: {now} of 100, from {first} at your first ladder ({change})."
)
STRENGTH_ONE: Final = N_("Efficacy strength: {now} of 100 (one ladder so far).")
STRENGTH_NONE: Final = N_("Efficacy strength: not rated yet; the weekly review asks.")
NOTHING_YET: Final = N_(
    "No answered challenges yet, so the chart would be empty. Once you've answered a few "
    "days, /progress draws them. Send /today to see today's challenge."
)
FAILED: Final = N_("I couldn't draw the chart just now. Your data is safe; please try again later.")


def signed(value: float, *, share: bool = False) -> str:
    """+40 %, -5, ±0: the sign always shown, so a change reads as a change; the number (or,
    with ``share``, the percent) as the reader's language writes it ("+40 %", "+40%")."""
    rounded = round(value)
    sign = "±" if rounded == 0 else "+" if rounded > 0 else "-"
    size = abs(rounded)
    return sign + (percent(size) if share else format_number(size))


def caption(
    *, behaviour: str, week_n: int, since: str, total: int, attempts: int, current: str,
    start: str, level_change: float, longest: int, current_run: int,
    strength_now: float | None, strength_first: float | None, ladders: int,
) -> str:
    lines = [
        _(CAPTION_TITLE).format(behaviour=behaviour_name(behaviour)),
        _(THIS_WEEK).format(n=week_n, since=since),
        _(IN_ALL).format(n=total, attempts=plural(attempts, "{n} attempt", "{n} attempts")),
        _(LEVEL).format(current=current, start=start,
                        change=signed(100 * level_change, share=True)),
        _(LONGEST).format(n=longest, current=current_run),
    ]
    if strength_now is None or strength_first is None:
        lines.append(_(STRENGTH_NONE))
    elif ladders == 1:
        lines.append(_(STRENGTH_ONE).format(now=round(strength_now)))
    else:
        lines.append(_(STRENGTH).format(now=round(strength_now), first=round(strength_first),
                                     change=signed(strength_now - strength_first)))
    return "\n".join(lines)
