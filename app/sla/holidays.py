"""Official holiday schedules: the chinese_calendar data and uploaded schedule files for one year."""

import csv
import io
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import yaml
from chinese_calendar import constants

from .calendar import DaySchedule

MAX_FILE_BYTES = 64 * 1024
MAX_ROWS = 400
# Maximum length of a notice title, the size of the calendar_year.source column.
MAX_SOURCE_LENGTH = 300
CSV_HEADER = ("date", "type", "name", "source")
_YAML_KEYS = ("year", "source", "holidays", "makeup_workdays")
_HOLIDAY_KEYS = ("name", "from", "to")
_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
# Dates that YAML would turn into date objects, used to find an impossible date such as 2027-02-30.
_YAML_DATE_TOKEN = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DATE_HINT = "write dates as YYYY-MM-DD, e.g. 2027-02-06"


class ScheduleFileError(ValueError):
    """A schedule file that failed validation, with every problem found in it."""

    def __init__(self, filename: str, problems):
        self.filename = filename
        self.problems = tuple(problems)
        listed = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(f"{filename}: {len(self.problems)} problem(s) found:\n{listed}")


@dataclass(frozen=True)
class YearSchedule:
    """The State Council's holiday schedule for one year, as loaded from a file."""

    year: int
    holidays: tuple  # ((name, first_date, last_date), ...), both dates inclusive
    makeup_workdays: tuple  # (date, ...), weekend days that are working days
    source: str

    def to_day_schedule(self) -> DaySchedule:
        """Expand the holiday ranges into a DaySchedule that covers this year."""
        days_off = set()
        for _name, first, last in self.holidays:
            days_off.update(first + timedelta(days=offset) for offset in range((last - first).days + 1))
        return DaySchedule(days_off, self.makeup_workdays, {self.year})


@lru_cache(maxsize=1)
def official_schedule() -> DaySchedule:
    """Build the schedule of every year in the installed chinese_calendar data (1.11.0 covers 2004-2026)."""
    holidays = frozenset(constants.holidays)
    makeup_workdays = frozenset(constants.workdays)
    # A year is covered when the package lists any date in it, because every published year
    # has at least New Year's Day.
    covered_years = frozenset(day.year for day in holidays | makeup_workdays)
    return DaySchedule(holidays, makeup_workdays, covered_years)


def parse_schedule_file(content: str | bytes, filename: str) -> YearSchedule:
    """Parse and validate a YAML (.yaml, .yml) or CSV (.csv) schedule file for one year."""
    if not isinstance(content, (str, bytes)):
        raise TypeError(f"content must be str or bytes, got {type(content).__name__}")
    size = len(content.encode("utf-8") if isinstance(content, str) else content)
    if size > MAX_FILE_BYTES:
        raise ScheduleFileError(filename, [
            f"the file is {size} bytes, over the limit of {MAX_FILE_BYTES} bytes (64 KB); "
            f"a schedule for one year needs only a few kilobytes"
        ])

    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ("yaml", "yml", "csv"):
        raise ScheduleFileError(filename, [f"the file type {extension or '(none)'!r} is not supported; upload a .yaml, .yml or .csv file"])

    text = _decode(content, filename)
    if extension == "csv":
        return _parse_csv(text, filename)
    return _parse_yaml(text, filename)


def _decode(content: str | bytes, filename: str) -> str:
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    try:
        # utf-8-sig drops the byte order mark that spreadsheet programs put in front of CSV files.
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ScheduleFileError(filename, [f"the file is not valid UTF-8 (invalid byte at offset {error.start}); save it as UTF-8"]) from None


def _parse_date(value) -> date | None:
    """Return the date for a date object or a strict YYYY-MM-DD string, or None when it is neither."""
    if type(value) is date:
        return value
    if isinstance(value, str) and _DATE_PATTERN.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _check_days(year: int, holidays: list, makeup_workdays: list, problems: list) -> None:
    """Append a problem for every date outside the year, misplaced make-up day, and date listed twice.

    holidays contains (label, name, first, last) and makeup_workdays contains (label, day), where
    label names the line or entry for the messages.
    """
    seen = {}
    for label, _name, first, last in holidays:
        if last < first:
            problems.append(f"{label}: 'to' {last} is before 'from' {first}; swap the two dates")
            continue
        if first.year != year or last.year != year:
            dates = f"date {first}" if first == last else f"range {first} to {last}"
            problems.append(f"{label}: the holiday {dates} is outside {year}; a file holds one year only")
            continue
        for offset in range((last - first).days + 1):
            _record_date(first + timedelta(days=offset), label, "holiday", seen, problems)

    for label, day in makeup_workdays:
        if day.year != year:
            problems.append(f"{label}: make-up workday {day} is outside {year}; a file holds one year only")
            continue
        if day.weekday() < 5:
            problems.append(
                f"{label}: make-up workday {day} is a {day:%A}; make-up workdays are Saturdays or Sundays, "
                f"so check the date against the notice"
            )
        _record_date(day, label, "make-up workday", seen, problems)


