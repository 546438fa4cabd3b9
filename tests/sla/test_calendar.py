"""Working-time arithmetic, checked against the 2025 and 2026 State Council holiday notices.

Expected deadlines are worked out by hand from these notices (days off, then make-up workdays):

    2025 Spring Festival   01-28..02-04   01-26 (Sun), 02-08 (Sat)
    2025 National Day      10-01..10-08   09-28 (Sun), 10-11 (Sat)
    2026 Spring Festival   02-15..02-23   02-14 (Sat), 02-28 (Sat)
    2026 National Day      10-01..10-07   09-20 (Sun), 10-10 (Sat)

A working day has 450 minutes (08:30-12:00 and 13:30-17:30), so 0.1 day is 45 minutes,
1.9 days are 855 minutes and 4.3 days are 1935 minutes.
"""

import random
import time
from datetime import date, datetime, timedelta, timezone
from datetime import time as time_of_day
from decimal import Decimal
from fractions import Fraction

import chinese_calendar
import pytest

from app.sla.calendar import (
    DEFAULT_WINDOWS,
    SHANGHAI,
    DaySchedule,
    Deadline,
    WorkingCalendar,
    parse_windows,
)
from app.sla.holidays import official_schedule

CALENDAR = WorkingCalendar(official_schedule())


def local(year, month, day, hour=0, minute=0, second=0, microsecond=0):
    return datetime(year, month, day, hour, minute, second, microsecond, tzinfo=SHANGHAI)


def deadline(start, days):
    return CALENDAR.add_working_days(start, days).at


# --- reference implementation: a plain day-by-day walk, independent of the interval table ---


def reference_is_workday(day):
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # chinese_calendar has no data for this year, so only weekends are days off.
        return day.weekday() < 5


def reference_deadline(start, minutes, windows=DEFAULT_WINDOWS):
    start = start.astimezone(SHANGHAI)
    remaining = timedelta(microseconds=int(minutes * 60_000_000))
    if not remaining:
        return start
    day = start.date()
    while True:
        if reference_is_workday(day):
            for window_start, window_end in windows:
                begin = max(datetime.combine(day, window_start, SHANGHAI), start)
                end = datetime.combine(day, window_end, SHANGHAI)
                if begin >= end:
                    continue
                if remaining <= end - begin:
                    return begin + remaining
                remaining -= end - begin
        day += timedelta(days=1)


