"""/export, /delete and /privacy: what is stored, why, and how to take it or remove it."""

from __future__ import annotations

from typing import Final

from bot.i18n import N_, _
from bot.texts.format import plural

PRIVACY: Final = N_(
    "What I store about you, and why:\n"
    "- Your Telegram id, chat id, first name and language: to know who is writing and where to "
    "answer.\n"
    "- Your time zone and daily time, pause or stop, review day and celebration setting: to "
    "send challenges when you asked, and only then.\n"
    "- Your goal (what you practise, its unit, step, starting level and target): to set each "
    "day's challenge.\n"
    "- Every challenge: the date, the amount, what you answered, how hard it felt, what got in "
    "the way, how sure you were and your own words on what made it work: that is the evidence "
    "I show back to you, and what the next challenge is calculated from.\n"
    "- Your ladder ratings (how sure you are of each level): to show how your belief moves.\n"
    "- The question you are in the middle of answering, so a restart doesn't lose it.\n"
    "- Each message or tap you send, as Telegram delivered it, until it has been handled: so "
    "nothing you send is lost if Notch restarts. Its text is dropped once handled, and the "
    "record that it arrived is deleted a day later.\n"
    "Your answers also help calibrate Notch for everyone: once a day the answers of everyone "
    "practising the same thing are pooled into a few aggregate settings (how fast people "
    "usually improve, what \"hard\" tends to mean). Only those settings are kept, never "
    "anyone's answers, and they never say anything about you alone.\n"
    "Nothing is shared with anyone or used for anything else. Send /export to get all of it "
    "as a file (its column names stay in English in every language: it is a data format other "
    "programs read), /delete to remove all of it, which also takes you out of those settings."
)

EXPORT_NOTHING: Final = N_(
    "I have nothing stored about you, so there is nothing to export. Send /start to begin."
)
EXPORT_JSON_CAPTION: Final = N_(
    "Everything I store about you, as JSON: {rows} in {tables}."
)
EXPORT_CSV_CAPTION: Final = N_("Your challenges, one row per day, for a spreadsheet: {days}.")


def export_json_caption(rows: int, tables: int) -> str:
    return _(EXPORT_JSON_CAPTION).format(
        rows=plural(rows, "{n} row", "{n} rows"), tables=plural(tables, "{n} table", "{n} tables")
    )


def export_csv_caption(days: int) -> str:
    return _(EXPORT_CSV_CAPTION).format(days=plural(days, "{n} day", "{n} days"))
EXPORT_JSON_NAME: Final = N_("notch-export-{day}.json")
EXPORT_CSV_NAME: Final = N_("notch-challenges-{day}.csv")

DELETE_NOTHING: Final = N_(
    "I have nothing stored about you, so there is nothing to delete. If you write to me again, "
    "you start as a new user."
)
DELETE_ASK: Final = N_(
    "This deletes everything I store about you: your goal, {days} of challenges with "
    "your answers and words, your ratings and your settings. It cannot be undone. If you want "
    "a copy first, send /export.\nDelete everything?"
)
DELETE_CONFIRM_BUTTON: Final = N_("Yes, delete everything")
DELETE_KEEP_BUTTON: Final = N_("No, keep it")
DELETED: Final = N_(
    "Deleted: {rows}, everything I stored about you. I won't write to you again. If you "
    "send /start one day, you begin as a new user."
)
DELETE_KEPT: Final = N_("Okay, nothing was deleted.")
DELETE_STALE: Final = N_(
    "That confirmation is out of date, so nothing was deleted. Send /delete again if you "
    "still want to delete your data."
)
DELETE_ALREADY: Final = N_("Already done: there is nothing of yours left to delete.")


def delete_ask(days: int) -> str:
    return _(DELETE_ASK).format(days=plural(days, "{n} day", "{n} days"))


def deleted(rows: int) -> str:
    return _(DELETED).format(rows=plural(rows, "{n} row", "{n} rows"))
