"""Local-time arithmetic: DST days, the 04:00 day close, follow-ups, naive-datetime refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.clock import (
    SnoozeChoice,
    TimeParseError,
    TimeParseReason,
    day_close_instant,
    day_open_instant,
    followup_instant,
    has_explicit_minutes,
    local_day,
    next_send_instant,
    parse_daily_time,
    send_instant_for_day,
    snooze_instant,
)
from tests.support.words import EN


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"


# --------------------------------------------------------------------------- parse_daily_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7:30", time(7, 30)),
        ("07:30", time(7, 30)),
        ("7.30", time(7, 30)),
        ("7h30", time(7, 30)),
        ("7:30 pm", time(19, 30)),
        ("7:30PM", time(19, 30)),
        ("7 p.m.", time(19, 0)),
        ("7pm", time(19, 0)),
        ("7 am", time(7, 0)),
        ("12 am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("12:15 am", time(0, 15)),
        ("19", time(19, 0)),
        ("19h", time(19, 0)),
        ("19 Uhr", time(19, 0)),
        ("0730", time(7, 30)),
        ("  at 6:05  ", time(6, 5)),
        ("noon", time(12, 0)),
        ("Midnight", time(0, 0)),
        ("24:00", time(0, 0)),
        ("7", time(7, 0)),
    ],
)
def test_parse_daily_time_accepts_common_forms(text: str, expected: time) -> None:
    assert parse_daily_time(text, EN) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", TimeParseReason.EMPTY),
        ("   ", TimeParseReason.EMPTY),
        ("soon", TimeParseReason.NOT_A_TIME),
        ("7:3", TimeParseReason.NOT_A_TIME),
        ("25:00", TimeParseReason.HOUR_OUT_OF_RANGE),
        ("24:30", TimeParseReason.HOUR_OUT_OF_RANGE),
        ("13 pm", TimeParseReason.HOUR_OUT_OF_RANGE),
        ("0 am", TimeParseReason.HOUR_OUT_OF_RANGE),
        ("7:60", TimeParseReason.MINUTE_OUT_OF_RANGE),
        ("-7", TimeParseReason.NOT_A_TIME),
    ],
)
def test_parse_daily_time_rejects_with_reason(text: str, reason: TimeParseReason) -> None:
    result = parse_daily_time(text, EN)
    assert isinstance(result, TimeParseError)
    assert result.reason is reason


def test_has_explicit_minutes() -> None:
    assert has_explicit_minutes("15:40", EN)
    assert has_explicit_minutes("3.40 pm", EN)
    assert not has_explicit_minutes("3pm", EN)
    assert not has_explicit_minutes("15", EN)


@given(st.integers(0, 23), st.integers(0, 59))
def test_parse_daily_time_round_trips_24h_and_12h(hour: int, minute: int) -> None:
    assert parse_daily_time(f"{hour}:{minute:02d}", EN) == time(hour, minute)
    assert parse_daily_time(f"{hour:02d}.{minute:02d}", EN) == time(hour, minute)
    twelve = hour % 12 or 12
    suffix = "pm" if hour >= 12 else "am"
    assert parse_daily_time(f"{twelve}:{minute:02d} {suffix}", EN) == time(hour, minute)


# --------------------------------------------------------------------------- naive / unknown


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 3, 29, 12, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        next_send_instant(naive, BERLIN, time(7, 30))
    with pytest.raises(ValueError, match="timezone-aware"):
        local_day(naive, BERLIN)
    with pytest.raises(ValueError, match="timezone-aware"):
        followup_instant(naive, BERLIN)


def test_unknown_zone_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown IANA time zone"):
        next_send_instant(utc(2026, 1, 1), "Mars/Olympus_Mons", time(7))


def test_aware_non_utc_input_is_accepted_and_output_is_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    now = datetime(2026, 6, 1, 8, 0, tzinfo=plus_two)  # 06:00 UTC = 08:00 Berlin (CEST)
    result = next_send_instant(now, BERLIN, time(9, 0))
    assert result == utc(2026, 6, 1, 7, 0)
    assert result.tzinfo is UTC


def test_send_time_with_tzinfo_is_refused() -> None:
    with pytest.raises(ValueError, match="naive local wall time"):
        send_instant_for_day(date(2026, 1, 1), BERLIN, time(7, tzinfo=UTC))


# --------------------------------------------------------------------------- Europe/Berlin DST


def test_berlin_spring_gap_moves_forward_by_the_gap() -> None:
    # 2026-03-29: 02:00 CET → 03:00 CEST; 02:30 does not exist and becomes 03:30 CEST.
    # A 02:30 send time is before 04:00, so the 29th's slot is on the calendar 30th (normal)...
    instant = send_instant_for_day(date(2026, 3, 29), BERLIN, time(2, 30))
    assert local_day(instant, BERLIN) == date(2026, 3, 29)
    assert instant == utc(2026, 3, 30, 0, 30)
    # ...and the 28th's slot is the non-existent 02:30 of the 29th.
    gap = send_instant_for_day(date(2026, 3, 28), BERLIN, time(2, 30))
    assert local_day(gap, BERLIN) == date(2026, 3, 28)
    assert gap == utc(2026, 3, 29, 1, 30)
    assert gap.astimezone(ZoneInfo(BERLIN)).time() == time(3, 30)


def test_berlin_spring_day_normal_send_times() -> None:
    day = date(2026, 3, 29)
    assert send_instant_for_day(day, BERLIN, time(7, 30)) == utc(2026, 3, 29, 5, 30)  # CEST
    assert send_instant_for_day(date(2026, 3, 28), BERLIN, time(7, 30)) == utc(2026, 3, 28, 6, 30)
    # The evening before the change, the next send is 23 hours of wall clock later but 22 h real.
    now = utc(2026, 3, 28, 7, 0)  # 08:00 CET, just after Saturday's send
    assert next_send_instant(now, BERLIN, time(7, 30)) == utc(2026, 3, 29, 5, 30)


def test_berlin_next_send_in_the_gap_from_just_before() -> None:
    now = utc(2026, 3, 29, 0, 59)  # 01:59 CET
    assert next_send_instant(now, BERLIN, time(2, 15)) == utc(2026, 3, 29, 1, 15)  # 03:15 CEST


def test_berlin_fall_back_takes_first_occurrence() -> None:
    # 2026-10-25: 03:00 CEST → 02:00 CET; 02:30 happens at 00:30 UTC and again at 01:30 UTC.
    first = send_instant_for_day(date(2026, 10, 24), BERLIN, time(2, 30))
    assert first == utc(2026, 10, 25, 0, 30)
    now_between = utc(2026, 10, 25, 0, 45)  # after the first 02:30, before the second
    following = next_send_instant(now_between, BERLIN, time(2, 30))
    assert following == utc(2026, 10, 26, 1, 30)  # not the repeated 02:30 an hour later
    assert send_instant_for_day(date(2026, 10, 25), BERLIN, time(7, 30)) == utc(2026, 10, 25, 6, 30)


def test_berlin_day_close_on_dst_days() -> None:
    # The day of the 28th closes at 04:00 CEST on the 29th (02:00 UTC): only 23 h long.
    assert day_close_instant(date(2026, 3, 28), BERLIN) == utc(2026, 3, 29, 2, 0)
    assert day_open_instant(date(2026, 3, 28), BERLIN) == utc(2026, 3, 28, 3, 0)
    # The day of the 24th of October closes at 04:00 CET on the 25th: 25 h long.
    close = day_close_instant(date(2026, 10, 24), BERLIN)
    assert close == utc(2026, 10, 25, 3, 0)
    assert close - day_open_instant(date(2026, 10, 24), BERLIN) == timedelta(hours=25)
    assert local_day(close - timedelta(microseconds=1), BERLIN) == date(2026, 10, 24)
    assert local_day(close, BERLIN) == date(2026, 10, 25)
    # Both 02:30s of the fall-back night belong to the 24th.
    assert local_day(utc(2026, 10, 25, 0, 30), BERLIN) == date(2026, 10, 24)
    assert local_day(utc(2026, 10, 25, 1, 30), BERLIN) == date(2026, 10, 24)


def test_local_day_closes_at_four() -> None:
    # 03:59 local on the 11th belongs to the 10th; 04:00 starts the 11th.
    assert local_day(utc(2026, 6, 11, 1, 59), BERLIN) == date(2026, 6, 10)
    assert local_day(utc(2026, 6, 11, 2, 0), BERLIN) == date(2026, 6, 11)
    assert local_day(utc(2026, 6, 10, 21, 59), BERLIN) == date(2026, 6, 10)  # 23:59 local


# --------------------------------------------------------------------------- America/New_York


def test_new_york_spring_forward() -> None:
    # 2026-03-08: 02:00 EST → 03:00 EDT.
    assert send_instant_for_day(date(2026, 3, 8), NEW_YORK, time(7, 30)) == utc(2026, 3, 8, 11, 30)
    assert send_instant_for_day(date(2026, 3, 7), NEW_YORK, time(7, 30)) == utc(2026, 3, 7, 12, 30)
    gap = send_instant_for_day(date(2026, 3, 7), NEW_YORK, time(2, 30))
    assert gap == utc(2026, 3, 8, 7, 30)  # 03:30 EDT
    assert day_close_instant(date(2026, 3, 7), NEW_YORK) == utc(2026, 3, 8, 8, 0)  # 04:00 EDT


def test_new_york_fall_back() -> None:
    # 2026-11-01: 02:00 EDT → 01:00 EST; 01:30 happens twice, first at 05:30 UTC.
    first = send_instant_for_day(date(2026, 10, 31), NEW_YORK, time(1, 30))
    assert first == utc(2026, 11, 1, 5, 30)
    morning = send_instant_for_day(date(2026, 11, 1), NEW_YORK, time(7, 30))
    assert morning == utc(2026, 11, 1, 12, 30)
    assert day_close_instant(date(2026, 10, 31), NEW_YORK) == utc(2026, 11, 1, 9, 0)  # 04:00 EST
    now = utc(2026, 10, 31, 12, 0)  # 08:00 EDT Saturday, after the 07:30 send
    assert next_send_instant(now, NEW_YORK, time(7, 30)) == utc(2026, 11, 1, 12, 30)


# --------------------------------------------------------------------------- unusual offsets


def test_kolkata_half_hour() -> None:
    instant = send_instant_for_day(date(2026, 5, 4), "Asia/Kolkata", time(7, 0))
    assert instant == utc(2026, 5, 4, 1, 30)
    assert day_close_instant(date(2026, 5, 4), "Asia/Kolkata") == utc(2026, 5, 4, 22, 30)
    assert local_day(utc(2026, 5, 4, 22, 29), "Asia/Kolkata") == date(2026, 5, 4)


def test_kiritimati_plus_fourteen() -> None:
    tz = "Pacific/Kiritimati"
    # 07:00 on 2026-05-04 at +14 is 17:00 UTC on the 3rd.
    assert send_instant_for_day(date(2026, 5, 4), tz, time(7, 0)) == utc(2026, 5, 3, 17, 0)
    assert local_day(utc(2026, 5, 3, 17, 0), tz) == date(2026, 5, 4)
    assert next_send_instant(utc(2026, 5, 3, 16, 59), tz, time(7, 0)) == utc(2026, 5, 3, 17, 0)
    assert next_send_instant(utc(2026, 5, 3, 17, 0), tz, time(7, 0)) == utc(2026, 5, 4, 17, 0)


def test_pago_pago_minus_eleven() -> None:
    tz = "Pacific/Pago_Pago"
    # 07:00 on 2026-05-04 at -11 is 18:00 UTC on the 4th; 25 h after Kiritimati's same wall time.
    assert send_instant_for_day(date(2026, 5, 4), tz, time(7, 0)) == utc(2026, 5, 4, 18, 0)
    assert local_day(utc(2026, 5, 5, 14, 59), tz) == date(2026, 5, 4)  # 03:59 local on the 5th
    assert followup_instant(utc(2026, 5, 4, 18, 0), tz) == utc(2026, 5, 4, 21, 0)


# --------------------------------------------------------------------------- follow-ups


def test_followup_three_hours_later() -> None:
    sent = utc(2026, 6, 1, 5, 30)  # 07:30 CEST
    assert followup_instant(sent, BERLIN) == utc(2026, 6, 1, 8, 30)


def test_followup_at_exactly_nine_pm_is_allowed_after_is_dropped() -> None:
    assert followup_instant(utc(2026, 6, 1, 16, 0), BERLIN) == utc(2026, 6, 1, 19, 0)  # 21:00
    assert followup_instant(utc(2026, 6, 1, 16, 1), BERLIN) is None
    assert followup_instant(utc(2026, 6, 1, 20, 0), BERLIN) is None  # sent at 22:00
    assert followup_instant(utc(2026, 6, 1, 23, 0), BERLIN) is None  # sent at 01:00


def test_followup_uses_elapsed_time_across_spring_forward() -> None:
    # Sent 01:00 CET on the 29th (belongs to the 28th, whose 21:00 is long past): no reminder.
    assert followup_instant(utc(2026, 3, 29, 0, 0), BERLIN) is None
    # Sent 07:30 CEST on the 29th: three real hours later is 10:30 CEST.
    assert followup_instant(utc(2026, 3, 29, 5, 30), BERLIN) == utc(2026, 3, 29, 8, 30)


def test_followup_custom_delay_and_latest() -> None:
    sent = utc(2026, 6, 1, 5, 30)  # 07:30 CEST
    assert followup_instant(sent, BERLIN, timedelta(hours=1), time(8, 0)) is None
    assert followup_instant(sent, BERLIN, timedelta(minutes=30), time(8, 0)) == utc(2026, 6, 1, 6)
    with pytest.raises(ValueError, match="positive"):
        followup_instant(sent, BERLIN, timedelta(0))


# --------------------------------------------------------------------------- properties

ZONES = st.sampled_from(
    [
        BERLIN,
        NEW_YORK,
        "Asia/Kolkata",
        "Asia/Kathmandu",
        "Pacific/Kiritimati",
        "Pacific/Pago_Pago",
        "Australia/Lord_Howe",  # 30-minute DST shift
        "Pacific/Chatham",
        "America/St_Johns",
        "America/Santiago",  # transitions at midnight
        "Asia/Tehran",
        "UTC",
    ]
)
INSTANTS = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31)
).map(lambda d: d.replace(tzinfo=UTC))
TIMES = st.times()


@settings(max_examples=400)
@given(INSTANTS, ZONES, TIMES)
def test_next_send_is_after_now_and_within_a_day_and_an_hour(
    now: datetime, tz: str, send_time: time
) -> None:
    nxt = next_send_instant(now, tz, send_time)
    assert nxt.tzinfo is UTC
    assert now < nxt <= now + timedelta(hours=25)


@settings(max_examples=400)
@given(INSTANTS, ZONES, TIMES)
def test_next_send_local_time_matches_unless_in_a_gap(
    now: datetime, tz: str, send_time: time
) -> None:
    zone = ZoneInfo(tz)
    local = next_send_instant(now, tz, send_time).astimezone(zone)
    if local.time() != send_time:
        # Allowed only when the send time did not exist that day: it moved forward by the gap
        # (at most an hour in these zones).
        wall = datetime.combine(local.date(), send_time)
        round_trip = wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
        assert round_trip.replace(tzinfo=None) != wall
        assert wall < local.replace(tzinfo=None) <= wall + timedelta(hours=1)


@settings(max_examples=400)
@given(INSTANTS, INSTANTS, ZONES)
def test_local_day_is_monotone(a: datetime, b: datetime, tz: str) -> None:
    first, second = sorted((a, b))
    assert local_day(first, tz) <= local_day(second, tz)


@settings(max_examples=300)
@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)), ZONES, TIMES)
def test_send_instant_belongs_to_its_day_and_day_bounds_agree(
    day: date, tz: str, send_time: time
) -> None:
    instant = send_instant_for_day(day, tz, send_time)
    assert local_day(instant, tz) == day
    opens, closes = day_open_instant(day, tz), day_close_instant(day, tz)
    assert opens <= instant < closes
    assert day_close_instant(day - timedelta(days=1), tz) == opens
    assert timedelta(hours=22) <= closes - opens <= timedelta(hours=26)
    assert local_day(opens, tz) == day
    assert local_day(closes - timedelta(microseconds=1), tz) == day


@settings(max_examples=300)
@given(INSTANTS, ZONES)
def test_followup_is_after_send_and_before_nine_pm_local(sent: datetime, tz: str) -> None:
    follow = followup_instant(sent, tz)
    if follow is None:
        return
    assert follow == sent + timedelta(hours=3)
    assert local_day(follow, tz) == local_day(sent, tz)
    assert time(4, 0) <= follow.astimezone(ZoneInfo(tz)).time() <= time(21, 0)


@pytest.mark.parametrize(
    ("tz", "day", "gap_start", "gap"),
    [
        (BERLIN, date(2026, 3, 28), time(2, 0), timedelta(hours=1)),
        (NEW_YORK, date(2026, 3, 7), time(2, 0), timedelta(hours=1)),
        ("Australia/Lord_Howe", date(2026, 10, 3), time(2, 0), timedelta(minutes=30)),
    ],
)
def test_every_time_in_a_gap_moves_forward_by_exactly_the_gap(
    tz: str, day: date, gap_start: time, gap: timedelta
) -> None:
    zone = ZoneInfo(tz)
    wall = datetime.combine(day + timedelta(days=1), gap_start)
    minutes = int(gap.total_seconds() // 60)
    for minute in range(0, minutes, 5):
        asked = wall + timedelta(minutes=minute)
        instant = send_instant_for_day(day, tz, asked.time())
        assert instant.astimezone(zone).replace(tzinfo=None) == asked + gap
        assert next_send_instant(instant - timedelta(seconds=1), tz, asked.time()) == instant


# "Later": (choice, now in UTC, the challenge's local day) -> when it comes back, in Berlin
# (UTC+2 in June); None when that is not today by 21:00 local any more.
JUNE_2 = date(2026, 6, 2)
SNOOZES = [
    (SnoozeChoice.HOUR, utc(2026, 6, 2, 6, 0), utc(2026, 6, 2, 7, 0)),
    (SnoozeChoice.THREE_HOURS, utc(2026, 6, 2, 6, 0), utc(2026, 6, 2, 9, 0)),
    (SnoozeChoice.EVENING, utc(2026, 6, 2, 6, 0), utc(2026, 6, 2, 17, 0)),  # 19:00 local
    (SnoozeChoice.HOUR, utc(2026, 6, 2, 18, 0), utc(2026, 6, 2, 19, 0)),  # 21:00 exactly
    (SnoozeChoice.HOUR, utc(2026, 6, 2, 18, 1), None),  # 21:01: night
    (SnoozeChoice.THREE_HOURS, utc(2026, 6, 2, 16, 1), None),
    (SnoozeChoice.EVENING, utc(2026, 6, 2, 17, 0), None),  # it is 19:00 already
    (SnoozeChoice.EVENING, utc(2026, 6, 2, 22, 30), None),  # 00:30, the same local day
    (SnoozeChoice.HOUR, utc(2026, 6, 2, 23, 0), None),  # 01:00: before the close, but night
]


@pytest.mark.parametrize(("choice", "now", "expected"), SNOOZES)
def test_snooze_comes_back_after_now_and_by_nine_local(
        choice: SnoozeChoice, now: datetime, expected: datetime | None) -> None:
    assert snooze_instant(choice, now, JUNE_2, BERLIN) == expected


@given(st.sampled_from(SnoozeChoice), st.integers(0, 24 * 60 - 1))
def test_a_snooze_is_always_before_the_days_close(choice: SnoozeChoice, minute: int) -> None:
    now = day_open_instant(JUNE_2, BERLIN) + timedelta(minutes=minute)
    at = snooze_instant(choice, now, JUNE_2, BERLIN)
    assert at is None or now < at < day_close_instant(JUNE_2, BERLIN)

