"""Working-time arithmetic in China Standard Time for the SLA clocks.

A working day is Monday to Friday, minus official days off, plus make-up workdays (调休) on
weekends. Working time is counted only inside the daily working windows. Every instant is
handled as an integer number of microseconds since 1970-01-01 00:00 in Asia/Shanghai, and the
working intervals of a range of years are precomputed, so each query is two binary searches.
"""

import math
import re
import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from fractions import Fraction

# Asia/Shanghai has been UTC+08:00 with no daylight saving time since 1991, so this fixed offset
# is exact for every year the hotline handles and needs no tz database.
# NOTE: China observed daylight saving time from 1986 to 1991, so instants in those summers are
# one hour off from the tz database.
SHANGHAI = timezone(timedelta(hours=8))

DEFAULT_WINDOWS = ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30)))

_EPOCH = datetime(1970, 1, 1, tzinfo=SHANGHAI)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_ONE_MICROSECOND = timedelta(microseconds=1)
_MICROSECONDS_PER_MINUTE = 60_000_000
_MICROSECONDS_PER_DAY = 86_400_000_000
_YEARS_AHEAD = 5
_CACHE_LIMIT = 1024
# Exact types whose budget conversion may be cached. bool and float are excluded on purpose:
# True == 1 and 1.0 == 1 would otherwise hit the cache entry for 1.
_CACHEABLE_TYPES = frozenset((str, int, Decimal, Fraction))
_WINDOW_PATTERN = re.compile(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})")


@dataclass(frozen=True)
class DaySchedule:
    """Official days off and make-up workdays, and the years whose official schedule is known."""

    holidays: frozenset[date] = frozenset()
    makeup_workdays: frozenset[date] = frozenset()
    covered_years: frozenset[int] = frozenset()

    def __post_init__(self):
        # Accept any iterable but store frozensets, so a schedule stays immutable and hashable.
        for field_name in ("holidays", "makeup_workdays", "covered_years"):
            object.__setattr__(self, field_name, frozenset(getattr(self, field_name)))
        for day in self.holidays | self.makeup_workdays:
            if not isinstance(day, date) or isinstance(day, datetime):
                raise TypeError(f"schedule dates must be datetime.date values, got {day!r}")
        conflicts = sorted(self.holidays & self.makeup_workdays)
        if conflicts:
            listed = ", ".join(day.isoformat() for day in conflicts)
            raise ValueError(f"dates listed both as holiday and as make-up workday: {listed}; keep each date in one set")

    def is_workday(self, day: date) -> bool:
        """Return whether the date is a working day under this schedule."""
        if day in self.holidays:
            return False
        if day in self.makeup_workdays:
            return True
        return day.weekday() < 5

    def merged(self, other: "DaySchedule") -> "DaySchedule":
        """Combine two schedules so the other's covered years replace ours and its remaining dates win conflicts."""
        replaced_years = other.covered_years
        holidays = {day for day in self.holidays if day.year not in replaced_years}
        makeup_workdays = {day for day in self.makeup_workdays if day.year not in replaced_years}
        holidays -= other.makeup_workdays
        makeup_workdays -= other.holidays
        return DaySchedule(
            holidays | other.holidays,
            makeup_workdays | other.makeup_workdays,
            self.covered_years | other.covered_years,
        )

    def with_overrides(self, overrides) -> "DaySchedule":
        """Apply overrides {date: True for a workday, False for a day off} without changing the covered years."""
        holidays = set(self.holidays)
        makeup_workdays = set(self.makeup_workdays)
        for day, is_workday in overrides.items():
            if not isinstance(day, date) or isinstance(day, datetime):
                raise TypeError(f"override keys must be datetime.date values, got {day!r}")
            if not isinstance(is_workday, bool):
                raise TypeError(f"override for {day.isoformat()} must be True (workday) or False (day off), got {is_workday!r}")
            if is_workday:
                holidays.discard(day)
                # A weekday needs no entry once it is no longer a holiday.
                if day.weekday() >= 5:
                    makeup_workdays.add(day)
            else:
                makeup_workdays.discard(day)
                holidays.add(day)
        return DaySchedule(holidays, makeup_workdays, self.covered_years)


@dataclass(frozen=True, slots=True)
class Deadline:
    """An SLA deadline, provisional when it depends on a year without a loaded schedule."""

    at: datetime
    provisional: bool

    def isoformat(self) -> str:
        """Format the deadline in +08:00, with seconds always and microseconds only when non-zero."""
        return self.at.astimezone(SHANGHAI).isoformat()


