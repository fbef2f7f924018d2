"""Onboarding, the /start menu and the re-prompts shared with /settings.

Every question carries an example; every re-prompt names what was wrong with the answer, so the
user never has to guess what "try again" means.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    "running": "Running",
    "walking": "Walking",
    "pushups": "Push-ups",
    "writing": "Writing",
    "reading": "Reading",
    "meditation": "Meditation",
    "instrument": "Instrument practice",
}
PRESETS: tuple[Preset, ...] = tuple(
    Preset(t.key, _LABELS[t.key], t.behaviour, t.unit, t.step, t.example) for t in TEMPLATES
)
OTHER_LABEL = "Something else"
UNIT_CHOICES: tuple[str, ...] = ("minutes", "reps", "pages", "km")
STEP_CHOICES: tuple[str, ...] = ("1", "5", "10")

# ------------------------------------------------------------------ the questions

ASK_BEHAVIOUR = (
    "What would you like to get better at? Tap one, or type your own in a few words "
    "(for example: stretching)."
)
ASK_NAME = (
    "What is it, in a few words? For example: stretching, Spanish vocabulary, cold showers."
)
ASK_UNIT = (
    "How do you measure {behaviour}? Tap one, or type the unit you count in "
    "(for example: minutes, reps, pages, km)."
)
ASK_STEP = (
    "What is the smallest change in {unit} worth counting? Challenges go up and down in steps "
    "of this size. Most things use 1; writing, for example, uses 50 words."
)
ASK_BASELINE = (
    "How many {unit} of {behaviour} can you comfortably do today, on an ordinary day? "
    "For example: {example}.\n"
    "Be honest rather than hopeful: every challenge starts from this number, and a start that is "
    "too high turns your first days into failures instead of evidence."
)
ASK_TARGET = (
    "Is there a level you would like to reach one day? For example: {example}. "
    "It's optional: tap Skip (or type skip) if you'd rather not set one."
)
ASK_TIME = (
    "What time of day should your challenge arrive? For example: 7:30, 19:00 or 7:30 pm."
)
ASK_ZONE = (
    "Which time zone are you in? Any of these works: a city (Berlin), a zone name "
    "(Europe/Berlin), an offset (UTC+2), what your clock says right now (for example 15:40), "
    "or share your location (paperclip, then Location)."
)
ASK_FIRST = "Your first challenge: now, or at {time} tomorrow?"

SKIP_BUTTON = "Skip"
FIRST_NOW_BUTTON = "Now"
FIRST_TOMORROW_BUTTON = "Tomorrow at {time}"
CONFIRM_BUTTON = "Looks right"
CHANGE_BUTTONS: tuple[tuple[str, str], ...] = (
    ("behaviour", "Change activity"),
    ("baseline", "Change amount"),
    ("target", "Change target"),
    ("time", "Change time"),
    ("zone", "Change time zone"),
)

SUMMARY = (
    "Here is your plan:\n"
    "- {behaviour}, counted in {unit} (steps of {step})\n"
    "- what you can comfortably do today: {baseline}\n"
    "- target: {target}\n"
    "- a challenge every day at {time}, time zone {zone} ({offset}, where it is {local_now} now)\n"
    "Is that right?"
)
NO_TARGET = "none for now"
FIXED_OFFSET = (
    "Note: {offset} is a fixed offset, so it won't follow daylight saving. If your clocks change "
    "in spring and autumn, tell me your city instead and I'll follow them."
)
RESUMING = "Let's carry on where we left off."

DONE_TOMORROW = (
    "All set. Your first challenge arrives tomorrow at {time}. Send /help any time to see what I "
    "can do."
)
DONE_NOW = "All set. Your first challenge comes right after one more thing."
DONE_NOTHING_TO_SEND = (
    "All set. There is nothing to send right now; your first challenge arrives at {time}."
)
CANCELLED = (
    "Okay, I've stopped the setup. Nothing was saved; send /start when you want to begin."
)
CANCELLED_KEPT_GOAL = "Okay, I've stopped the setup. Your current goal stays exactly as it was."

# ------------------------------------------------------------------ re-prompts

NOT_TEXT = "I can't read stickers, photos or voice messages here; I need a typed answer."
LONG_TEXT = "That's a lot to read! The short answer I need is {hint}."
NAME_EMPTY = "I need the name of one activity, in a few words, for example \"stretching\"."
NAME_TOO_LONG = (
    "That's longer than I can use as a name. A few words will do (at most {limit}), "
    "for example \"stretching\"."
)
NAME_NO_LETTERS = "A name needs letters, for example \"stretching\" or \"Spanish vocabulary\"."
UNIT_BAD = (
    "A unit is a word or two for what you count, like \"minutes\" or \"pages\" (at most {limit}, "
    "no numbers). What do you count?"
)
CHOOSE_FIRST = "Tap Now or Tomorrow (or type now or tomorrow)."

AMOUNT_EMPTY = "I need a number, for example {example}."
AMOUNT_NOT_A_NUMBER = (
    "I couldn't read a number in \"{text}\". Just the number is fine, for example {example}."
)
AMOUNT_RANGE = "Pick one number rather than a range (the lower one if you're unsure)."
AMOUNT_NOT_POSITIVE = "It needs to be more than 0: even a small amount is a real start."
AMOUNT_TOO_LARGE = "That's more than I can work with; the most is {maximum}."
AMOUNT_OFF_STEP = "Amounts here go in steps of {step}: would {suggestion} do?"
AMOUNT_WRONG_UNIT = "This is counted in {unit}. How many {unit}? For example: {example}."
TARGET_NOT_ABOVE = (
    "A target should be above what you can do today ({baseline}), or tap Skip."
)

TIME_NOT_A_TIME = "I couldn't read \"{text}\" as a time of day. Try 7:30, 19:00 or 7:30 pm."
TIME_HOUR = (
    "The hour in \"{text}\" doesn't exist: hours go from 0 to 23 (or 1 to 12 with am/pm). "
    "For example: 7:30 or 7:30 pm."
)
TIME_MINUTE = "Minutes go from 00 to 59. For example: 7:30."
TIME_AT_NIGHT = (
    "{time} is in the night: your day closes at 04:00, and a challenge then would belong to the "
    "day before. Pick a time between 04:00 and 23:59, for example 7:30 or 21:00."
)

ZONE_NOT_FOUND = (
    "I couldn't find \"{text}\". Try a nearby big city, a zone like Europe/Berlin, an offset like "
    "UTC+2, or what your clock says now, like 15:40."
)
ZONE_OFFSET_RANGE = "Offsets go from UTC-12 to UTC+14; \"{text}\" is outside that. Which city?"
ZONE_OFFSET_QUARTER = (
    "Time zones sit whole, half or quarter hours from UTC, and \"{text}\" doesn't. Did you mean "
    "something like UTC+5:30? Or tell me your city."
)
ZONE_NO_ZONE_AT = "No time zone is at {offset} right now. Could you tell me your city instead?"
ZONE_NO_ZONE_AT_THAT_OFFSET = (
    "No time zone is at that offset right now. Could you tell me your city instead?"
)
CONFIRM_BY_BUTTON = "A tap on one of the buttons above, please."
ZONE_NEEDS_MINUTES = (
    "I need the minutes too, to work out your time zone: what does your clock say exactly, "
    "like 15:40?"
)
ZONE_BAD_LOCATION = "That location doesn't look right. Could you type your city instead?"
ZONE_AMBIGUOUS = "{text} has more than one time zone. Which city are you in?"
ZONE_WHICH = "More than one place is called {text}. Which one do you mean?"
ZONE_FIXED = "fixed"  # in place of an offset's offset: "UTC+2 (fixed)"
ZONE_LOCATION_UNKNOWN = "I couldn't find a time zone at that spot. Could you type your city?"

HINTS = {
    "behaviour": "the name of one activity, like \"running\"",
    "name": "the name of one activity, like \"stretching\"",
    "unit": "a unit, like \"minutes\"",
    "step": "one number, like 1",
    "baseline": "one number, like {example}",
    "target": "one number, like {example}, or skip",
    "time": "a time of day, like 7:30",
    "zone": "a city or an offset, like Berlin or UTC+2",
    "confirm": "a tap on one of the buttons above",
    "first": "now or tomorrow",
}

# ------------------------------------------------------------------ the /start menu

MENU = "Hi {name}. You're working on {behaviour}: a challenge every day at {time} ({zone})."
MENU_PAUSED_UNTIL = "You're paused until {date}."
MENU_PAUSED = "You're paused until you send /resume."
MENU_QUESTION = "What would you like to do?"
MENU_TODAY = "Today's challenge"
MENU_SETTINGS = "Settings"
MENU_RESTART = "Start over"
CONFIRM_RESTART = (
    "Start over with a new goal? Your current goal and its history are kept, and nothing changes "
    "until you finish the new setup."
)
RESTART_YES = "Yes, start over"
RESTART_NO = "No, keep my goal"
RESTART_KEPT = "Okay, your goal stays as it is."
REACTIVATED = "Welcome back! Challenges are on again; the next one arrives {when}."


def ask_unit(behaviour: str) -> str:
    return ASK_UNIT.format(behaviour=behaviour)


def ask_step(unit: str) -> str:
    return ASK_STEP.format(unit=unit)


def ask_baseline(behaviour: str, unit: str, example: str) -> str:
    return ASK_BASELINE.format(behaviour=behaviour, unit=unit, example=example)


def ask_target(example: str) -> str:
    return ASK_TARGET.format(example=example)


def ask_first(time: str) -> str:
    return ASK_FIRST.format(time=time)


def long_text(hint: str) -> str:
    return LONG_TEXT.format(hint=hint)


def summary(
    *, behaviour: str, unit: str, step: str, baseline: str, target: str | None, time: str,
    zone: str, offset: str, local_now: str,
) -> str:
    return SUMMARY.format(
        behaviour=behaviour[:1].upper() + behaviour[1:], unit=unit, step=step, baseline=baseline,
        target=NO_TARGET if target is None else target, time=time, zone=zone,
        offset=offset, local_now=local_now,
    )


def menu(*, name: str | None, behaviour: str, time: str, zone: str, paused: bool,
         paused_until: str | None) -> str:
    lines = [MENU.format(name=name or "there", behaviour=behaviour, time=time, zone=zone)]
    if paused:
        lines.append(MENU_PAUSED if paused_until is None
                     else MENU_PAUSED_UNTIL.format(date=paused_until))
    lines.append(MENU_QUESTION)
    return "\n".join(lines)