def _record_date(day: date, label: str, kind: str, seen: dict, problems: list) -> None:
    if day not in seen:
        seen[day] = (label, kind)
        return
    first_label, first_kind = seen[day]
    if first_kind == kind:
        problems.append(f"{label}: {day} is already listed as a {kind} in {first_label}; list each date once")
    else:
        problems.append(
            f"{label}: {day} is listed as a {kind} here and as a {first_kind} in {first_label}; "
            f"a date is either a day off or a workday"
        )


def _parse_yaml(text: str, filename: str) -> YearSchedule:
    try:
        data = yaml.safe_load(text)
    except yaml.constructor.ConstructorError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise ScheduleFileError(filename, [f"{where}{error.problem}; write plain values without '!!' tags"]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        reason = getattr(error, "problem", None) or str(error)
        raise ScheduleFileError(filename, [f"{where}the YAML is invalid ({reason}); check indentation, colons and quotes"]) from None
    except ValueError:
        # safe_load turns unquoted dates into date objects and raises ValueError on impossible ones.
        raise ScheduleFileError(filename, _impossible_yaml_dates(text)) from None
    except RecursionError:
        raise ScheduleFileError(filename, ["the YAML is nested too deeply; use the flat layout of year, source, holidays and makeup_workdays"]) from None

    if not isinstance(data, dict):
        raise ScheduleFileError(filename, ["the file must be a YAML mapping with the keys year, source, holidays and makeup_workdays"])

    problems = []
    for key in data:
        if key not in _YAML_KEYS:
            problems.append(f"unknown key {key!r}; allowed keys are {', '.join(_YAML_KEYS)}")
    year = _yaml_year(data, problems)
    source = _yaml_source(data, problems)
    holidays = _yaml_holidays(data.get("holidays"), "holidays" in data, problems)
    makeup_workdays = _yaml_makeup_workdays(data.get("makeup_workdays"), problems)

    if len(holidays) + len(makeup_workdays) > MAX_ROWS:
        problems.append(f"the file has {len(holidays) + len(makeup_workdays)} entries, over the limit of {MAX_ROWS}; one year needs a few dozen")
    elif year is not None:
        _check_days(year, holidays, makeup_workdays, problems)
    if problems:
        raise ScheduleFileError(filename, problems)

    return YearSchedule(
        year,
        tuple(sorted(((name, first, last) for _label, name, first, last in holidays), key=lambda entry: entry[1])),
        tuple(sorted(day for _label, day in makeup_workdays)),
        source,
    )


def _impossible_yaml_dates(text: str) -> list:
    problems = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        for match in _YAML_DATE_TOKEN.finditer(line):
            try:
                date(*(int(part) for part in match.groups()))
            except ValueError as error:
                problems.append(f"line {line_number}: {match.group()} is not a valid date ({error}); {_DATE_HINT}")
    return problems or [f"the file contains an invalid date or timestamp; {_DATE_HINT}"]


def _yaml_year(data: dict, problems: list) -> int | None:
    if "year" not in data:
        problems.append("year is missing; add a line such as 'year: 2027'")
        return None
    year = data["year"]
    if type(year) is not int or not 1 <= year <= 9999:
        problems.append(f"year {year!r} is invalid; write the year as a whole number such as 2027")
        return None
    return year


def _yaml_source(data: dict, problems: list) -> str:
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.append("source is missing or empty; give the title of the State Council notice, e.g. 'source: 国务院办公厅关于2027年部分节假日安排的通知'")
        return ""
    return _checked_source(source.strip(), problems)


def _checked_source(source: str, problems: list) -> str:
    if len(source) > MAX_SOURCE_LENGTH:
        problems.append(f"source is {len(source)} characters long, over the limit of {MAX_SOURCE_LENGTH}; give only the notice's title")
    return source


def _yaml_holidays(entries, present: bool, problems: list) -> list:
    """Return (label, name, first, last) for each valid holiday entry, appending a problem for each invalid one."""
    if not present or entries is None:
        problems.append("holidays is missing; list each holiday as {name: 春节, from: 2027-02-06, to: 2027-02-13}")
        return []
    if not isinstance(entries, list):
        problems.append("holidays must be a list of {name, from, to} entries")
        return []

    holidays = []
    for number, entry in enumerate(entries, start=1):
        label = f"holidays entry {number}"
        if not isinstance(entry, dict):
            problems.append(f"{label}: {entry!r} is not a mapping; write {{name: 春节, from: 2027-02-06, to: 2027-02-13}}")
            continue
        for key in entry:
            if key not in _HOLIDAY_KEYS:
                problems.append(f"{label}: unknown key {key!r}; allowed keys are name, from and to")
        # An unknown key alone still lets the entry's dates be checked against the others.
        count = len(problems)
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{label}: name is missing or empty; give the holiday's name, e.g. 春节")
        dates = []
        for key in ("from", "to"):
            if key not in entry:
                problems.append(f"{label}: '{key}' is missing; {_DATE_HINT}")
                continue
            parsed = _parse_date(entry[key])
            if parsed is None:
                problems.append(f"{label}: '{key}' {entry[key]!r} is not a valid date; {_DATE_HINT}")
            dates.append(parsed)
        if len(problems) == count:
            holidays.append((label, name.strip(), dates[0], dates[1]))
    return holidays


def _yaml_makeup_workdays(entries, problems: list) -> list:
    """Return (label, day) for each valid make-up workday, appending a problem for each invalid one."""
    if entries is None:
        return []
    if not isinstance(entries, list):
        problems.append(f"makeup_workdays must be a list of dates such as [2027-02-14, 2027-02-20]; {_DATE_HINT}")
        return []

    makeup_workdays = []
    for number, value in enumerate(entries, start=1):
        label = f"makeup_workdays entry {number}"
        day = _parse_date(value)
        if day is None:
            problems.append(f"{label}: {value!r} is not a valid date; {_DATE_HINT}")
            continue
        makeup_workdays.append((label, day))
    return makeup_workdays


def _parse_csv(text: str, filename: str) -> YearSchedule:
    rows, problems = _read_csv_rows(text)
    if not rows:
        raise ScheduleFileError(filename, problems)

    holidays, makeup_workdays, sources = [], [], {}
    for line, row in rows:
        label = f"line {line}"
        day = _parse_date(row["date"])
        if day is None:
            problems.append(f"{label}: date {row['date']!r} is not a valid date; {_DATE_HINT}")
        kind = row["type"].lower()
        if kind not in ("holiday", "workday"):
            problems.append(f"{label}: type {row['type']!r} is invalid; write holiday or workday")
        if kind == "holiday" and not row["name"]:
            problems.append(f"{label}: name is missing; give the holiday's name, e.g. 春节")
        if row["source"]:
            sources.setdefault(row["source"], line)
        if day is None or kind not in ("holiday", "workday") or (kind == "holiday" and not row["name"]):
            continue
        if kind == "holiday":
            holidays.append((label, row["name"], day, day))
        else:
            makeup_workdays.append((label, day))

    source = _csv_source(sources, problems)
    year = _csv_year(holidays, makeup_workdays)
    if year is not None:
        _check_days(year, holidays, makeup_workdays, problems)
    if problems:
        raise ScheduleFileError(filename, sorted(problems, key=_line_number))
    return YearSchedule(year, _holiday_ranges(holidays), tuple(sorted(day for _label, day in makeup_workdays)), source)


def _line_number(problem: str) -> float:
    """Return the line number a CSV problem starts with, or infinity for file-wide problems so they sort last."""
    match = re.match(r"line (\d+):", problem)
    return int(match.group(1)) if match else math.inf


def _read_csv_rows(text: str):
    """Return ([(line, row dict), ...], problems) for the data rows, checking header, field counts and row count."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, problems = [], []
    try:
        header = next(reader, None)
        if header is None or tuple(field.strip().lower() for field in header) != CSV_HEADER:
            return [], [f"line 1: the header is {','.join(header or [])!r}; the first line must be {','.join(CSV_HEADER)}"]
        for fields in reader:
            if not any(field.strip() for field in fields):
                continue
            if len(fields) != len(CSV_HEADER):
                problems.append(f"line {reader.line_num}: {len(fields)} fields instead of {len(CSV_HEADER)}; write {','.join(CSV_HEADER)}")
                continue
            rows.append((reader.line_num, dict(zip(CSV_HEADER, (field.strip() for field in fields)))))
    except csv.Error as error:
        return [], [f"line {reader.line_num}: the CSV is invalid ({error}); save the file as plain comma-separated text"]

    if len(rows) + len(problems) > MAX_ROWS:
        return [], [f"the file has {len(rows) + len(problems)} rows, over the limit of {MAX_ROWS}; one year needs a few dozen"]
    if not rows and not problems:
        problems.append("the file has no data rows; add one row per holiday date and make-up workday")
    return rows, problems


def _csv_source(sources: dict, problems: list) -> str:
    if not sources:
        problems.append("source is missing; fill the source column on at least one row with the title of the State Council notice")
        return ""
    if len(sources) > 1:
        listed = ", ".join(f"line {line}: {source!r}" for source, line in sources.items())
        problems.append(f"the rows name {len(sources)} different sources ({listed}); use one source for the whole file")
    return _checked_source(next(iter(sources)), problems)


def _csv_year(holidays: list, makeup_workdays: list) -> int | None:
    """Return the year most rows fall in; rows in other years are reported by _check_days."""
    years = Counter(entry[2].year for entry in holidays) + Counter(day.year for _label, day in makeup_workdays)
    if not years:
        return None
    return max(sorted(years), key=years.__getitem__)


def _holiday_ranges(holidays: list) -> tuple:
    """Group single holiday dates into (name, first, last) runs of consecutive days with one name."""
    ranges = []
    for _label, name, day, _last in sorted(holidays, key=lambda entry: entry[2]):
        if ranges and ranges[-1][0] == name and ranges[-1][2] + timedelta(days=1) == day:
            ranges[-1][2] = day
        else:
            ranges.append([name, day, day])
    return tuple(tuple(entry) for entry in ranges)