def parse_windows(text: str) -> tuple:
    """Parse working windows such as "08:30-12:00,13:30-17:30" into ((start, end), ...) times."""
    expected = 'expected comma-separated HH:MM-HH:MM ranges such as "08:30-12:00,13:30-17:30"'
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"working windows {text!r} are empty; {expected}")

    windows = []
    for part in text.split(","):
        match = _WINDOW_PATTERN.fullmatch(part.strip())
        if match is None:
            raise ValueError(f"working window {part.strip()!r} is invalid; {expected}")
        hours_and_minutes = [int(group) for group in match.groups()]
        if hours_and_minutes[0] > 23 or hours_and_minutes[2] > 23 or hours_and_minutes[1] > 59 or hours_and_minutes[3] > 59:
            raise ValueError(f"working window {part.strip()!r} has a time outside 00:00-23:59; {expected}")
        windows.append((time(*hours_and_minutes[:2]), time(*hours_and_minutes[2:])))
    return validate_windows(windows)


def validate_windows(windows) -> tuple:
    """Check that windows are sorted, non-overlapping, whole-minute (start, end) times within one day."""
    result = tuple(tuple(window) for window in windows)
    if not result:
        raise ValueError("working windows are empty; give at least one (start, end) pair of times")

    previous_end = None
    for start, end in result:
        for value in (start, end):
            if not isinstance(value, time) or value.tzinfo is not None:
                raise TypeError(f"working window bounds must be naive datetime.time values, got {value!r}")
            if value.second or value.microsecond:
                raise ValueError(f"working window bound {value.isoformat()} is not a whole minute; use HH:MM times")
        if start >= end:
            raise ValueError(f"working window {start:%H:%M}-{end:%H:%M} ends before it starts; write start-end within one day")
        if previous_end is not None and start < previous_end:
            raise ValueError(
                f"working window {start:%H:%M}-{end:%H:%M} overlaps or precedes the window ending at "
                f"{previous_end:%H:%M}; list windows in time order without overlaps"
            )
        previous_end = end
    return result


def _minutes_of_day(value: time) -> int:
    return value.hour * 60 + value.minute


def _year_start(year: int) -> int:
    """Return the instant of 1 January 00:00 of the year, in microseconds since the local epoch."""
    if year > MAXYEAR:
        ordinal = date(MAXYEAR, 12, 31).toordinal() + 1
    else:
        ordinal = date(year, 1, 1).toordinal()
    return (ordinal - _EPOCH_ORDINAL) * _MICROSECONDS_PER_DAY


def _exact_amount(value, argument: str) -> Fraction:
    """Convert a budget given as int, str, Decimal or Fraction to an exact non-negative Fraction."""
    if isinstance(value, float):
        raise TypeError(
            f"{argument}={value!r} is a float, which cannot hold values such as 1.9 exactly; "
            f"pass a string such as '1.9' or a Decimal"
        )
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal, Fraction)):
        raise TypeError(f"{argument} must be an int, str, Decimal or Fraction, got {type(value).__name__} {value!r}")

    if isinstance(value, str):
        try:
            value = Decimal(value)
        except InvalidOperation:
            raise ValueError(f"{argument}={value!r} is not a number; write a decimal such as '1.9'") from None
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{argument}={value} is not a finite number; pass a decimal such as '1.9'")

    amount = Fraction(value)
    if amount < 0:
        raise ValueError(f"{argument}={value} is negative; working-time budgets must be zero or more")
    return amount


