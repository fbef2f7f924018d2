"""Onboarding's questions as one table: `STEPS`, one `Step` per question, in asking order.

A step says how it is asked (`ask`: text and buttons from the draft), how its answer is read
(`read`: fills the `Draft` or returns a re-prompt, and may send the user to another step), what
"Change ..." on the summary forgets (`invalidates`), its hint for an over-long answer (`hint`),
and what its buttons stand for (`typed`: a button press is the same as typing its answer). The
order of the questions is the table's order; a step is asked when its answer is missing, so the
preset buttons, which fill the unit and step, skip those questions. Steps outside the order
(`in_order=False`) are reached only by a reader's `goto`: "Something else" -> `name`, "Looks
right" -> `first`. When every answer is in, the summary (`confirm`) is next.

Adding a question is one entry (plus its texts in `bot.texts.onboarding`, a `Draft` field for
its answer, and wherever the answer is used, e.g. `complete_onboarding`). For example, a question
"how many days a week?" between the time and the zone would be::

    Step("days", ask=lambda d, now: (t.ASK_DAYS, _choices("days", t.DAY_CHOICES, 4)),
         read=_reads_days, hint=t.HINTS["days"], invalidates=("days",)),

with `t.ASK_DAYS`, `t.DAY_CHOICES`, `t.HINTS["days"]`, a `days` field on `Draft`, a reader
`async def _reads_days(text, draft, now) -> Read` and, for a "Change days" button on the
summary, a ("days", "Change days") pair in `t.CHANGE_BUTTONS`. `tests/bot/test_onboarding_steps.py`
shows such an entry working through `next_step`, `ask` and `read`.

Nothing here touches Telegram's network or the database: `bot.handlers.onboarding` does.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.answers import (
    MAX_AMOUNT,
    amount_error,
    local_clock,
    read_amount,
    read_daily_time,
    read_zone_text,
    zone_notes,
    zone_question,
    zone_shown,
)
from bot.i18n import DEFAULT_LOCALE, _, current_locale
from bot.lexicons import current_lexicon
from bot.onboarding_draft import SKIPPED, Draft
from bot.texts import onboarding as t
from bot.texts.format import SAYABLE_UNITS, unit_name
from core.lexicon import fold
from core.replies import AmountError, Outcome, normalise, parse_outcome, parse_target
from core.timezones import ZoneChoice

MAX_NAME = 40
MAX_UNIT = 24

Markup = InlineKeyboardMarkup | None
Reply = tuple[str, Markup]


@dataclass(frozen=True)
class Read:
    """What reading one answer did: a re-prompt (`error`), or the draft filled in; then maybe a
    step other than the next unanswered one (`goto`), and notes to send before it."""

    error: str | None = None
    goto: str | None = None
    notes: tuple[str, ...] = ()
    markup: InlineKeyboardMarkup | None = None  # buttons for the re-prompt ("which Portland?")


Asker = Callable[[Draft, datetime], Reply]
Reader = Callable[[str, Draft, datetime], Awaitable[Read]]


def _as_typed(choice: str) -> str:
    return choice


@dataclass(frozen=True)
class Step:
    """One question; see the module docstring."""

    key: str  # the conversation row's `step`, and the middle of its buttons' `ob:<key>:<choice>`
    ask: Asker
    read: Reader
    hint: str  # may hold {example}: an amount in the user's unit
    invalidates: tuple[str, ...] = ()  # Draft fields a change from the summary forgets
    in_order: bool = True  # asked when its answer (the Draft field `key`) is missing
    typed: Callable[[str], str] = _as_typed  # a button's choice -> the words it stands for
    hint_scale: float = 1.0  # the hint's example amount, as a multiple of the usual example
    finishes: bool = False  # its answer completes the setup


# ------------------------------------------------------------------ asking


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def rows(buttons: Sequence[InlineKeyboardButton], width: int) -> InlineKeyboardMarkup:
    """Buttons laid out `width` to a row."""
    return InlineKeyboardMarkup([list(buttons[i:i + width]) for i in range(0, len(buttons), width)])


def _choices(key: str, choices: Iterable[tuple[str, str]], width: int) -> InlineKeyboardMarkup:
    """(choice, label) pairs as the step's buttons, `ob:<key>:<choice>`."""
    return rows([_button(label, f"ob:{key}:{choice}") for choice, label in choices], width)


