"""The answer readers that onboarding and /settings share: typed text -> a value, or the re-prompt.

Each reader returns the value it read or, as a `str`, the specific re-prompt naming what was
wrong, so a caller never writes its own "try again". `zone_offset_label` and `local_clock` say
a zone back to the user (the summary, "Time zone changed"); `zone_question` asks which place a
shared city name means, with buttons (`bot.keyboards`). Nothing here sends to Telegram or touches
the database: the handlers (`bot.handlers.onboarding`, `bot.handlers.settings`) do.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, time

from telegram import InlineKeyboardMarkup

from bot import texts, timezone_lookup
from bot.i18n import _
from bot.keyboards import zone_choice_keyboard
from bot.lexicons import current_lexicon
from bot.texts import onboarding as t
from bot.texts.format import unit_name
from core.clock import DAY_CLOSE, TimeParseError, TimeParseReason, get_zone, parse_daily_time
from core.replies import AmountError, AmountErrorReason, parse_amount
from core.timezones import ZoneAnswer, ZoneChoice, ZoneError, ZoneErrorReason, format_offset

MAX_AMOUNT = 100_000.0
LONG_TEXT = 1000  # characters; any answer to a question fits in a line


def amount_error(error: AmountError, *, unit: str, example: str,
                 baseline: str | None = None) -> str:
    """The specific re-prompt for an amount that did not parse."""
    reason = error.reason
    if reason is AmountErrorReason.EMPTY:
        return _(t.AMOUNT_EMPTY).format(example=example)
    if reason is AmountErrorReason.RANGE_GIVEN:
        return _(t.AMOUNT_RANGE)
    if reason in (AmountErrorReason.NOT_POSITIVE, AmountErrorReason.NEGATIVE):
        return _(t.AMOUNT_NOT_POSITIVE)
    if reason is AmountErrorReason.TOO_LARGE:
        return _(t.AMOUNT_TOO_LARGE).format(maximum=texts.format_amount(MAX_AMOUNT, unit or None))
    if reason is AmountErrorReason.OFF_STEP:
        return _(t.AMOUNT_OFF_STEP).format(step="{step}",
                                        suggestion=texts.format_amount(error.suggestion or 0))
    if reason is AmountErrorReason.WRONG_UNIT:
        return _(t.AMOUNT_WRONG_UNIT).format(unit=unit_name(unit), example=example)
    if reason is AmountErrorReason.NOT_ABOVE_CURRENT:
        return _(t.TARGET_NOT_ABOVE).format(baseline=baseline)
    return _(t.AMOUNT_NOT_A_NUMBER).format(text=error.text.strip(), example=example)


def read_amount(text: str, *, step: float | None, unit: str | None, example: str) -> float | str:
    """A positive amount on the goal's step, or the re-prompt saying what was wrong."""
    found = parse_amount(text, current_lexicon(), step=step, unit=unit, maximum=MAX_AMOUNT)
    if isinstance(found, AmountError):
        return amount_error(found, unit=unit or "", example=example).replace(
            "{step}", texts.format_amount(step or 1, unit))
    return found


def read_daily_time(text: str) -> time | str:
    """A send time, refusing the night hours that belong to the previous local day."""
    found = parse_daily_time(text, current_lexicon())
    if isinstance(found, TimeParseError):
        if found.reason is TimeParseReason.HOUR_OUT_OF_RANGE:
            return _(t.TIME_HOUR).format(text=text.strip())
        if found.reason is TimeParseReason.MINUTE_OUT_OF_RANGE:
            return _(t.TIME_MINUTE)
        return _(t.TIME_NOT_A_TIME).format(text=text.strip())
    if found < DAY_CLOSE:
        return _(t.TIME_AT_NIGHT).format(time=texts.format_clock(found.hour, found.minute))
    return found


