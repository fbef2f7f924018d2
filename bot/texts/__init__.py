"""Every sentence a user can read, in one place, ready for translation.

This package holds all user-facing copy: general sentences here, each conversation topic's in its
own submodule (`bot.texts.onboarding`, `bot.texts.checkin`, ...). Handlers never build prose
themselves: they pick a constant or call a small function that fills in numbers. Plain text only
(no parse_mode), so nothing needs escaping.
"""

from __future__ import annotations

from datetime import time

from bot.i18n import N_, _
from bot.texts import format as fmt

# Commands shown in Telegram's menu and in /help, in the order a newcomer needs them.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Begin, or see where you are")),
    ("today", N_("Today's challenge and how it stands")),
    ("skip", N_("Take today as a rest day")),
    ("pause", N_("Pause challenges (optionally until a date)")),
    ("resume", N_("Restart challenges after a pause")),
    ("evidence", N_("Your successes, dated: the latest and the hardest-won")),
    ("progress", N_("Your progress as a chart, with the numbers")),
    ("settings", N_("Change time, zone, step, celebration or review day")),
    ("stop", N_("Stop all messages (your history is kept)")),
    ("cancel", N_("Leave the question I asked")),
    ("privacy", N_("What I store about you, and why")),
    ("export", N_("Get all your data as files")),
    ("delete", N_("Delete all your data")),
    ("help", N_("What Notch can do")),
)

# Who "Hi {name}" greets when Telegram gives no first name.
THERE = N_("there")

GREETING = N_(
    "Hi {name}, I'm Notch, a coach for one thing you want to be able to do: run, write, "
    "practise, speak."
)

METHOD = N_(
    "The strongest source of self-belief is doing the thing and succeeding, so we build it from "
    "real successes.\n"
    "Tell me what you can honestly do today. We start from there, and each step up is one "
    "notch above what you have already done: hard enough to take effort, likely enough that "
    "you'll make it.\n"
    "When you've done it, tap Done and I'll register it as evidence, with the date and the "
    "amount.\n"
    "I raise the bar only after consistent success, so every step up rests on proof."
)

HELP_TITLE = N_("Here is what I understand:")
HELP_FOOTER = N_("Anything else you type, I'll try to help with.")

UNKNOWN_COMMAND = N_("I don't know the command {command}. Send /help to see the ones I do know.")
# Free text nobody asked for: what the person can type right now, and /help for the rest.
UNKNOWN_TEXT = N_(
    "I didn't catch that. When a challenge comes, answer it by typing done, not today or skip "
    "(or tap its buttons); if one feels out of reach, tell me. Send /help to see everything I "
    "understand."
)
UNKNOWN_TEXT_WAITING = N_(
    "I didn't catch that. Today's challenge is waiting: type done, not today or skip, or how "
    "sure you are that you can do it, from 0 to 100 (like 70). Send /help to see everything I "
    "understand."
)
UNKNOWN_TEXT_NEW = N_(
    "I didn't catch that. Send /start and we'll set up your first challenge together, or /help "
    "to see what I can do."
)
NOT_TEXT = N_("I can only read text messages. Send /help to see what I understand.")
PRIVATE_ONLY = N_(
    "I coach one person at a time, so I only talk in private chats. Message me directly; "
    "I won't say anything more here."
)
LONG_TEXT = N_(
    "That's a lot to read! The short answer I need is a command like /today or /help, or "
    "done, failed or skip after a challenge."
)
EDITS_NOT_READ = N_(
    "I don't read edited messages, so nothing changed. If you meant something else, send it as "
    "a new message."
)
BUTTON_STALE = N_("That button is out of date.")
BUTTON_OUT_OF_DATE = N_("That button is out of date. Here is where we are now:")
NOTHING_TO_CANCEL = N_("There's no open question to leave. Send /help to see what I can do.")
CANCELLED = N_("Okay, I've dropped that question. Nothing changed.")
NEED_SETUP = N_("We haven't set up your goal yet. Send /start and it takes about a minute.")

UPDATE_SET_ASIDE = N_(
    "That didn't work on my side, even after a few tries. Please try again; I have logged the "
    "problem."
)
INTERNAL_ERROR = N_(
    "Something went wrong on my side, so I could not save that. Please send it again in a "
    "minute; I have logged the problem."
)


def greeting(first_name: str | None) -> str:
    return _(GREETING).format(name=first_name or _(THERE))


def commands() -> list[tuple[str, str]]:
    """The command menu in the current language (Telegram's setMyCommands, and /help)."""
    return [(name, _(description)) for name, description in COMMANDS]


def help_text() -> str:
    lines = [_(HELP_TITLE), *(f"/{name} - {description}" for name, description in commands())]
    return "\n".join([*lines, "", _(HELP_FOOTER)])


def unknown_command(command: str) -> str:
    return _(UNKNOWN_COMMAND).format(command=command)


def unknown_text(*, onboarded: bool, waiting: bool) -> str:
    """The fallback's help for free text: set up first, answer today's challenge, or the rest."""
    if not onboarded:
        return _(UNKNOWN_TEXT_NEW)
    return _(UNKNOWN_TEXT_WAITING) if waiting else _(UNKNOWN_TEXT)


def format_amount(value: float, unit: str | None = None) -> str:
    """10.0 → "10", 12.5 → "12.5", 1000 → "1,000": the number alone, or with its unit in the
    form the count takes ("1 minute", "2 minutes"; bot.texts.format)."""
    return fmt.format_amount(value, unit)


def format_clock(hour: int, minute: int) -> str:
    """"08:30" (bot.texts.format)."""
    return fmt.format_clock(time(hour, minute))
