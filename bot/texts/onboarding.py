"""Onboarding, the /start menu and the re-prompts shared with /settings.

Every question carries an example; every re-prompt names what was wrong with the answer, so the
user never has to guess what "try again" means.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_, _
from bot.texts import THERE
from bot.texts.format import behaviour_name, plural, unit_name
from core.behaviours import TEMPLATES


@dataclass(frozen=True, slots=True)
class Preset:
    """A common behaviour: its button, how it is stored and measured, a typical first amount."""

    key: str
    label: str
    behaviour: str
    unit: str
    step: float
    example: float


# The templates themselves live in core.behaviours (calibration pools their users); the
# buttons' words live here.
_LABELS: dict[str, str] = {
    "running": N_("Running"),
    "walking": N_("Walking"),
    "pushups": N_("Push-ups"),
    "writing": N_("Writing"),
    "reading": N_("Reading"),
    "meditation": N_("Meditation"),
    "instrument": N_("Instrument practice"),
}
PRESETS: tuple[Preset, ...] = tuple(
    Preset(t.key, _LABELS[t.key], t.behaviour, t.unit, t.step, t.example) for t in TEMPLATES
)
OTHER_LABEL = N_("Something else")
UNIT_CHOICES: tuple[str, ...] = ("minutes", "reps", "pages", "km")
STEP_CHOICES: tuple[str, ...] = ("1", "5", "10")

# ------------------------------------------------------------------ the questions

ASK_BEHAVIOUR = N_(
    "What would you like to get better at? Tap one, or type your own in a few words "
    "(for example: stretching)."
)
ASK_NAME = N_(
    "What is it, in a few words? For example: stretching, Spanish vocabulary, cold showers."
)
ASK_UNIT = N_(
    "How do you measure {behaviour}? Tap one, or type the unit you count in "
    "(for example: minutes, reps, pages, km)."
)
ASK_STEP = N_(
    "What is the smallest change in {unit} worth counting? Challenges go up and down in steps "
    "of this size. Most things use 1; writing, for example, uses 50 words."
)
ASK_BASELINE = N_(
    "How many {unit} of {behaviour} can you comfortably do today, on an ordinary day? "
    "For example: {example}.\n"
    "Be honest rather than hopeful: every challenge starts from this number, and a start that is "
    "too high turns your first days into failures instead of evidence."
)
ASK_TARGET = N_(
    "Is there a level you would like to reach one day? For example: {example}. "
    "It's optional: tap Skip (or type skip) if you'd rather not set one."
)
ASK_TIME = N_(
    "What time of day should your challenge arrive? For example: 7:30, 19:00 or 7:30 pm."
)
ASK_ZONE = N_(
    "Which time zone are you in? Any of these works: a city (Berlin), a zone name "
    "(Europe/Berlin), an offset (UTC+2), what your clock says right now (for example 15:40), "
    "or share your location (paperclip, then Location)."
)
ASK_FIRST = N_("Your first challenge: now, or at {time} tomorrow?")

SKIP_BUTTON = N_("Skip")
FIRST_NOW_BUTTON = N_("Now")
# "Tomorrow" typed alone answers the first-challenge question like its button.
TOMORROW = N_("tomorrow")
FIRST_TOMORROW_BUTTON = N_("Tomorrow at {time}")
CONFIRM_BUTTON = N_("Looks right")
CHANGE_BUTTONS: tuple[tuple[str, str], ...] = (
    ("behaviour", N_("Change activity")),
    ("baseline", N_("Change amount")),
    ("target", N_("Change target")),
    ("time", N_("Change time")),
    ("zone", N_("Change time zone")),
)

SUMMARY = N_(
    "Here is your plan:\n"
    "- {behaviour}, counted in {unit} (steps of {step})\n"
    "- what you can comfortably do today: {baseline}\n"
    "- target: {target}\n"
    "- a challenge every day at {time}, time zone {zone} ({offset}, where it is {local_now} now)\n"
    "Is that right?"
)
NO_TARGET = N_("none for now")
FIXED_OFFSET = N_(
    "Note: {offset} is a fixed offset, so it won't follow daylight saving. If your clocks change "
    "in spring and autumn, tell me your city instead and I'll follow them."
)
RESUMING = N_("Let's carry on where we left off.")

DONE_TOMORROW = N_(
    "All set. Your first challenge arrives tomorrow at {time}. Send /help any time to see what I "
    "can do."
)
DONE_NOW = N_("All set. Your first challenge comes right after one more thing.")
DONE_NOTHING_TO_SEND = N_(
    "All set. There is nothing to send right now; your first challenge arrives at {time}."
)
CANCELLED = N_(
    "Okay, I've stopped the setup. Nothing was saved; send /start when you want to begin."
)
CANCELLED_KEPT_GOAL = N_("Okay, I've stopped the setup. Your current goal stays exactly as it was.")

# ------------------------------------------------------------------ re-prompts

NOT_TEXT = N_("I can't read stickers, photos or voice messages here; I need a typed answer.")
LONG_TEXT = N_("That's a lot to read! The short answer I need is {hint}.")
NAME_EMPTY = N_("I need the name of one activity, in a few words, for example \"stretching\".")
NAME_TOO_LONG = N_(
    "That's longer than I can use as a name. A few words will do (at most {limit}), "
    "for example \"stretching\"."
)
NAME_NO_LETTERS = N_("A name needs letters, for example \"stretching\" or \"Spanish vocabulary\".")
UNIT_BAD = N_(
    "A unit is a word or two for what you count, like \"minutes\" or \"pages\" (at most {limit}, "
    "no numbers). What do you count?"
)
CHOOSE_FIRST = N_("Tap Now or Tomorrow (or type now or tomorrow).")

AMOUNT_EMPTY = N_("I need a number, for example {example}.")
AMOUNT_NOT_A_NUMBER = N_(
    "I couldn't read a number in \"{text}\". Just the number is fine, for example {example}."
)
AMOUNT_RANGE = N_("Pick one number rather than a range (the lower one if you're unsure).")
AMOUNT_NOT_POSITIVE = N_("It needs to be more than 0: even a small amount is a real start.")
AMOUNT_TOO_LARGE = N_("That's more than I can work with; the most is {maximum}.")
AMOUNT_OFF_STEP = N_("Amounts here go in steps of {step}: would {suggestion} do?")
AMOUNT_WRONG_UNIT = N_("This is counted in {unit}. How many {unit}? For example: {example}.")
TARGET_NOT_ABOVE = N_(
    "A target should be above what you can do today ({baseline}), or tap Skip."
)

TIME_NOT_A_TIME = N_("I couldn't read \"{text}\" as a time of day. Try 7:30, 19:00 or 7:30 pm.")
TIME_HOUR = N_(
    "The hour in \"{text}\" doesn't exist: hours go from 0 to 23 (or 1 to 12 with am/pm). "
    "For example: 7:30 or 7:30 pm."
)
TIME_MINUTE = N_("Minutes go from 00 to 59. For example: 7:30.")
TIME_AT_NIGHT = N_(
    "{time} is in the night: your day closes at 04:00, and a challenge then would belong to the "
    "day before. Pick a time between 04:00 and 23:59, for example 7:30 or 21:00."
)

ZONE_NOT_FOUND = N_(
    "I couldn't find \"{text}\". Try a nearby big city, a zone like Europe/Berlin, an offset like "
    "UTC+2, or what your clock says now, like 15:40."
)
ZONE_OFFSET_RANGE = N_("Offsets go from UTC-12 to UTC+14; \"{text}\" is outside that. Which city?")
ZONE_OFFSET_QUARTER = N_(
    "Time zones sit whole, half or quarter hours from UTC, and \"{text}\" doesn't. Did you mean "
    "something like UTC+5:30? Or tell me your city."
)
ZONE_NO_ZONE_AT = N_("No time zone is at {offset} right now. Could you tell me your city instead?")
ZONE_NO_ZONE_AT_THAT_OFFSET = N_(
    "No time zone is at that offset right now. Could you tell me your city instead?"
)
CONFIRM_BY_BUTTON = N_("A tap on one of the buttons above, please.")
ZONE_NEEDS_MINUTES = N_(
    "I need the minutes too, to work out your time zone: what does your clock say exactly, "
    "like 15:40?"
)
ZONE_BAD_LOCATION = N_("That location doesn't look right. Could you type your city instead?")
ZONE_AMBIGUOUS = N_("{text} has more than one time zone. Which city are you in?")
ZONE_WHICH = N_("More than one place is called {text}. Which one do you mean?")
ZONE_FIXED = N_("fixed")  # in place of an offset's offset: "UTC+2 (fixed)"
ZONE_LOCATION_UNKNOWN = N_("I couldn't find a time zone at that spot. Could you type your city?")

HINTS = {
    "behaviour": N_("the name of one activity, like \"running\""),
    "name": N_("the name of one activity, like \"stretching\""),
    "unit": N_("a unit, like \"minutes\""),
    "step": N_("one number, like 1"),
    "baseline": N_("one number, like {example}"),
    "target": N_("one number, like {example}, or skip"),
    "time": N_("a time of day, like 7:30"),
    "zone": N_("a city or an offset, like Berlin or UTC+2"),
    "confirm": N_("a tap on one of the buttons above"),
    "first": N_("now or tomorrow"),
}

# ------------------------------------------------------------------ the /start menu

MENU = N_("Hi {name}. You're working on {behaviour}: a challenge every day at {time} ({zone}).")
MENU_PAUSED_UNTIL = N_("You're paused until {date}.")
MENU_PAUSED = N_("You're paused until you send /resume.")
MENU_QUESTION = N_("What would you like to do?")
MENU_TODAY = N_("Today's challenge")
MENU_SETTINGS = N_("Settings")
MENU_RESTART = N_("Start over")
CONFIRM_RESTART = N_(
    "Start over with a new goal? Your current goal and its history are kept, and nothing changes "
    "until you finish the new setup."
)
RESTART_YES = N_("Yes, start over")
RESTART_NO = N_("No, keep my goal")
RESTART_KEPT = N_("Okay, your goal stays as it is.")
REACTIVATED = N_("Welcome back! Challenges are on again; the next one arrives {when}.")


def ask_unit(behaviour: str) -> str:
    return _(ASK_UNIT).format(behaviour=behaviour_name(behaviour))


def ask_step(unit: str) -> str:
    return _(ASK_STEP).format(unit=unit_name(unit))


def ask_baseline(behaviour: str, unit: str, example: str) -> str:
    return _(ASK_BASELINE).format(behaviour=behaviour_name(behaviour), unit=unit_name(unit),
                                  example=example)


def ask_target(example: str) -> str:
    return _(ASK_TARGET).format(example=example)


def ask_first(time: str) -> str:
    return _(ASK_FIRST).format(time=time)


def long_text(hint: str) -> str:
    return _(LONG_TEXT).format(hint=hint)


def summary(
    *, behaviour: str, unit: str, step: str, baseline: str, target: str | None, time: str,
    zone: str, offset: str, local_now: str,
) -> str:
    return _(SUMMARY).format(
        behaviour=_capitalised(behaviour_name(behaviour)), unit=unit_name(unit), step=step,
        baseline=baseline,
        target=_(NO_TARGET) if target is None else target, time=time, zone=zone,
        offset=offset, local_now=local_now,
    )


def menu(*, name: str | None, behaviour: str, time: str, zone: str, paused: bool,
         paused_until: str | None) -> str:
    lines = [_(MENU).format(name=name or _(THERE), behaviour=behaviour_name(behaviour), time=time,
                           zone=zone)]
    if paused:
        lines.append(_(MENU_PAUSED) if paused_until is None
                     else _(MENU_PAUSED_UNTIL).format(date=paused_until))
    lines.append(_(MENU_QUESTION))
    return "\n".join(lines)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def name_too_long(limit: int) -> str:
    return _(NAME_TOO_LONG).format(limit=plural(limit, "{n} character", "{n} characters"))


def unit_bad(limit: int) -> str:
    return _(UNIT_BAD).format(limit=plural(limit, "{n} character", "{n} characters"))