def amount_example(draft: Draft, factor: float = 1.0) -> str:
    """"30 minutes": a typical amount on the draft's step (the baseline once known), scaled."""
    step = draft.step or 1.0
    base = draft.baseline or draft.example or 10 * step
    value = max(step, round(base * factor / step) * step)
    return texts.format_amount(value, draft.unit or None)


def _fixed(text: str) -> Asker:
    """A question without buttons: `text` is its msgid, translated when it is asked."""
    return lambda draft, now: (_(text), None)


def _ask_behaviour(draft: Draft, now: datetime) -> Reply:
    choices = [(p.key, _(p.label)) for p in t.PRESETS] + [("other", _(t.OTHER_LABEL))]
    return _(t.ASK_BEHAVIOUR), _choices("behaviour", choices, 2)


def _ask_unit(draft: Draft, now: datetime) -> Reply:
    return t.ask_unit(draft.behaviour or ""), _choices(
        "unit", ((str(i), unit_name(u)) for i, u in enumerate(t.UNIT_CHOICES)), 4)


def _ask_step(draft: Draft, now: datetime) -> Reply:
    return t.ask_step(draft.unit or ""), _choices("step", ((c, c) for c in t.STEP_CHOICES), 3)


def _ask_baseline(draft: Draft, now: datetime) -> Reply:
    return t.ask_baseline(draft.behaviour or "", draft.unit or "", amount_example(draft)), None


def _ask_target(draft: Draft, now: datetime) -> Reply:
    skip = [("skip", _(t.SKIP_BUTTON))]
    return t.ask_target(amount_example(draft, 3)), _choices("target", skip, 1)


def _ask_confirm(draft: Draft, now: datetime) -> Reply:
    zone, target, unit = draft.zone or "UTC", draft.goal_target, draft.unit or None
    amount = texts.format_amount
    shown, offset = zone_shown(zone, now)
    text = t.summary(
        behaviour=draft.behaviour or "", unit=draft.unit or "",
        step=amount(draft.step or 1), baseline=amount(draft.baseline or 0, unit),
        target=None if target is None else amount(target, unit), time=_shown_time(draft),
        zone=shown, offset=offset, local_now=local_clock(zone, now),
    )
    changes = [(key, _(label)) for key, label in t.CHANGE_BUTTONS]
    return text, _choices("confirm", [("ok", _(t.CONFIRM_BUTTON)), *changes], 1)


def _shown_time(draft: Draft) -> str:
    """The draft's "HH:MM" as the reader writes a time ("7:30" in Spanish)."""
    if not draft.time:
        return ""
    hour, minute = (int(part) for part in draft.time.split(":"))
    return texts.format_clock(hour, minute)


def _ask_first(draft: Draft, now: datetime) -> Reply:
    time_text = _shown_time(draft)
    return t.ask_first(time_text), _choices(
        "first", [("now", _(t.FIRST_NOW_BUTTON)),
                  ("tomorrow", _(t.FIRST_TOMORROW_BUTTON).format(time=time_text))], 2)


# ------------------------------------------------------------------ reading

_NAME_HAS_LETTER = re.compile(r"[^\W\d_]")
_OTHER = frozenset({"something else", "other", "else"})
_YES = frozenset({"yes", "y", "ok", "okay", "looks right", "right", "correct", "yep", "sure"})
_CHANGES: Mapping[str, str] = dict(t.CHANGE_BUTTONS)


def _preset(text: str) -> t.Preset | None:
    key = normalise(text)
    return next((p for p in t.PRESETS
                 if key in (p.key, normalise(p.label), normalise(_(p.label)), p.behaviour)), None)


