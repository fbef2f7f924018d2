"""/settings, /pause, /resume, /stop: short confirmations that say what happens next."""

from __future__ import annotations

from datetime import date

from bot.texts.format import format_day

MENU = (
    "What would you like to change?\n"
    "- daily time: {time}\n"
    "- time zone: {zone} ({offset})\n"
    "- step: {step}\n"
    "- celebration: {celebrate}\n"
    "- weekly review: {review}"
)
TIME_BUTTON = "Daily time"
ZONE_BUTTON = "Time zone"
STEP_BUTTON = "Step"

# --- celebration and the weekly review day ----------------------------------------------------
CELEBRATE_ON = "on (a 🎉 on your message when you did it)"
CELEBRATE_OFF = "off"
CELEBRATE_TURN_OFF_BUTTON = "Celebration off"
CELEBRATE_TURN_ON_BUTTON = "Celebration on"
CELEBRATE_NOW_ON = "Done: when you tell me you did it, I'll put a 🎉 on your message."
CELEBRATE_NOW_OFF = "Done: no more reactions. Your successes are still registered in words."
CELEBRATE_ALREADY_ON = "Celebration is already on."
CELEBRATE_ALREADY_OFF = "Celebration is already off."
REVIEW_BUTTON = "Review day"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAY_BUTTONS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
REVIEW_CHOSEN = "{day}"
REVIEW_DEFAULT = "{day} (the day you started)"
ASK_REVIEW = (
    "Which day should your weekly review come? It sums up your week and asks you to re-rate "
    "how sure you are of each level. Now: {review}."
)
REVIEW_CHANGED = "Done: your weekly review now comes on {day}s, at your daily time."

ASK_STEP = (
    "Challenges for {behaviour} go up and down in steps of {step}. What should the step "
    "be? For example: {example}."
)
TIME_CHANGED = "Done: your challenge now arrives at {time} ({zone}). The next one comes {when}."
ZONE_CHANGED = "Done: your time zone is now {zone} ({offset}). The next challenge comes {when}."
STEP_CHANGED = "Done: challenges for {behaviour} now move in steps of {step}."

PAUSE_ASK = (
    "Pause until when? Send a date or a length, like /pause {example}, /pause until Monday or "
    "/pause for a week, or tap below to pause until you send /resume."
)
PAUSE_OPEN_BUTTON = "Until I say /resume"
PAUSED_UNTIL = (
    "Paused. Your next challenge comes on {date} at {time}. Send /resume to come back sooner."
)
PAUSED_OPEN = "Paused. No challenges until you send /resume."
SILENCE_PAUSED = (
    "I haven't heard from you for a week, so I've paused your challenges: no more messages "
    "from me for now. Everything you've done is kept. Whenever you want to pick up again, send "
    "/resume and the next challenge comes at your usual time."
)
PAUSE_BAD_DATE = (
    "I couldn't read \"{text}\" as a date. Try /pause until 10 December, /pause for a week, "
    "/pause 3 days or /pause {example}."
)
PAUSE_NOT_FUTURE = "{date} is not after today. Pick a later day, for example /pause {example}."
PAUSE_TOO_FAR = (
    "That is more than a year away. Pick a date within a year, or send /pause and tap "
    "\"Until I say /resume\"."
)
PAUSE_NOT_NOW = (
    "You've stopped all messages, so there's nothing to pause. Send /start to come back."
)
RESUMED = "Welcome back! The next challenge comes {when}."
NOT_PAUSED = "You're not paused: challenges are on. Send /pause if you want a break."
STOPPED = (
    "Stopped: I won't send you anything more. Everything you've done is kept; send /start "
    "whenever you want to pick up again."
)
ALREADY_STOPPED = "You're already stopped. Send /start whenever you want to pick up again."

WHEN_TODAY = "today at {time}"
WHEN_TOMORROW = "tomorrow at {time}"
WHEN_ON = "on {date} at {time}"
WHEN_NEVER = "once you are set up"


def format_date(day: date) -> str:
    """"Tue 1 Dec 2026": unambiguous, unlike 01/12 (bot.texts.format)."""
    return format_day(day, year=True)