def zone_error(error: ZoneError | None, text: str) -> str:
    """The re-prompt for a zone answer that did not resolve (None: nothing matched at all)."""
    if error is None:
        return _(t.ZONE_NOT_FOUND).format(text=text.strip())
    reason = error.reason
    if reason is ZoneErrorReason.OFFSET_OUT_OF_RANGE:
        return _(t.ZONE_OFFSET_RANGE).format(text=text.strip())
    if reason is ZoneErrorReason.OFFSET_NOT_QUARTER_HOUR:
        return _(t.ZONE_OFFSET_QUARTER).format(text=text.strip())
    if reason is ZoneErrorReason.NO_ZONE_AT_OFFSET:
        if error.offset_minutes is None:
            return _(t.ZONE_NO_ZONE_AT_THAT_OFFSET)
        return _(t.ZONE_NO_ZONE_AT).format(offset=format_offset(error.offset_minutes))
    if reason is ZoneErrorReason.TIME_NEEDS_MINUTES:
        return _(t.ZONE_NEEDS_MINUTES)
    if reason is ZoneErrorReason.LOCATION_OUT_OF_RANGE:
        return _(t.ZONE_BAD_LOCATION)
    return _(t.ZONE_AMBIGUOUS).format(text=text.strip())


async def read_zone_text(text: str, now: datetime) -> ZoneAnswer | ZoneChoice | str:
    """Resolve a typed zone answer off the event loop (the first lookup may build the index);
    a name several places share comes back as a `ZoneChoice` to ask about (`zone_question`)."""
    found = await asyncio.to_thread(timezone_lookup.resolve_timezone, text, now)
    if isinstance(found, ZoneAnswer | ZoneChoice):
        return found
    return zone_error(found, text)


def zone_question(choice: ZoneChoice) -> tuple[str, InlineKeyboardMarkup]:
    """"More than one place is called Portland. Which one?", with a button for each."""
    return _(t.ZONE_WHICH).format(text=choice.text), zone_choice_keyboard(choice)


async def read_zone_location(latitude: float, longitude: float, now: datetime) -> ZoneAnswer | str:
    """The zone at a shared location, off the event loop."""
    found = await asyncio.to_thread(timezone_lookup.zone_for_location, latitude, longitude, now)
    if isinstance(found, ZoneAnswer):
        return found
    return _(t.ZONE_LOCATION_UNKNOWN) if found is None else zone_error(found, "")


def zone_notes(answer: ZoneAnswer) -> list[str]:
    """What to say about an accepted zone beyond the summary: a fixed offset ignores DST."""
    if answer.is_fixed_offset:
        return [_(t.FIXED_OFFSET).format(offset=format_offset(answer.utc_offset_minutes))]
    return []


def zone_offset_label(zone: str, now: datetime) -> str:
    """"UTC+1" for `zone` at `now`."""
    offset = now.astimezone(get_zone(zone)).utcoffset()
    minutes = 0 if offset is None else int(offset.total_seconds() // 60)
    return format_offset(minutes)


def zone_shown(zone: str, now: datetime) -> tuple[str, str]:
    """A zone as people read it: its name and its offset at `now`, ("Europe/Berlin", "UTC+2").
    A fixed offset (Etc/GMT-2, Etc/UTC) has no name people know, and the sign of the Etc names
    is reversed (Etc/GMT-2 is UTC+2), so it is shown as the offset itself: ("UTC+2", "fixed")."""
    offset = zone_offset_label(zone, now)
    if is_fixed_zone(zone):
        return offset, _(t.ZONE_FIXED)
    return zone, offset


def zone_name(zone: str, now: datetime) -> str:
    """The name part of `zone_shown`: "Europe/Berlin", or "UTC+2" for Etc/GMT-2."""
    return zone_shown(zone, now)[0]


def is_fixed_zone(zone: str) -> bool:
    """Etc/GMT±N, Etc/UTC and their aliases: an offset, not a place."""
    return zone.startswith("Etc/") or zone in ("UTC", "GMT", "Zulu", "UCT", "Universal")


def local_clock(zone: str, now: datetime) -> str:
    """The wall clock in `zone` at `now`, "15:40"."""
    local = now.astimezone(get_zone(zone))
    return texts.format_clock(local.hour, local.minute)