async def _read_behaviour(text: str, draft: Draft, now: datetime) -> Read:
    if normalise(text) in _OTHER | {normalise(_(t.OTHER_LABEL))}:
        return Read(goto="name")
    preset = _preset(text)
    if preset is None:  # a typed activity of one's own: the same as naming "something else"
        return await _read_name(text, draft, now)
    draft.behaviour, draft.unit, draft.step = preset.behaviour, preset.unit, preset.step
    draft.example = preset.example
    return Read()


async def _read_name(text: str, draft: Draft, now: datetime) -> Read:
    name = " ".join(text.split())
    if not name:
        return Read(_(t.NAME_EMPTY))
    if len(name) > MAX_NAME:
        return Read(t.name_too_long(MAX_NAME))
    if not _NAME_HAS_LETTER.search(name):
        return Read(_(t.NAME_NO_LETTERS))
    draft.behaviour = name
    return Read()


async def _read_unit(text: str, draft: Draft, now: datetime) -> Read:
    unit = " ".join(text.split()).casefold()
    if (not unit or len(unit) > MAX_UNIT or any(c.isdigit() for c in unit)
            or not _NAME_HAS_LETTER.search(unit)):
        return Read(t.unit_bad(MAX_UNIT))
    draft.unit = _known_unit(unit)
    return Read()


def _known_unit(unit: str) -> str:
    """A unit typed in the reader's language that Notch can say in every language ("минуты",
    "páginas") is stored as that unit's key ("minutes", "pages"), so every count of it takes
    the language's plural ("1 минута", "5 минут") and it pools with the template's users; any
    other unit is kept as typed. English is kept as typed: "min" stays "min"."""
    if current_locale() == DEFAULT_LOCALE:
        return unit
    lexicon, word = current_lexicon(), fold(normalise(unit))
    if len(word) > 1 and lexicon.time_units.get(word) == 1.0:
        return "minutes"
    kind = lexicon.unit_kinds.get(word, "")  # "pages", "words", "km", "count", …
    return kind if kind in SAYABLE_UNITS else unit


async def _read_step(text: str, draft: Draft, now: datetime) -> Read:
    found = read_amount(text, step=None, unit=draft.unit, example="1")
    if isinstance(found, str):
        return Read(found)
    draft.step, draft.example = found, 10 * found
    return Read()


async def _read_baseline(text: str, draft: Draft, now: datetime) -> Read:
    found = read_amount(text, step=draft.step, unit=draft.unit, example=amount_example(draft))
    if isinstance(found, str):
        return Read(found)
    draft.baseline = found
    return Read()


async def _read_target(text: str, draft: Draft, now: datetime) -> Read:
    target = parse_target(text, current_lexicon(), current=draft.baseline, step=draft.step,
                          unit=draft.unit, maximum=MAX_AMOUNT)
    if isinstance(target, AmountError):
        unit = draft.unit or None
        message = amount_error(target, unit=draft.unit or "", example=amount_example(draft, 3),
                               baseline=texts.format_amount(draft.baseline or 0, unit))
        return Read(message.replace("{step}", texts.format_amount(draft.step or 1, unit)))
    draft.target = SKIPPED if target is None else target
    return Read()


async def _read_time(text: str, draft: Draft, now: datetime) -> Read:
    found = read_daily_time(text)
    if isinstance(found, str):
        return Read(found)
    draft.time = f"{found.hour:02d}:{found.minute:02d}"  # stored as data; shown per language
    return Read()


async def _read_zone(text: str, draft: Draft, now: datetime) -> Read:
    answer = await read_zone_text(text, now)
    if isinstance(answer, str):
        return Read(answer)
    if isinstance(answer, ZoneChoice):
        which, markup = zone_question(answer)
        return Read(which, markup=markup)
    draft.zone = answer.zone
    return Read(notes=tuple(zone_notes(answer)))


def _says_yes(text: str) -> bool:
    """A yes in the person's language ("sí", "да", "ja", "sim"): a yes-or-no word that also
    reads as "done"."""
    lexicon = current_lexicon()
    return (parse_outcome(text, lexicon) is Outcome.DONE
            and fold(normalise(text)) in lexicon.yes_no)


