"""A week in Spanish and a week in Russian, end to end through the emulator: onboarding, typed
answers in the person's language ("hecho", "готово"), effort in words, the registration
sentence, /progress, /evidence and the weekly review — every message in that language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest

from bot import texts
from bot.i18n import _, locale_of, use_locale
from bot.texts import checkin, efficacy, evidence, progress
from bot.texts import onboarding as t
from bot.texts.format import behaviour_name, format_amount, format_clock, format_day
from core.vocabulary import FailureReason
from sandbox.emulator import EmulatedUser
from sandbox.emulator.state import SentMessage
from storage.goals import active_goal
from storage.users import get_user_by_telegram_id
from tests.support.daily import challenges, services_of, stop_background_tick, utc
from tests.support.journeys import lead, read_until
from tests.support.notch import Notch


@dataclass(frozen=True)
class Person:
    telegram: str  # what their Telegram app says
    code: str  # the language Notch speaks to them
    zone: str
    done: str  # "done", as they type it
    hard: str  # "hard", as they type it
    failed: str
    reason: str  # "no time", as they type it
    skip: str  # "no target", as they type it
    send_utc_hour: int  # 07:30 local in June, in UTC
    minutes: tuple[str, str]  # "10 minutes", "11 minutes" as they read them


SPANISH = Person("es-419", "es", "Europe/Madrid", "hecho", "difícil", "no pude", "no tuve tiempo",
                 "paso", 5, ("10 minutos", "11 minutos"))
RUSSIAN = Person("ru", "ru", "Europe/Moscow", "готово", "тяжело", "не смог", "не было времени",
                 "пропустить", 4, ("10 минут", "11 минут"))
MONDAY = date(2026, 6, 1)


async def _expect(user: EmulatedUser, template: str, code: str) -> SentMessage:
    with use_locale(code):
        start = lead(_(template))
    assert start != lead(template)  # the language really differs from English here
    return await read_until(user, start)


async def _onboard(notch: Notch, ana: EmulatedUser, person: Person) -> None:
    code = person.code
    await ana.send_text("/start")
    with use_locale(code):
        greeting = texts.greeting("Ana")
        running = _(t.PRESETS[0].label)
        confirm, tomorrow = _(t.CONFIRM_BUTTON), _(t.TOMORROW)
    assert (await ana.next_message()).text == greeting
    await _expect(ana, t.ASK_BEHAVIOUR, code)
    await ana.press(running)
    await _expect(ana, t.ASK_BASELINE, code)
    await ana.send_text("10")
    await _expect(ana, t.ASK_TARGET, code)
    await ana.send_text(person.skip)  # "no target", in their words
    await _expect(ana, t.ASK_TIME, code)
    await ana.send_text("7:30")
    await _expect(ana, t.ASK_ZONE, code)
    await ana.send_text(person.zone)
    summary = await _expect(ana, t.SUMMARY, code)
    with use_locale(code):
        assert format_clock(time(7, 30)) in (summary.text or "")  # "7:30" in Spanish
    await ana.press(confirm)
    await _expect(ana, t.ASK_FIRST, code)
    await ana.send_text(tomorrow)  # typed, in their language
    await _expect(ana, t.DONE_TOMORROW, code)
    await _expect(ana, efficacy.LADDER_INTRO, code)


@pytest.mark.parametrize("person", [SPANISH, RUSSIAN], ids=["es", "ru"])
async def test_a_week_in_the_person_s_language(notch: Notch, person: Person) -> None:
    stop_background_tick(notch)
    notch.clock.now = utc(2026, 5, 31, 12, 0)  # a Sunday: the review comes on Sundays
    notch.language_code = person.telegram
    ana = notch.user(first_name="Ana")
    await _onboard(notch, ana, person)
    async with services_of(notch).session() as session:
        user = await get_user_by_telegram_id(session, ana.id)
        assert user is not None and user.locale is None  # no choice made: Telegram's language
        assert locale_of(user.locale, user.language_code) == person.code
        goal = await active_goal(session, user.id or 0)
        assert goal is not None and goal.behaviour == "running"  # stored as the template's key

    code = person.code
    await ana.send_text("qwzx blorp")  # no word of any language
    with use_locale(code):
        unknown = texts.unknown_text(onboarded=True, waiting=False)
    assert (await ana.next_message()).text == unknown != texts.UNKNOWN_TEXT
    for offset in range(6):  # Monday to Saturday; Sunday brings the weekly review too
        day = MONDAY + timedelta(days=offset)
        report = await notch.tick(utc(day.year, day.month, day.day, person.send_utc_hour, 30))
        assert report.sent == 1
        daily = await _expect(ana, checkin.DAILY, code)
        amount = (await challenges(notch))[-1].amount
        with use_locale(code):
            shown = format_amount(amount, "minutes")
            buttons = [_(checkin.DONE_BUTTON), _(checkin.FAIL_BUTTON), _(checkin.SKIP_BUTTON)]
        assert shown in (daily.text or "") and daily.buttons[:3] == buttons
        if offset == 3:  # a failure, told in words: no time is not evidence about ability
            await ana.send_text(person.failed)
            await _expect(ana, checkin.REASON_QUESTION, code)
            await ana.send_text(person.reason)
            await _expect(ana, checkin.ACHIEVED_QUESTION, code)  # "how many minutes?"
            await ana.send_text(person.skip)  # skipped, in their words
            with use_locale(code):
                logged = _(checkin.FAILED_NEXT[FailureReason.NO_TIME])
            note = await read_until(ana, logged[:20])
            assert (note.text or "").startswith(logged)
            continue
        await ana.send_text(person.done)
        with use_locale(code):
            asked = _(checkin.EFFORT_QUESTION).format(amount=shown)
        assert (await ana.next_message()).text == asked
        await ana.send_text(person.hard if offset % 2 else "3")
        registered = await _expect(ana, checkin.REGISTERED, code)
        with use_locale(code):
            assert format_day(day) in (registered.text or "")
    assert [c.status for c in await challenges(notch)] == [
        "done", "done", "done", "failed", "done", "done"]
    assert person.minutes[0] in (registered.text or "")  # "you started at 10 minutes"

    await ana.send_text("/progress")
    photo = await ana.next_message()
    while photo.kind != "photo":  # what made it work? and the like, left unread above
        photo = await ana.next_message()
    with use_locale(code):
        title = _(progress.CAPTION_TITLE).format(behaviour=_running(code))
    assert photo.kind == "photo" and (photo.caption or "").startswith(title)

    await ana.send_text("/evidence")
    log = await _expect(ana, evidence.TITLE, code)
    with use_locale(code):
        assert _running(code) in (log.text or "")

    # Sunday 7 June: the day's challenge, then the week's review, both in their language.
    report = await notch.tick(utc(2026, 6, 7, person.send_utc_hour, 30))
    assert (report.sent, report.reviews) == (1, 1)
    await _expect(ana, checkin.DAILY, code)
    review = await ana.next_message()
    with use_locale(code):
        title = efficacy.review_title(MONDAY - timedelta(days=1), MONDAY + timedelta(days=5))
    assert (review.text or "").startswith(title)


def _running(code: str) -> str:
    with use_locale(code):
        return behaviour_name("running")
