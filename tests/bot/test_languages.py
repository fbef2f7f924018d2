"""The languages themselves: which one a person gets, plurals, and dates, times and numbers in
each, through Babel and the catalogues (not the process's locale)."""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import get_day_names

from bot.i18n import (
    _,
    available_locales,
    language_name,
    locale_of,
    ngettext,
    resolve_locale,
    use_locale,
)
from bot.texts import checkin, evidence
from bot.texts.format import (
    format_amount,
    format_clock,
    format_day,
    format_day_month,
    format_number,
    percent,
    plural,
    weekday,
)
from core.clock import send_instant_for_day

LANGUAGES = ("en", "es", "ru", "pt_BR", "de")


@pytest.mark.parametrize(("telegram", "expected"), [
    ("es", "es"), ("es-419", "es"), ("es-MX", "es"), ("ru", "ru"), ("ru-RU", "ru"),
    ("pt-br", "pt_BR"), ("pt-BR", "pt_BR"), ("pt", "pt_BR"), ("pt-PT", "pt_BR"),
    ("de", "de"), ("de-AT", "de"), ("en", "en"), ("en-GB", "en"), ("fr", "en"), ("zh-hans", "en"),
    ("", "en"), (None, "en"), ("not a tag!", "en"), ("x" * 40, "en"),
])
def test_telegram_language_codes_map_to_an_offered_language(telegram: str | None,
                                                            expected: str) -> None:
    assert resolve_locale(telegram) == expected


def test_a_stored_choice_wins_over_telegram_and_a_withdrawn_one_falls_back() -> None:
    assert locale_of("ru", "es-419") == "ru"
    assert locale_of(None, "es-419") == "es"
    assert locale_of("fr", "de") == "en"  # "fr" is not offered: it reads as its own tag
    assert set(LANGUAGES) <= set(available_locales())


def test_each_language_is_named_in_itself() -> None:
    assert [language_name(code) for code in LANGUAGES] == [
        "English", "Español", "Русский", "Português (Brasil)", "Deutsch"]


@pytest.mark.parametrize(("n", "days", "minutes"), [
    (1, "1 день", "1 минута"), (2, "2 дня", "2 минуты"), (5, "5 дней", "5 минут"),
    (11, "11 дней", "11 минут"), (21, "21 день", "21 минута"), (22, "22 дня", "22 минуты"),
    (0, "0 дней", "0 минут"), (111, "111 дней", "111 минут"), (1004, "1 004 дня", "1 004 минуты"),
])
def test_russian_has_three_plural_forms(n: int, days: str, minutes: str) -> None:
    with use_locale("ru"):
        assert plural(n, "{n} day", "{n} days").replace("\xa0", " ") == days
        assert format_amount(n, "minutes").replace("\xa0", " ") == minutes


def test_russian_plural_inside_sentences() -> None:
    with use_locale("ru"):
        reason = checkin.plan_reason("after_gap", {"amount": 10, "days": 21}, "minutes")
        assert "21 день" in reason and "10 минут" in reason
        assert "5 успехов" in evidence.title("running", 5, date(2026, 6, 2), "10 минут")


@pytest.mark.parametrize(("code", "one", "many"), [
    ("es", "1 minuto", "2 minutos"), ("pt_BR", "1 minuto", "2 minutos"),
    ("de", "1 Minute", "2 Minuten"), ("en", "1 minute", "2 minutes"),
])
def test_template_units_follow_each_language(code: str, one: str, many: str) -> None:
    with use_locale(code):
        assert (format_amount(1, "minutes"), format_amount(2, "minutes")) == (one, many)
        assert format_amount(3, "laps") == "3 laps"  # the person's own unit, as they typed it


@pytest.mark.parametrize(("code", "number", "share"), [
    ("en", "1,050.5", "70 %"), ("es", "1.050,5", "70 %"), ("ru", "1 050,5", "70 %"),
    ("pt_BR", "1.050,5", "70%"), ("de", "1.050,5", "70 %"),
])
def test_numbers_follow_each_language(code: str, number: str, share: str) -> None:
    with use_locale(code):
        assert format_number(1050.5).replace("\xa0", " ") == number
        assert percent(70).replace("\xa0", " ") == share


# Europe's clocks went forward on 29 March 2026 and back on 25 October: a 07:30 challenge is
# 05:30 UTC before the spring change, 06:30 UTC the winter before and after, 07:30 local always.
SPRING = (date(2026, 3, 28), date(2026, 3, 29))
AUTUMN = (date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26))
EXPECTED_DAYS = {
    "en": ["Sat 28 Mar", "Sun 29 Mar", "Sat 24 Oct", "Sun 25 Oct", "Mon 26 Oct"],
    "es": ["sáb 28 mar", "dom 29 mar", "sáb 24 oct", "dom 25 oct", "lun 26 oct"],
    "ru": ["сб, 28 мар.", "вс, 29 мар.", "сб, 24 окт.", "вс, 25 окт.", "пн, 26 окт."],
    "pt_BR": ["sáb., 28 de mar.", "dom., 29 de mar.", "sáb., 24 de out.", "dom., 25 de out.",
              "seg., 26 de out."],
    "de": ["Sa., 28. März", "So., 29. März", "Sa., 24. Okt.", "So., 25. Okt.", "Mo., 26. Okt."],
}