async def _read_confirm(text: str, draft: Draft, now: datetime) -> Read:
    if normalise(text) in _YES | {normalise(_(t.CONFIRM_BUTTON))} or _says_yes(text):
        return Read(goto="first")
    change = next((key for key, label in _CHANGES.items()
                   if normalise(text) in (normalise(label), normalise(_(label)))), None)
    if change is None:
        return Read(_(t.CONFIRM_BY_BUTTON))
    draft.forget(get_step(change).invalidates)
    return Read()


async def _read_first(text: str, draft: Draft, now: datetime) -> Read:
    choice = normalise(text)
    if choice in ("now", normalise(_(t.FIRST_NOW_BUTTON))):
        draft.first = "now"
    elif choice in ("tomorrow", normalise(_(t.TOMORROW))):
        draft.first = "tomorrow"
    else:
        return Read(_(t.CHOOSE_FIRST))
    return Read()


def _typed_behaviour(choice: str) -> str:
    preset = next((p for p in t.PRESETS if p.key == choice), None)
    return _(preset.label) if preset is not None else _(t.OTHER_LABEL)


def _typed_unit(choice: str) -> str:
    ok = choice.isdigit() and int(choice) < len(t.UNIT_CHOICES)
    return t.UNIT_CHOICES[int(choice)] if ok else choice


def _typed_confirm(choice: str) -> str:
    return "yes" if choice == "ok" else _CHANGES.get(choice, "")


# ------------------------------------------------------------------ the table

# What a change invalidates: a new activity means new units, so its amounts go too.
STEPS: tuple[Step, ...] = (
    Step("behaviour", _ask_behaviour, _read_behaviour, t.HINTS["behaviour"],
         invalidates=("behaviour", "unit", "step", "example", "baseline", "target"),
         typed=_typed_behaviour),
    Step("name", _fixed(t.ASK_NAME), _read_name, t.HINTS["name"], in_order=False),
    Step("unit", _ask_unit, _read_unit, t.HINTS["unit"], typed=_typed_unit),
    Step("step", _ask_step, _read_step, t.HINTS["step"]),
    Step("baseline", _ask_baseline, _read_baseline, t.HINTS["baseline"],
         invalidates=("baseline", "target")),
    Step("target", _ask_target, _read_target, t.HINTS["target"], invalidates=("target",),
         hint_scale=3),
    Step("time", _fixed(t.ASK_TIME), _read_time, t.HINTS["time"], invalidates=("time",)),
    Step("zone", _fixed(t.ASK_ZONE), _read_zone, t.HINTS["zone"], invalidates=("zone",)),
    Step("confirm", _ask_confirm, _read_confirm, t.HINTS["confirm"], in_order=False,
         typed=_typed_confirm),
    Step("first", _ask_first, _read_first, t.HINTS["first"], in_order=False, finishes=True),
)
BY_KEY: Mapping[str, Step] = {s.key: s for s in STEPS}
FIRST = STEPS[0].key
SUMMARY = "confirm"  # where a draft with every answer in goes


def get_step(key: str) -> Step:
    """The step named `key` (a conversation row's `step`)."""
    found = BY_KEY.get(key)
    if found is None:
        raise ValueError(f"unknown onboarding step {key!r}")
    return found


def order(steps: Iterable[Step] = STEPS) -> tuple[str, ...]:
    """The questions asked in turn while their answers are missing."""
    return tuple(s.key for s in steps if s.in_order)


def next_step(draft: Draft, steps: Iterable[Step] = STEPS) -> str:
    """The first question not answered yet; the summary once all are."""
    return next((key for key in order(steps) if not draft.has(key)), SUMMARY)


def question(key: str, draft: Draft, now: datetime) -> Reply:
    """The text and buttons that ask step `key`, filled with the answers so far."""
    return get_step(key).ask(draft, now)


def hint(key: str, draft: Draft) -> str:
    """A short reminder of what step `key` wants, for an answer too long to read."""
    found = get_step(key)
    return _(found.hint).format(example=amount_example(draft, found.hint_scale))


def typed(key: str, choice: str) -> str:
    """What typing the button `ob:<key>:<choice>` looks like, so buttons and text share one path."""
    found = BY_KEY.get(key)
    return choice if found is None else found.typed(choice)
