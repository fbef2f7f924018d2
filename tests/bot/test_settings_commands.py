"""/settings (time, zone, step), /pause with and without a date, /resume, /stop, /help."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlmodel import select

from bot import texts
from bot.i18n import _, use_locale
from bot.texts import checkin
from bot.texts import onboarding as to
from bot.texts import settings as t
from bot.texts.format import weekday
from core.clock import local_day
from sandbox.emulator import EmulatedUser
from sandbox.emulator.state import SentMessage
from storage.db import create_engine, make_session_factory
from storage.models import Conversation, Goal, User
from tests.support.daily import stop_background_tick
from tests.support.journeys import lead, onboard, read_until
from tests.support.notch import Notch


async def _state(notch: Notch) -> tuple[User, Goal, list[Conversation]]:
    engine = create_engine(notch.database_url)
    try:
        async with make_session_factory(engine)() as session:
            user = (await session.exec(select(User))).one()
            goal = (await session.exec(select(Goal))).one()
            conversations = list((await session.exec(select(Conversation))).all())
    finally:
        await engine.dispose()
    return user, goal, conversations


async def _say(user: EmulatedUser, text: str) -> SentMessage:
    await user.send_text(text)
    return await user.next_message()


async def _pick(user: EmulatedUser, label: str) -> SentMessage:
    await user.send_text("/settings")
    menu = await user.next_message()
    await (await user.press(label, message=menu)).answered()
    return await user.next_message()


async def test_settings_needs_a_goal_first(notch: Notch) -> None:
    ada = notch.user()
    for command in ("/settings", "/pause", "/resume"):
        assert (await _say(ada, command)).text == texts.NEED_SETUP


async def test_settings_changes_time_zone_and_step(notch: Notch) -> None:
    ada = notch.user()
    await onboard(notch, ada)
    await ada.send_text("/settings")
    menu = await read_until(ada, "What would you like")
    user, _, _ = await _state(notch)
    started = weekday(local_day(user.created_at, "Europe/Berlin").weekday())
    assert menu.text == t.MENU.format(time="07:30", zone="Europe/Berlin", offset="UTC+2",
                                      step="1 minute", celebrate=t.CELEBRATE_ON,
                                      review=t.REVIEW_DEFAULT.format(day=started),
                                      language="English")
    assert menu.buttons == [t.TIME_BUTTON, t.ZONE_BUTTON, t.STEP_BUTTON,
                            t.CELEBRATE_TURN_OFF_BUTTON, t.REVIEW_BUTTON, t.LANGUAGE_BUTTON]
    # Daily time: the onboarding parser and its re-prompts; 18:15 is still ahead today.
    await (await ada.press(t.TIME_BUTTON)).answered()
    assert (await ada.next_message()).text == to.ASK_TIME
    assert (await _say(ada, "3:00")).text == to.TIME_AT_NIGHT.format(time="03:00")
    assert (await _say(ada, "6:15 pm")).text == t.TIME_CHANGED.format(
        time="18:15", zone="Europe/Berlin", when=t.WHEN_TODAY.format(time="18:15"))
    user, _, conversations = await _state(notch)
    assert user.send_time == time(18, 15) and conversations == []
    assert user.next_send_at == datetime(2026, 6, 1, 16, 15, tzinfo=UTC)
    # Time zone: a city; then an offset, with the daylight-saving note.
    assert (await _pick(ada, t.ZONE_BUTTON)).text == to.ASK_ZONE
    assert (await _say(ada, "Atlantis, Narnia")).text == to.ZONE_NOT_FOUND.format(
        text="Atlantis, Narnia")
    assert (await _say(ada, "Tokyo")).text == t.ZONE_CHANGED.format(
        zone="Asia/Tokyo", offset="UTC+9", when=t.WHEN_TODAY.format(time="18:15"))
    user, _, _ = await _state(notch)
    assert user.timezone == "Asia/Tokyo"
    assert user.next_send_at == datetime(2026, 6, 1, 9, 15, tzinfo=UTC)
    await _pick(ada, t.ZONE_BUTTON)
    assert (await _say(ada, "UTC+5:45")).text == to.FIXED_OFFSET.format(offset="UTC+5:45")
    assert (await ada.next_message()).text == t.ZONE_CHANGED.format(
        zone="Asia/Kathmandu", offset="UTC+5:45", when=t.WHEN_TODAY.format(time="18:15"))
    # A whole-hour offset is stored as Etc/GMT-2 but shown as UTC+2, everywhere.
    await _pick(ada, t.ZONE_BUTTON)
    assert (await _say(ada, "+2")).text == to.FIXED_OFFSET.format(offset="UTC+2")
    assert (await ada.next_message()).text == t.ZONE_CHANGED.format(
        zone="UTC+2", offset=to.ZONE_FIXED, when=t.WHEN_TODAY.format(time="18:15"))
    user, _, _ = await _state(notch)
    assert user.timezone == "Etc/GMT-2"
    await _pick(ada, t.TIME_BUTTON)
    assert (await _say(ada, "18:15")).text == t.TIME_CHANGED.format(
        time="18:15", zone="UTC+2", when=t.WHEN_TODAY.format(time="18:15"))
    await ada.send_text("/settings")
    shown = await read_until(ada, "What would you like")
    assert shown.text is not None and "- time zone: UTC+2 (fixed)" in shown.text
    await ada.send_text("/start")
    start_menu = await ada.next_message()
    assert start_menu.text is not None and "(UTC+2)" in start_menu.text
    assert "Etc/" not in start_menu.text
    # A name several places share is asked about, with a button for each.
    await _pick(ada, t.ZONE_BUTTON)
    which = await _say(ada, "Springfield")
    assert which.text == to.ZONE_WHICH.format(text="Springfield")
    assert which.buttons == ["Springfield, Missouri (UTC-5)",
                             "Springfield, Massachusetts (UTC-4)", "Springfield, Oregon (UTC-7)"]
    await (await ada.press("Springfield, Massachusetts (UTC-4)", message=which)).answered()
    assert (await ada.next_message()).text == t.ZONE_CHANGED.format(
        zone="America/New_York", offset="UTC-4", when=t.WHEN_TODAY.format(time="18:15"))
    user, _, _ = await _state(notch)
    assert user.timezone == "America/New_York"
    # A shared location answers too.
    await _pick(ada, t.ZONE_BUTTON)
    await ada.send_location(52.52, 13.40)
    assert (await ada.next_message()).text == t.ZONE_CHANGED.format(
        zone="Europe/Berlin", offset="UTC+2", when=t.WHEN_TODAY.format(time="18:15"))
    # Step: a number of the goal's unit.
    step_question = await _pick(ada, t.STEP_BUTTON)
    assert step_question.text == t.ASK_STEP.format(behaviour="running", step="1 minute",
                                                   example="2 minutes")
    await ada.send_sticker()
    assert (await ada.next_message()).text == f"{to.NOT_TEXT}\n{step_question.text}"
    assert (await _say(ada, "a bit")).text == to.AMOUNT_NOT_A_NUMBER.format(
        text="a bit", example="2 minutes")
    assert (await _say(ada, "5 pages")).text == to.AMOUNT_WRONG_UNIT.format(
        unit="minutes", example="2 minutes")
    assert (await _say(ada, "2 min")).text == t.STEP_CHANGED.format(
        behaviour="running", step="2 minutes")
    _, goal, conversations = await _state(notch)
    assert goal.step == 2 and conversations == []


async def test_cancel_leaves_settings_unchanged(notch: Notch) -> None:
    ada = notch.user()
    await onboard(notch, ada)
    await _pick(ada, t.TIME_BUTTON)
    assert (await _say(ada, "/cancel")).text == texts.CANCELLED
    assert (await _say(ada, "9:00")).text == texts.UNKNOWN_TEXT
    user, _, conversations = await _state(notch)
    assert user.send_time == time(7, 30) and conversations == []


async def test_pause_until_resume_and_resume(notch: Notch) -> None:
    ada = notch.user()
    await onboard(notch, ada)
    ask = await _say(ada, "/pause")
    assert ask.text == t.PAUSE_ASK.format(example="2026-06-08")
    assert ask.buttons == [t.PAUSE_OPEN_BUTTON]
    await (await ada.press(t.PAUSE_OPEN_BUTTON)).answered()
    assert (await ada.next_message()).text == t.PAUSED_OPEN
    user, _, _ = await _state(notch)
    assert (user.status, user.paused_until, user.next_send_at) == ("paused", None, None)
    await ada.send_text("/start")
    assert (await ada.next_message()).text == to.menu(
        name="Ada", behaviour="running", time="07:30", zone="Europe/Berlin", paused=True,
        paused_until=None)
    assert (await _say(ada, "/resume")).text == t.RESUMED.format(
        when=t.WHEN_TOMORROW.format(time="07:30"))
    user, _, _ = await _state(notch)
    assert user.status == "active"
    assert user.next_send_at == datetime(2026, 6, 2, 5, 30, tzinfo=UTC)
    assert (await _say(ada, "/resume")).text == t.NOT_PAUSED


async def test_pause_with_a_date(notch: Notch) -> None:
    ada = notch.user()
    await onboard(notch, ada)
    for command, reply in {
        "/pause 2026-13-01": t.PAUSE_BAD_DATE.format(text="2026-13-01", example="2026-06-08"),
        "/pause someday": t.PAUSE_BAD_DATE.format(text="someday", example="2026-06-08"),
        "/pause 2026-06-01": t.PAUSE_NOT_FUTURE.format(date="Mon 1 Jun 2026",
                                                       example="2026-06-08"),
        "/pause 2027-07-01": t.PAUSE_TOO_FAR,
    }.items():
        assert (await _say(ada, command)).text == reply, command
    user, _, _ = await _state(notch)
    assert user.status == "active"
    assert (await _say(ada, "/pause until 2026-06-10")).text == t.PAUSED_UNTIL.format(
        date="Wed 10 Jun 2026", time="07:30")
    user, _, _ = await _state(notch)
    assert (user.status, user.paused_until) == ("paused", date(2026, 6, 10))
    assert user.next_send_at == datetime(2026, 6, 10, 5, 30, tzinfo=UTC)
    # A second pause moves the end date.
    assert (await _say(ada, "/pause 2026-06-05")).text == t.PAUSED_UNTIL.format(
        date="Fri 5 Jun 2026", time="07:30")
    user, _, _ = await _state(notch)
    assert user.next_send_at == datetime(2026, 6, 5, 5, 30, tzinfo=UTC)


async def test_pause_reads_dates_and_lengths_as_people_write_them(notch: Notch) -> None:
    ada = notch.user()
    await onboard(notch, ada)  # today is Mon 1 Jun 2026 in Berlin
    for command, until in {
        "/pause until 10 June": date(2026, 6, 10),
        "/pause for a week": date(2026, 6, 8),
        "/pause 3 days": date(2026, 6, 4),
        "/pause 2 weeks": date(2026, 6, 15),
        "/pause until Monday": date(2026, 6, 8),
    }.items():
        reply = await _say(ada, command)
        assert reply.text == t.PAUSED_UNTIL.format(
            date=t.format_date(until), time="07:30"), command
        user, _, _ = await _state(notch)
        assert (user.status, user.paused_until) == ("paused", until), command


async def test_stop_keeps_everything_and_start_resumes(notch: Notch) -> None:
    ada = notch.user()
    await onboard(notch, ada)
    assert (await _say(ada, "/stop")).text == t.STOPPED
    user, goal, _ = await _state(notch)
    assert (user.status, user.next_send_at, goal.active) == ("stopped", None, True)
    assert (await _say(ada, "/stop")).text == t.ALREADY_STOPPED
    # Stopped: /pause says so at once (no date asked for, then refused).
    assert (await _say(ada, "/pause")).text == t.PAUSE_NOT_NOW
    assert (await _say(ada, "/pause for a week")).text == t.PAUSE_NOT_NOW
    user, _, _ = await _state(notch)
    assert user.status == "stopped"
    await ada.send_text("/start")
    assert (await ada.next_message()).text == to.REACTIVATED.format(
        when=t.WHEN_TOMORROW.format(time="07:30"))
    user, _, _ = await _state(notch)
    assert user.status == "active" and user.next_send_at is not None


async def test_help_lists_every_command_of_the_daily_loop(notch: Notch) -> None:
    ada = notch.user()
    reply = await _say(ada, "/help")
    names = [name for name, _ in texts.COMMANDS]
    assert names == ["start", "today", "skip", "pause", "resume", "evidence", "progress",
                     "settings", "stop", "cancel", "privacy", "export", "delete", "help"]
    assert reply.text is not None
    for name in names:
        assert f"/{name} - " in reply.text


async def test_celebration_off_and_on_and_a_double_tap(notch: Notch) -> None:
    ada = notch.user()
    await onboard(notch, ada)
    await ada.send_text("/settings")
    menu = await read_until(ada, "What would you like")
    await (await ada.press(t.CELEBRATE_TURN_OFF_BUTTON, message=menu)).answered()
    assert (await read_until(ada, t.CELEBRATE_NOW_OFF)).text == t.CELEBRATE_NOW_OFF
    user, _, _ = await _state(notch)
    assert user.celebrate is False
    # The old menu's button again (a double tap): nothing changes, and it says so.
    await (await ada.press(t.CELEBRATE_TURN_OFF_BUTTON, message=menu)).answered()
    assert (await ada.next_message()).text == t.CELEBRATE_ALREADY_OFF
    menu = await _say(ada, "/settings")
    assert menu.text is not None and f"- celebration: {t.CELEBRATE_OFF}\n" in menu.text
    assert t.CELEBRATE_TURN_ON_BUTTON in menu.buttons
    await (await ada.press(t.CELEBRATE_TURN_ON_BUTTON, message=menu)).answered()
    assert (await ada.next_message()).text == t.CELEBRATE_NOW_ON
    user, _, _ = await _state(notch)
    assert user.celebrate is True


async def test_review_day_buttons_store_the_weekday(notch: Notch) -> None:
    ada = notch.user()
    await onboard(notch, ada)
    await ada.send_text("/settings")
    menu = await read_until(ada, "What would you like")
    await (await ada.press(t.REVIEW_BUTTON, message=menu)).answered()
    ask = await ada.next_message()
    assert ask.text is not None and ask.text.startswith(t.ASK_REVIEW.split("{")[0])
    assert ask.buttons == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    await (await ada.press("Wed", message=ask)).answered()
    assert (await ada.next_message()).text == t.REVIEW_CHANGED.format(day="Wednesday")
    user, _, conversations = await _state(notch)
    assert user.review_weekday == 2 and user.next_send_at is not None
    assert all(c.topic != "settings" for c in conversations)
    menu = await _say(ada, "/settings")
    assert menu.text is not None and "- weekly review: Wednesday\n" in menu.text
    await (await ada.press("Sun", message=ask)).answered()
    assert (await ada.next_message()).text == t.REVIEW_CHANGED.format(day="Sunday")
    user, _, _ = await _state(notch)
    assert user.review_weekday == 6


async def test_switching_the_language_changes_the_next_scheduled_message(notch: Notch) -> None:
    stop_background_tick(notch)
    ada = notch.user()
    await onboard(notch, ada)  # in English: the emulated phone says "en"
    menu = await _say(ada, "/settings")
    await (await ada.press(t.LANGUAGE_BUTTON, message=menu)).answered()
    ask = await ada.next_message()
    assert ask.text == t.ASK_LANGUAGE.format(language="English")
    assert ask.buttons == ["English", "Deutsch", "Español", "Português (Brasil)", "Русский"]
    await (await ada.press("Español", message=ask)).answered()
    with use_locale("es"):
        changed = _(t.LANGUAGE_CHANGED).format(language="Español")
        daily_lead, done_label = lead(_(checkin.DAILY)), _(checkin.DONE_BUTTON)
        spanish_menu = lead(_(t.MENU))
    assert changed != t.LANGUAGE_CHANGED.format(language="Español")  # really translated
    assert (await ada.next_message()).text == changed
    with use_locale("es"):  # and this chat's command menu, whatever the phone's language
        menu_es = [{"command": name, "description": description}
                   for name, description in texts.commands()]
    await notch.emulator.settle()  # the menu is set after the answer
    assert notch.emulator.state.commands_by_scope[("chat", "")] == menu_es
    user, _goal, _rows = await _state(notch)
    assert user.locale == "es" and user.language_code == "en"  # the choice, not the phone's
    assert (await _say(ada, "/settings")).text.startswith(spanish_menu)  # type: ignore[union-attr]

    assert user.next_send_at is not None
    assert (await notch.tick(user.next_send_at)).sent == 1
    daily = await ada.next_message()
    assert (daily.text or "").startswith(daily_lead) and daily_lead != lead(checkin.DAILY)
    with use_locale("es"):
        spanish_row = [_(checkin.DONE_BUTTON), _(checkin.FAIL_BUTTON), _(checkin.SKIP_BUTTON)]
    assert daily.buttons[:3] == spanish_row and spanish_row[0] == done_label
    assert done_label != checkin.DONE_BUTTON

    await (await ada.press("English", message=ask)).answered()  # back again, same message
    assert (await ada.next_message()).text == t.LANGUAGE_CHANGED.format(language="English")
    assert (await _state(notch))[0].locale == "en"