@pytest.mark.parametrize("code", LANGUAGES)
def test_dates_and_times_in_every_language_across_dst(code: str) -> None:
    zone = ZoneInfo("Europe/Berlin")
    with use_locale(code):
        shown = []
        for day in (*SPRING, *AUTUMN):
            at = send_instant_for_day(day, zone, time(7, 30)).astimezone(zone)
            assert (at.date(), format_clock(at.time())) == (day, format_clock(time(7, 30)))
            shown.append(format_day(day))
        assert shown == EXPECTED_DAYS[code]
        assert format_clock(time(7, 5)) == ("7:05" if code == "es" else "07:05")
        offsets = {send_instant_for_day(day, zone, time(7, 30)).utcoffset() for day in SPRING}
        assert offsets == {timedelta(0)}  # instants are UTC; only the wall clock is local
        names = get_day_names("wide", context="format", locale=code)
        assert weekday(6) == str(names[6])  # inside a sentence: the language's own case


def test_the_issue_s_own_examples() -> None:
    wednesday = date(2026, 12, 2)
    with use_locale("es"):
        assert format_day(wednesday) == "mié 2 dic"
    with use_locale("ru"):
        assert format_day_month(wednesday) == "2 дек."
    with use_locale("de"):
        assert format_number(1050) == "1.050"


def test_every_language_translates_the_daily_buttons() -> None:
    labels = {}
    for code in LANGUAGES:
        with use_locale(code):
            labels[code] = (_(checkin.DONE_BUTTON), _(checkin.FAIL_BUTTON),
                            ngettext("{n} day", "{n} days", 2))
    assert len({words for words in labels.values()}) == len(LANGUAGES)


def test_a_language_started_in_one_task_does_not_leak_into_another() -> None:
    import asyncio

    async def speak(code: str, out: dict[str, str]) -> None:
        with use_locale(code):
            await asyncio.sleep(0)
            out[code] = _(checkin.DONE_BUTTON)

    async def both() -> dict[str, str]:
        out: dict[str, str] = {}
        await asyncio.gather(speak("es", out), speak("de", out), speak("ru", out))
        return out

    said = asyncio.run(both())
    with use_locale("es"):
        spanish = _(checkin.DONE_BUTTON)
    assert said["es"] == spanish and len(set(said.values())) == 3
    assert _(checkin.DONE_BUTTON) == checkin.DONE_BUTTON  # outside: English


def test_datetime_is_not_formatted_by_the_process_locale() -> None:
    """No strftime for people: what a person reads comes from Babel (bot.texts.format)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "bot"
    offenders = [str(path) for path in root.rglob("*.py") if ".strftime(" in path.read_text()]
    assert offenders == []


@pytest.mark.parametrize(("code", "typed", "stored", "one", "five"), [
    ("ru", "минуты", "minutes", "1 минута", "5 минут"),
    ("es", "páginas", "pages", "1 página", "5 páginas"),
    ("de", "Minuten", "minutes", "1 Minute", "5 Minuten"),
    ("pt_BR", "palavras", "words", "1 palavra", "5 palavras"),
    ("ru", "отжимания", "отжимания", "1 отжимания", "5 отжимания"),  # theirs: kept as typed
    ("en", "min", "min", "1 min", "5 min"),
])
def test_a_unit_typed_in_the_person_s_language_is_counted_in_it(
        code: str, typed: str, stored: str, one: str, five: str) -> None:
    """The unit question's own examples ("минуты") become the unit Notch can count in every
    language, so "21 минута" comes out right; a unit of their own is kept as they typed it."""
    from bot.onboarding_steps import _known_unit

    with use_locale(code):
        unit = _known_unit(typed.casefold())
        assert unit == stored.casefold()
        assert (format_amount(1, unit), format_amount(5, unit)) == (one, five)


def test_the_chart_s_dates_are_babel_s() -> None:
    from matplotlib.dates import date2num

    from bot.charts import _tick_day

    day = float(date2num(date(2026, 12, 2)))  # type: ignore[no-untyped-call]
    with use_locale("ru"):
        assert _tick_day(day, None) == "2 дек."
    with use_locale("de"):
        assert _tick_day(day, None) == "2. Dez."
    assert _tick_day(day, None) == "2 Dec"


def test_which_city_names_the_country_in_the_reader_s_language() -> None:
    from datetime import UTC, datetime

    from bot.timezone_lookup import zone_for_city
    from core.timezones import ZoneChoice

    now = datetime(2026, 6, 1, tzinfo=UTC)
    labels = {}
    for code in ("en", "ru", "es", "de"):
        with use_locale(code):
            found = zone_for_city("Valencia", now)
            assert isinstance(found, ZoneChoice)
            labels[code] = [option.label for option in found.options]
    assert "Valencia, Spain" in labels["en"] and "Valencia, Испания" in labels["ru"]
    assert "Valencia, España" in labels["es"] and "Valencia, Spanien" in labels["de"]