def reference_minutes_between(start, end, windows=DEFAULT_WINDOWS):
    start, end = start.astimezone(SHANGHAI), end.astimezone(SHANGHAI)
    total = timedelta(0)
    day = start.date()
    while day <= end.date():
        if reference_is_workday(day):
            for window_start, window_end in windows:
                begin = max(datetime.combine(day, window_start, SHANGHAI), start)
                finish = min(datetime.combine(day, window_end, SHANGHAI), end)
                if finish > begin:
                    total += finish - begin
        day += timedelta(days=1)
    return Fraction(total // timedelta(microseconds=1), 60_000_000)


def reference_provisional(start, end):
    years = range(start.astimezone(SHANGHAI).year, end.astimezone(SHANGHAI).year + 1)
    return any(not 2004 <= year <= 2026 for year in years)


# --- budgets and windows ---


def test_minutes_per_day_default():
    assert CALENDAR.minutes_per_day == 450


def test_fractional_days_budgets():
    start = local(2026, 3, 3, 8, 30)  # Tuesday, an ordinary week
    assert CALENDAR.working_minutes_between(start, deadline(start, "0.1")) == 45
    assert CALENDAR.working_minutes_between(start, deadline(start, "1.9")) == 855
    assert CALENDAR.working_minutes_between(start, deadline(start, "4.3")) == 1935


def test_fractional_days_ordinary_week():
    start = local(2026, 3, 3, 8, 30)
    assert deadline(start, "0.1") == local(2026, 3, 3, 9, 15)
    # 450 on Tuesday, then 210 + 195 on Wednesday.
    assert deadline(start, "1.9") == local(2026, 3, 4, 16, 45)
    # Tuesday to Friday are 1800 minutes, so 135 remain for Monday.
    assert deadline(start, "4.3") == local(2026, 3, 9, 10, 45)


def test_day_types_agree():
    start = local(2026, 3, 3, 10, 0)
    expected = deadline(start, "1.9")
    assert deadline(start, Decimal("1.9")) == expected
    assert deadline(start, Fraction(19, 10)) == expected
    assert deadline(start, " 1.90 ") == expected
    assert deadline(start, 2) == local(2026, 3, 5, 10, 0)


def test_zero_budget_returns_start():
    start = local(2026, 2, 16, 23, 0)  # a holiday night
    assert deadline(start, "0") == start
    assert CALENDAR.add_working_minutes(start, 0).at == start


# --- Spring Festival ---


def test_spring_festival_2026_makeup_saturday():
    # Friday 2-13: 120 + 240, Saturday 2-14 (make-up): 450, then 45 on Tuesday 2-24.
    assert deadline(local(2026, 2, 13, 10, 0), "1.9") == local(2026, 2, 24, 9, 15)


def test_spring_festival_2026_start_on_holiday():
    # Counting starts on Tuesday 2-24 at 08:30: 450, then 405 on Wednesday.
    assert deadline(local(2026, 2, 16, 10, 0), "1.9") == local(2026, 2, 25, 16, 45)


def test_spring_festival_2026_four_days():
    # 2-14, 2-24, 2-25 and 2-26 are four full days, then 135 minutes on Friday 2-27.
    assert deadline(local(2026, 2, 14, 8, 30), "4.3") == local(2026, 2, 27, 10, 45)


def test_spring_festival_2026_isoformat():
    # 30 minutes on 2-13, 450 on 2-14, 90 on 2-24.
    result = CALENDAR.add_working_minutes(local(2026, 2, 13, 17, 0), 570)
    assert result.isoformat() == "2026-02-24T10:00:00+08:00"
    assert result.provisional is False


def test_start_on_makeup_saturday():
    # Saturday 2-28 is a workday: 180 + 240, then 435 on Monday 3-2 (210 + 225).
    assert deadline(local(2026, 2, 28, 9, 0), "1.9") == local(2026, 3, 2, 17, 15)


def test_spring_festival_2025_before_holiday():
    # Monday 1-27: 210, Wednesday 2-5: 450, then 195 on Thursday 2-6.
    assert deadline(local(2025, 1, 27, 14, 0), "1.9") == local(2025, 2, 6, 11, 45)


def test_spring_festival_2025_makeup_sunday():
    # Sunday 1-26 is a workday: 450, then 405 on Monday 1-27.
    assert deadline(local(2025, 1, 25, 10, 0), "1.9") == local(2025, 1, 27, 16, 45)


def test_spring_festival_2025_four_days():
    # 30 on 1-24, 450 each on 1-26, 1-27, 2-5 and 2-6, then 105 on Friday 2-7.
    assert deadline(local(2025, 1, 24, 17, 0), "4.3") == local(2025, 2, 7, 10, 15)


def test_spring_festival_2025_makeup_saturday():
    # 30 on Friday 2-7, then 15 on Saturday 2-8.
    assert deadline(local(2025, 2, 7, 17, 0), "0.1") == local(2025, 2, 8, 8, 45)


# --- National Day ---


def test_national_day_2025_makeup_sunday():
    # 90 on Friday 9-26, 450 on Sunday 9-28, then 315 on Monday 9-29.
    assert deadline(local(2025, 9, 26, 16, 0), "1.9") == local(2025, 9, 29, 15, 15)


def test_national_day_2025_makeup_saturday():
    # 420 on 9-30, 450 each on 10-9, 10-10 and Saturday 10-11, then 165 on Monday 10-13.
    assert deadline(local(2025, 9, 30, 9, 0), "4.3") == local(2025, 10, 13, 11, 15)


def test_national_day_2026_after_holiday():
    # 120 on Wednesday 9-30, 450 on Thursday 10-8, then 285 on Friday 10-9.
    assert deadline(local(2026, 9, 30, 15, 30), "1.9") == local(2026, 10, 9, 14, 45)


def test_national_day_2026_makeup_saturday():
    # 10-9, Saturday 10-10, 10-12 and 10-13 are four full days, then 135 on 10-14.
    assert deadline(local(2026, 10, 9, 8, 30), "4.3") == local(2026, 10, 14, 10, 45)


def test_national_day_2026_makeup_sunday():
    assert deadline(local(2026, 9, 19, 12, 0), "0.1") == local(2026, 9, 20, 9, 15)


# --- start times and window edges ---


def test_start_at_night():
    # Friday 2-13: 450, then 405 on make-up Saturday 2-14.
    assert deadline(local(2026, 2, 12, 23, 0), "1.9") == local(2026, 2, 14, 16, 45)


def test_start_during_lunch():
    assert deadline(local(2026, 2, 13, 12, 30), "0.1") == local(2026, 2, 13, 14, 15)


def test_start_at_window_ends():
    assert deadline(local(2026, 3, 3, 12, 0), "0.1") == local(2026, 3, 3, 14, 15)
    assert deadline(local(2026, 3, 3, 17, 30), "0.1") == local(2026, 3, 4, 9, 15)


def test_budget_ends_at_noon():
    assert deadline(local(2026, 3, 3, 11, 15), "0.1") == local(2026, 3, 3, 12, 0)
    assert CALENDAR.add_working_minutes(local(2026, 3, 3, 8, 30), 210).at == local(2026, 3, 3, 12, 0)


def test_budget_ends_at_evening():
    assert deadline(local(2026, 3, 3, 16, 45), "0.1") == local(2026, 3, 3, 17, 30)
    # 405 on Tuesday and 450 on Wednesday end exactly at 17:30.
    assert deadline(local(2026, 3, 3, 9, 15), "1.9") == local(2026, 3, 4, 17, 30)


def test_microseconds_kept():
    result = CALENDAR.add_working_days(local(2026, 3, 3, 9, 0, 0, 250_000), "0.1")
    assert result.at == local(2026, 3, 3, 9, 45, 0, 250_000)
    assert result.isoformat() == "2026-03-03T09:45:00.250000+08:00"


def test_fractional_minutes():
    result = CALENDAR.add_working_minutes(local(2026, 3, 3, 8, 30), "0.5")
    assert result.at == local(2026, 3, 3, 8, 30, 30)


# --- timezones ---


def test_start_in_utc():
    start = datetime(2026, 2, 13, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai
    result = CALENDAR.add_working_days(start, "1.9")
    assert result.at == local(2026, 2, 24, 9, 15)
    assert result.at.utcoffset() == timedelta(hours=8)
    assert result.isoformat() == "2026-02-24T09:15:00+08:00"


@pytest.fixture
def process_timezone(monkeypatch):
    def set_timezone(name):
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_timezone
    monkeypatch.undo()
    time.tzset()


TIMEZONE_CASES = [
    (local(2026, 2, 13, 10, 0), "1.9", "2026-02-24T09:15:00+08:00"),
    (local(2026, 2, 12, 23, 0), "1.9", "2026-02-14T16:45:00+08:00"),
    (datetime(2025, 9, 30, 1, 0, tzinfo=timezone.utc), "4.3", "2025-10-13T11:15:00+08:00"),
    (local(2026, 3, 3, 11, 15), "0.1", "2026-03-03T12:00:00+08:00"),
]


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_process_timezone_ignored(process_timezone, zone):
    process_timezone(zone)
    calendar = WorkingCalendar(official_schedule())
    for start, days, expected in TIMEZONE_CASES:
        assert calendar.add_working_days(start, days).isoformat() == expected
    assert calendar.is_workday(datetime(2026, 2, 14, 1, 0, tzinfo=timezone.utc)) is True


# --- provisional years ---


def test_deadline_into_2027_provisional():
    # 420 on 12-31, then weekdays only: Friday 1-1, 1-4 and 1-5, and 165 on 1-6.
    result = CALENDAR.add_working_days(local(2026, 12, 31, 9, 0), "4.3")
    assert result.at == local(2027, 1, 6, 11, 15)
    assert result.provisional is True


def test_deadline_in_2026_final():
    result = CALENDAR.add_working_days(local(2026, 12, 28, 8, 30), "1.9")
    assert result.at == local(2026, 12, 29, 16, 45)
    assert result.provisional is False


def test_zero_budget_at_year_end_final():
    result = CALENDAR.add_working_days(local(2026, 12, 31, 17, 30), "0")
    assert result.provisional is False


def test_uncovered_year_weekdays_only():
    assert CALENDAR.is_covered(date(2026, 10, 1)) is True
    assert CALENDAR.is_covered(date(2027, 1, 1)) is False
    assert CALENDAR.is_workday(date(2027, 1, 1)) is True
    assert CALENDAR.is_workday(date(2027, 1, 2)) is False


def test_years_outside_table():
    for start in (local(2045, 6, 1, 10, 0), local(1995, 6, 1, 10, 0), local(2099, 12, 31, 17, 0)):
        result = CALENDAR.add_working_days(start, "4.3")
        assert result.at == reference_deadline(start, 1935)
        assert result.provisional is True


def test_large_budget():
    start = local(2026, 3, 3, 8, 30)
    result = CALENDAR.add_working_days(start, "3000")
    assert CALENDAR.working_minutes_between(start, result.at) == 3000 * 450
    assert result.provisional is True


def test_budget_past_year_9999_rejected():
    with pytest.raises(ValueError, match="9999"):
        CALENDAR.add_working_days(local(2026, 3, 3, 8, 30), "5000000")


# --- overrides ---


def test_override_extra_day_off():
    calendar = WorkingCalendar(official_schedule().with_overrides({date(2026, 3, 4): False}))
    assert calendar.add_working_days(local(2026, 3, 3, 9, 15), "1.9").at == local(2026, 3, 5, 17, 30)


def test_override_extra_workday():
    calendar = WorkingCalendar(official_schedule().with_overrides({date(2026, 3, 7): True}))
    # Friday 3-6: 405, then Saturday 3-7 instead of Monday 3-9.
    assert calendar.add_working_days(local(2026, 3, 6, 9, 15), "1.9").at == local(2026, 3, 7, 17, 30)
    assert deadline(local(2026, 3, 6, 9, 15), "1.9") == local(2026, 3, 9, 17, 30)


def test_override_holiday_made_workday():
    calendar = WorkingCalendar(official_schedule().with_overrides({date(2026, 2, 23): True}))
    assert calendar.add_working_days(local(2026, 2, 16, 10, 0), "1.9").at == local(2026, 2, 24, 16, 45)


def test_override_keeps_year_uncovered():
    schedule = official_schedule().with_overrides({date(2027, 1, 1): False})
    calendar = WorkingCalendar(schedule)
    result = calendar.add_working_days(local(2026, 12, 31, 9, 0), "4.3")
    assert 2027 not in schedule.covered_years
    assert result.provisional is True
    # Without Friday 1-1: 1-4, 1-5 and 1-6 full, then 165 on 1-7.
    assert result.at == local(2027, 1, 7, 11, 15)


def test_override_rejects_bad_values():
    with pytest.raises(TypeError, match="True"):
        official_schedule().with_overrides({date(2026, 3, 4): "no"})
    with pytest.raises(TypeError, match="date"):
        official_schedule().with_overrides({"2026-03-04": False})


# --- schedules ---


def test_merge_replaces_covered_year():
    base = DaySchedule({date(2027, 1, 1), date(2026, 5, 1)}, set(), {2026})
    loaded = DaySchedule({date(2027, 2, 8)}, {date(2027, 2, 14)}, {2027})
    merged = base.merged(loaded)
    assert merged.holidays == {date(2027, 2, 8), date(2026, 5, 1)}
    assert merged.makeup_workdays == {date(2027, 2, 14)}
    assert merged.covered_years == {2026, 2027}


def test_schedule_rejects_conflict():
    with pytest.raises(ValueError, match="2026-02-14"):
        DaySchedule({date(2026, 2, 14)}, {date(2026, 2, 14)}, {2026})


def test_deadline_isoformat_converts():
    result = Deadline(datetime(2026, 2, 24, 2, 0, tzinfo=timezone.utc), False)
    assert result.isoformat() == "2026-02-24T10:00:00+08:00"


# --- working_minutes_between ---


def test_between_matches_budgets():
    cases = [
        (local(2026, 2, 13, 10, 0), local(2026, 2, 24, 9, 15), 855),
        (local(2026, 2, 16, 10, 0), local(2026, 2, 25, 16, 45), 855),
        (local(2026, 2, 28, 9, 0), local(2026, 3, 2, 17, 15), 855),
        (local(2025, 9, 30, 9, 0), local(2025, 10, 13, 11, 15), 1935),
        (local(2026, 2, 13, 12, 30), local(2026, 2, 13, 14, 15), 45),
        (local(2026, 12, 31, 9, 0), local(2027, 1, 6, 11, 15), 1935),
    ]
    for start, end, minutes in cases:
        assert CALENDAR.working_minutes_between(start, end) == minutes, (start, end)


def test_between_empty_ranges():
    start = local(2026, 3, 3, 10, 0)
    assert CALENDAR.working_minutes_between(start, start) == 0
    assert CALENDAR.working_minutes_between(start, start - timedelta(days=3)) == 0
    assert CALENDAR.working_minutes_between(local(2026, 2, 15), local(2026, 2, 24)) == 0
    assert CALENDAR.working_minutes_between(local(2026, 3, 3, 12, 0), local(2026, 3, 3, 13, 30)) == 0


def test_between_mixed_timezones():
    start = datetime(2026, 3, 3, 0, 30, tzinfo=timezone.utc)  # 08:30 in Shanghai
    end = datetime(2026, 3, 3, 0, 0, tzinfo=timezone(timedelta(hours=-5)))  # 13:00 in Shanghai
    assert CALENDAR.working_minutes_between(start, end) == 210


def test_between_returns_fraction():
    result = CALENDAR.working_minutes_between(local(2026, 3, 3, 9, 0), local(2026, 3, 3, 9, 0, 30))
    assert result == Fraction(1, 2)
    assert isinstance(result, Fraction)


# --- custom windows ---


def test_custom_single_window():
    calendar = WorkingCalendar(official_schedule(), parse_windows("09:00-17:00"))
    assert calendar.minutes_per_day == 480
    # 1.9 days are 912 minutes: 480 on Tuesday, then 432 on Wednesday.
    assert calendar.add_working_days(local(2026, 3, 3, 9, 0), "1.9").at == local(2026, 3, 4, 16, 12)
    assert calendar.working_minutes_between(local(2026, 3, 3, 8, 0), local(2026, 3, 3, 18, 0)) == 480


def test_parse_windows_default_text():
    assert parse_windows("08:30-12:00,13:30-17:30") == DEFAULT_WINDOWS
    assert parse_windows(" 8:30-12:00 , 13:30-17:30 ") == DEFAULT_WINDOWS


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("", "empty"),
        ("08:30", "'08:30'"),
        ("08:30-12", "'08:30-12'"),
        ("08:30-12:00;13:30-17:30", "HH:MM-HH:MM"),
        ("12:00-08:30", "ends before it starts"),
        ("08:00-12:00,11:00-13:00", "overlaps"),
        ("13:30-17:30,08:30-12:00", "overlaps or precedes"),
        ("25:00-26:00", "outside 00:00-23:59"),
        ("08:60-09:00", "outside 00:00-23:59"),
    ],
)
def test_parse_windows_rejects(text, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_windows(text)


def test_windows_rejected_by_calendar():
    with pytest.raises(ValueError, match="empty"):
        WorkingCalendar(official_schedule(), ())
    with pytest.raises(ValueError, match="whole minute"):
        WorkingCalendar(official_schedule(), ((time_of_day(8, 30, 15), time_of_day(12, 0)),))
    with pytest.raises(TypeError, match="time"):
        WorkingCalendar(official_schedule(), (("08:30", "12:00"),))


# --- bad input ---


def test_float_days_rejected():
    with pytest.raises(TypeError, match="string such as '1.9' or a Decimal"):
        CALENDAR.add_working_days(local(2026, 3, 3, 9, 0), 1.9)


def test_bool_days_rejected():
    with pytest.raises(TypeError, match="bool"):
        CALENDAR.add_working_days(local(2026, 3, 3, 9, 0), True)


@pytest.mark.parametrize("days, fragment", [("-1", "-1"), (Decimal("-0.5"), "-0.5"), (Fraction(-1, 2), "-1/2")])
def test_negative_days_rejected(days, fragment):
    with pytest.raises(ValueError, match=fragment):
        CALENDAR.add_working_days(local(2026, 3, 3, 9, 0), days)


@pytest.mark.parametrize("days", ["NaN", Decimal("NaN"), "Infinity", Decimal("sNaN")])
def test_nan_days_rejected(days):
    with pytest.raises(ValueError, match="not a finite number"):
        CALENDAR.add_working_days(local(2026, 3, 3, 9, 0), days)


def test_text_days_rejected():
    with pytest.raises(ValueError, match="'abc'"):
        CALENDAR.add_working_days(local(2026, 3, 3, 9, 0), "abc")


def test_naive_datetimes_rejected():
    naive = datetime(2026, 3, 3, 9, 0)
    with pytest.raises(ValueError, match="start"):
        CALENDAR.add_working_days(naive, "1.9")
    with pytest.raises(ValueError, match="start"):
        CALENDAR.add_working_minutes(naive, 10)
    with pytest.raises(ValueError, match="end"):
        CALENDAR.working_minutes_between(local(2026, 3, 3, 9, 0), naive)
    with pytest.raises(ValueError, match="day"):
        CALENDAR.is_workday(naive)


def test_date_start_rejected():
    with pytest.raises(TypeError, match="start"):
        CALENDAR.add_working_days(date(2026, 3, 3), "1.9")


# --- cross-check against the reference walk ---

HOLIDAY_ANCHORS = [
    local(2025, 1, 28), local(2025, 5, 1), local(2025, 10, 1), local(2026, 1, 1),
    local(2026, 2, 15), local(2026, 10, 1), local(2026, 12, 31),
]


def random_start(rng):
    if rng.random() < 0.5:
        anchor = rng.choice(HOLIDAY_ANCHORS)
        return anchor + timedelta(seconds=rng.randrange(-12 * 86400, 12 * 86400))
    return local(2025, 1, 1) + timedelta(seconds=rng.randrange(0, 730 * 86400))


def random_minutes(rng):
    kind = rng.random()
    if kind < 0.4:
        return Fraction(rng.randrange(0, 100), 10) * 450  # whole tenths of a day
    if kind < 0.8:
        return Fraction(rng.randrange(0, 4000))
    return Fraction(rng.randrange(0, 240_000), 60)  # whole seconds


def test_random_against_reference():
    rng = random.Random(20260214)
    for _ in range(3000):
        start = random_start(rng)
        minutes = random_minutes(rng)
        result = CALENDAR.add_working_minutes(start, minutes)
        assert result.at == reference_deadline(start, minutes), (start, minutes)
        assert result.provisional == reference_provisional(start, result.at), (start, minutes)
        assert CALENDAR.working_minutes_between(start, result.at) == minutes, (start, minutes)
        if minutes:
            just_before = result.at - timedelta(microseconds=1)
            assert CALENDAR.working_minutes_between(start, just_before) < minutes, (start, minutes)


def test_random_days_against_reference():
    rng = random.Random(19491001)
    for _ in range(1000):
        start = random_start(rng)
        days = f"{rng.randrange(0, 60) / 10:.1f}"
        expected = reference_deadline(start, Fraction(days) * 450)
        assert deadline(start, days) == expected, (start, days)


def test_random_between_against_reference():
    rng = random.Random(20251001)
    for _ in range(2000):
        start = random_start(rng)
        end = start + timedelta(seconds=rng.randrange(-86400, 20 * 86400))
        expected = reference_minutes_between(start, end)
        assert CALENDAR.working_minutes_between(start, end) == expected, (start, end)


@pytest.mark.parametrize("text", ["09:00-17:00", "07:00-09:00,12:00-12:30,20:00-23:59", "00:00-23:59"])
def test_random_custom_windows(text):
    windows = parse_windows(text)
    calendar = WorkingCalendar(official_schedule(), windows)
    rng = random.Random(text)
    for _ in range(500):
        start = random_start(rng)
        minutes = Fraction(rng.randrange(0, 5000))
        result = calendar.add_working_minutes(start, minutes)
        assert result.at == reference_deadline(start, minutes, windows), (start, minutes)
        assert calendar.working_minutes_between(start, result.at) == minutes, (start, minutes)