class _IntervalTable:
    """Working intervals of the years first_year..last_year, as microseconds since the local epoch."""

    __slots__ = ("first_year", "last_year", "begin", "end", "starts", "ends", "worked_before", "worked_after",
                 "uncovered_starts", "uncovered_ends")

    def __init__(self, schedule: DaySchedule, windows: tuple, first_year: int, last_year: int):
        self.first_year = first_year
        self.last_year = last_year
        self.begin = _year_start(first_year)
        self.end = _year_start(last_year + 1)
        offsets = [(_minutes_of_day(start) * _MICROSECONDS_PER_MINUTE, _minutes_of_day(end) * _MICROSECONDS_PER_MINUTE)
                   for start, end in windows]

        # worked_before[i] is the working time from the table's start up to interval i's start.
        # worked_after[i] also includes interval i itself, so a target can be found by bisection.
        self.starts, self.ends, self.worked_before, self.worked_after = [], [], [], []
        total = 0
        first_ordinal = date(first_year, 1, 1).toordinal()
        for ordinal in range(first_ordinal, first_ordinal + (self.end - self.begin) // _MICROSECONDS_PER_DAY):
            if not schedule.is_workday(date.fromordinal(ordinal)):
                continue
            day_start = (ordinal - _EPOCH_ORDINAL) * _MICROSECONDS_PER_DAY
            for start_offset, end_offset in offsets:
                self.starts.append(day_start + start_offset)
                self.ends.append(day_start + end_offset)
                self.worked_before.append(total)
                total += end_offset - start_offset
                self.worked_after.append(total)

        uncovered = [year for year in range(first_year, last_year + 1) if year not in schedule.covered_years]
        self.uncovered_starts = [_year_start(year) for year in uncovered]
        self.uncovered_ends = [_year_start(year + 1) for year in uncovered]

    def position(self, instant: int) -> int:
        """Return the working time from the table's start up to the instant, which must lie inside the table."""
        index = bisect_right(self.ends, instant)
        if index == len(self.ends):
            return self.worked_after[-1] if self.ends else 0
        return self.worked_before[index] + max(0, instant - self.starts[index])

    def is_provisional(self, first: int, last: int) -> bool:
        """Return whether any calendar day from the first instant's day to the last's is in an uncovered year."""
        index = bisect_right(self.uncovered_ends, first)
        return index < len(self.uncovered_starts) and self.uncovered_starts[index] <= last


class WorkingCalendar:
    """Working-time arithmetic over a day schedule and daily working windows, in Asia/Shanghai."""

    def __init__(self, schedule: DaySchedule, windows=DEFAULT_WINDOWS):
        self.schedule = schedule
        self.windows = validate_windows(windows)
        self._minutes_per_day = sum(_minutes_of_day(end) - _minutes_of_day(start) for start, end in self.windows)
        self._day_budget_cache = {}
        self._minute_budget_cache = {}
        self._extend_lock = threading.Lock()

        # Precompute from the first covered year to five years ahead. Other years are added on first use.
        this_year = datetime.now(SHANGHAI).year
        first_year = min(schedule.covered_years, default=this_year)
        self._table = _IntervalTable(schedule, self.windows, min(first_year, this_year), this_year + _YEARS_AHEAD)

    @property
    def minutes_per_day(self) -> int:
        """Working minutes in one working day."""
        return self._minutes_per_day

    def is_workday(self, day) -> bool:
        """Return whether a date (or the Asia/Shanghai date of an aware datetime) is a working day."""
        return self.schedule.is_workday(self._local_date(day, "day"))

    def is_covered(self, day) -> bool:
        """Return whether the official schedule of the date's year is loaded."""
        return self._local_date(day, "day").year in self.schedule.covered_years

    def add_working_days(self, start: datetime, days) -> Deadline:
        """Compute the deadline that lies the given working days (int, str, Decimal or Fraction) after start."""
        return self._deadline(start, self._budget(days, "days", self._day_budget_cache, self._minutes_per_day))

    def add_working_minutes(self, start: datetime, minutes) -> Deadline:
        """Compute the deadline that lies the given working minutes (int, str, Decimal or Fraction) after start."""
        return self._deadline(start, self._budget(minutes, "minutes", self._minute_budget_cache, 1))

    def working_minutes_between(self, start: datetime, end: datetime) -> Fraction:
        """Measure the working minutes inside [start, end); zero when end is not after start."""
        start_instant = _to_instant(start, "start")
        end_instant = _to_instant(end, "end")
        if end_instant <= start_instant:
            return Fraction(0)

        table = self._table_containing(start_instant, end_instant)
        worked = table.position(end_instant) - table.position(start_instant)
        return Fraction(worked, _MICROSECONDS_PER_MINUTE)

    @staticmethod
    def _budget(amount, argument: str, cache: dict, minutes_per_unit: int) -> int:
        """Convert a budget in days or minutes to microseconds of working time, caching common values."""
        try:
            budget = cache.get(amount) if type(amount) in _CACHEABLE_TYPES else None
        except TypeError:
            # A signalling-NaN Decimal cannot be hashed. _exact_amount rejects it below.
            budget = None
        if budget is not None:
            return budget

        # NOTE: a budget that is not a whole number of microseconds is rounded up to the next
        # microsecond, so a deadline is never early. Budgets in whole seconds are exact.
        budget = math.ceil(_exact_amount(amount, argument) * minutes_per_unit * _MICROSECONDS_PER_MINUTE)
        if type(amount) in _CACHEABLE_TYPES and len(cache) < _CACHE_LIMIT:
            cache[amount] = budget
        return budget

    def _deadline(self, start: datetime, budget: int) -> Deadline:
        start_instant = _to_instant(start, "start")
        if budget == 0:
            end_instant, table = start_instant, self._table_containing(start_instant, start_instant)
        else:
            end_instant, table = self._find_end(start_instant, budget)

        at = _EPOCH + _ONE_MICROSECOND * end_instant
        return Deadline(at, table.is_provisional(start_instant, end_instant))

    def _find_end(self, start_instant: int, budget: int):
        """Return the earliest instant whose working time since start_instant equals budget, and its table."""
        table = self._table_containing(start_instant, start_instant)
        while True:
            index = bisect_right(table.ends, start_instant)
            if index == len(table.ends):
                table = self._extend(table.first_year, table.last_year + self._years_for(budget, table))
                continue

            target = table.worked_before[index] + max(0, start_instant - table.starts[index]) + budget
            # The first interval whose cumulative end reaches the target contains the deadline, so a
            # budget ending exactly at a window's end stops there, not at the next window's start.
            found = bisect_left(table.worked_after, target, index)
            if found == len(table.ends):
                missing = target - table.worked_after[-1]
                table = self._extend(table.first_year, table.last_year + self._years_for(missing, table))
                continue
            return table.starts[found] + target - table.worked_before[found], table

    def _years_for(self, budget: int, table: _IntervalTable) -> int:
        # An estimate: a year has at least 200 working days unless overrides remove more. The
        # table at least doubles, so a schedule with few working days still ends in few rebuilds.
        per_year = 200 * self._minutes_per_day * _MICROSECONDS_PER_MINUTE
        return max(budget // per_year + 1, table.last_year - table.first_year + 1)

    def _table_containing(self, first: int, last: int) -> _IntervalTable:
        table = self._table
        if table.begin <= first and last < table.end:
            return table
        if first < _year_start(MINYEAR) or last >= _year_start(MAXYEAR + 1):
            raise ValueError(f"instants must fall within the years {MINYEAR}-{MAXYEAR} in Asia/Shanghai")
        return self._extend(min(table.first_year, _year_of(first)), max(table.last_year, _year_of(last)))

    def _extend(self, first_year: int, last_year: int) -> _IntervalTable:
        """Rebuild the interval table over a wider range of years and return it."""
        with self._extend_lock:
            current = self._table
            if last_year > MAXYEAR:
                if current.last_year >= MAXYEAR:
                    raise ValueError(f"the deadline falls after the year {MAXYEAR}; use a smaller budget")
                last_year = MAXYEAR
            first_year = min(current.first_year, first_year)
            last_year = max(current.last_year, last_year)
            # Another thread may have widened the table while this one waited for the lock.
            if (first_year, last_year) != (current.first_year, current.last_year):
                self._table = _IntervalTable(self.schedule, self.windows, first_year, last_year)
            return self._table

    @staticmethod
    def _local_date(day, argument: str) -> date:
        if isinstance(day, datetime):
            _to_instant(day, argument)
            return day.astimezone(SHANGHAI).date()
        if not isinstance(day, date):
            raise TypeError(f"{argument} must be a date or an aware datetime, got {type(day).__name__} {day!r}")
        return day


def _to_instant(value: datetime, argument: str) -> int:
    """Convert an aware datetime in any timezone to microseconds since 1970-01-01 00:00 Asia/Shanghai."""
    try:
        return (value - _EPOCH) // _ONE_MICROSECOND
    except TypeError:
        if not isinstance(value, datetime):
            raise TypeError(f"{argument} must be an aware datetime, got {type(value).__name__} {value!r}") from None
        raise ValueError(
            f"{argument}={value.isoformat()} is a naive datetime; attach a timezone, e.g. value.replace(tzinfo=SHANGHAI)"
        ) from None


def _year_of(instant: int) -> int:
    return date.fromordinal(_EPOCH_ORDINAL + instant // _MICROSECONDS_PER_DAY).year
