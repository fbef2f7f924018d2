"""/settings, /pause, /resume, /stop: short confirmations that say what happens next."""

from __future__ import annotations

from datetime import date

from bot.i18n import N_
from bot.texts.format import format_day

MENU = N_(
    "What would you like to change?\n"
    "- daily time: {time}\n"
    "- time zone: {zone} ({offset})\n"
    "- step: {step}\n"
    "- celebration: {celebrate}\n"
    "- weekly review: {review}\n"
    "- language: {language}"
)
TIME_BUTTON = N_("Daily time")
ZONE_BUTTON = N_("Time zone")
STEP_BUTTON = N_("Step")
# With a globe, so someone who cannot read the current language still finds it.
LANGUAGE_BUTTON = N_("🌐 Language")
ASK_LANGUAGE = N_("Which language should I speak with you? Now: {language}.")
LANGUAGE_CHANGED = N_(
    "Done: from now on I speak {language} with you, in the daily challenge and the weekly "
    "review too."
)
LANGUAGE_ALREADY = N_("We already speak {language}.")

# --- celebration and the weekly review day ----------------------------------------------------
CELEBRATE_ON = N_("on (a 🎉 on your message when you did it)")
CELEBRATE_OFF = N_("off")
CELEBRATE_TURN_OFF_BUTTON = N_("Celebration off")
CELEBRATE_TURN_ON_BUTTON = N_("Celebration on")
CELEBRATE_NOW_ON = N_("Done: when you tell me you did it, I'll put a 🎉 on your message.")
CELEBRATE_NOW_OFF = N_("Done: no more reactions. Your successes are still registered in words.")
CELEBRATE_ALREADY_ON = N_("Celebration is already on.")
CELEBRATE_ALREADY_OFF = N_("Celebration is already off.")
REVIEW_BUTTON = N_("Review day")
REVIEW_CHOSEN = N_("{day}")
REVIEW_DEFAULT = N_("{day} (the day you started)")
ASK_REVIEW = N_(
    "Which day should your weekly review come? It sums up your week and asks you to re-rate "
    "how sure you are of each level. Now: {review}."
)
REVIEW_CHANGED = N_("Done: your weekly review now comes on {day}s, at your daily time.")

ASK_STEP = N_(
    "Challenges for {behaviour} go up and down in steps of {step}. What should the step "
    "be? For example: {example}."
)
TIME_CHANGED = N_("Done: your challenge now arrives at {time} ({zone}). The next one comes {when}.")
ZONE_CHANGED = N_("Done: your time zone is now {zone} ({offset}). The next challenge comes {when}.")
STEP_CHANGED = N_("Done: challenges for {behaviour} now move in steps of {step}.")

PAUSE_ASK = N_(
    "Pause until when? Send a date or a length, like /pause {example}, /pause until Monday or "
    "/pause for a week, or tap below to pause until you send /resume."
)
PAUSE_OPEN_BUTTON = N_("Until I say /resume")
PAUSED_UNTIL = N_(
    "Paused. Your next challenge comes on {date} at {time}. Send /resume to come back sooner."
)
PAUSED_OPEN = N_("Paused. No challenges until you send /resume.")
SILENCE_PAUSED = N_(
    "I haven't heard from you for a week, so I've paused your challenges: no more messages "
    "from me for now. Everything you've done is kept. Whenever you want to pick up again, send "
    "/resume and the next challenge comes at your usual time."
)
PAUSE_BAD_DATE = N_(
    "I couldn't read \"{text}\" as a date. Try /pause until 10 December, /pause for a week, "
    "/pause 3 days or /pause {example}."
)
PAUSE_NOT_FUTURE = N_("{date} is not after today. Pick a later day, for example /pause {example}.")
PAUSE_TOO_FAR = N_(
    "That is more than a year away. Pick a date within a year, or send /pause and tap "
    "\"Until I say /resume\"."
)
PAUSE_NOT_NOW = N_(
    "You've stopped all messages, so there's nothing to pause. Send /start to come back."
)
RESUMED = N_("Welcome back! The next challenge comes {when}.")
NOT_PAUSED = N_("You're not paused: challenges are on. Send /pause if you want a break.")
STOPPED = N_(
    "Stopped: I won't send you anything more. Everything you've done is kept; send /start "
    "whenever you want to pick up again."
)
ALREADY_STOPPED = N_("You're already stopped. Send /start whenever you want to pick up again.")

WHEN_TODAY = N_("today at {time}")
WHEN_TOMORROW = N_("tomorrow at {time}")
WHEN_ON = N_("on {date} at {time}")
WHEN_NEVER = N_("once you are set up")


def format_date(day: date) -> str:
    """"Tue 1 Dec 2026": unambiguous, unlike 01/12 (bot.texts.format)."""
    return format_day(day, year=True)
