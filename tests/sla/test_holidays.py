"""Official schedules from chinese_calendar and validation of uploaded schedule files."""

from datetime import date, datetime

import pytest

from app.sla.calendar import SHANGHAI, WorkingCalendar
from app.sla.holidays import (
    MAX_FILE_BYTES,
    ScheduleFileError,
    YearSchedule,
    official_schedule,
    parse_schedule_file,
)

YAML_2027 = """\
year: 2027
source: 国务院办公厅关于2027年部分节假日安排的通知
holidays:
  - {name: 元旦, from: 2027-01-01, to: 2027-01-01}
  - {name: 春节, from: 2027-02-06, to: 2027-02-13}
makeup_workdays: [2027-02-14, 2027-02-20]
"""

CSV_2027 = """\
date,type,name,source
2027-01-01,holiday,元旦,国务院办公厅关于2027年部分节假日安排的通知
2027-02-06,holiday,春节,
2027-02-07,holiday,春节,
2027-02-08,holiday,春节,
2027-02-14,workday,春节,
2027-02-20,workday,,
"""


def problems_of(content, filename):
    with pytest.raises(ScheduleFileError) as caught:
        parse_schedule_file(content, filename)
    assert caught.value.filename == filename
    return caught.value.problems


def has_problem(problems, *fragments):
    return any(all(fragment in problem for fragment in fragments) for problem in problems)


# --- official schedule ---


def test_official_covered_years():
    schedule = official_schedule()
    assert schedule.covered_years == frozenset(range(2004, 2027))
    assert 2027 not in schedule.covered_years


def test_official_spring_festival_2026():
    schedule = official_schedule()
    for day in range(15, 24):
        assert date(2026, 2, day) in schedule.holidays, day
    assert date(2026, 2, 14) in schedule.makeup_workdays
    assert date(2026, 2, 28) in schedule.makeup_workdays
    assert date(2026, 2, 24) not in schedule.holidays


def test_official_national_day_2025():
    schedule = official_schedule()
    for day in range(1, 9):
        assert date(2025, 10, day) in schedule.holidays, day
    assert date(2025, 9, 28) in schedule.makeup_workdays
    assert date(2025, 10, 11) in schedule.makeup_workdays


def test_official_workday_rules():
    schedule = official_schedule()
    assert schedule.is_workday(date(2026, 2, 14)) is True  # make-up Saturday
    assert schedule.is_workday(date(2026, 2, 16)) is False  # Spring Festival Monday
    assert schedule.is_workday(date(2026, 3, 7)) is False  # ordinary Saturday
    assert schedule.is_workday(date(2026, 3, 9)) is True  # ordinary Monday


# --- YAML files ---


def test_yaml_example_parsed():
    schedule = parse_schedule_file(YAML_2027, "2027.yaml")
    assert schedule.year == 2027
    assert schedule.source == "国务院办公厅关于2027年部分节假日安排的通知"
    assert schedule.holidays == (
        ("元旦", date(2027, 1, 1), date(2027, 1, 1)),
        ("春节", date(2027, 2, 6), date(2027, 2, 13)),
    )
    assert schedule.makeup_workdays == (date(2027, 2, 14), date(2027, 2, 20))


def test_yaml_bytes_and_quoted_dates():
    content = YAML_2027.replace("from: 2027-02-06", 'from: "2027-02-06"').encode("utf-8")
    schedule = parse_schedule_file(content, "2027.YML")
    assert schedule.holidays[1] == ("春节", date(2027, 2, 6), date(2027, 2, 13))


def test_yaml_weekend_only_holiday_accepted():
    content = YAML_2027.replace("{name: 元旦, from: 2027-01-01, to: 2027-01-01}", "{name: 周末, from: 2027-01-02, to: 2027-01-03}")
    schedule = parse_schedule_file(content, "2027.yaml")
    assert schedule.holidays[0] == ("周末", date(2027, 1, 2), date(2027, 1, 3))


def test_yaml_makeup_workdays_optional():
    content = YAML_2027.replace("makeup_workdays: [2027-02-14, 2027-02-20]\n", "")
    assert parse_schedule_file(content, "2027.yaml").makeup_workdays == ()


def test_yaml_every_problem_listed():
    content = """\
year: 2027
sauce: typo
holidays:
  - {name: 元旦, from: 2027-01-01, to: 2026-12-31}
  - {name: 春节, from: 2027-02-06, to: 2027-02-13, extra: 1}
  - {name: 清明, from: 2028-04-03, to: 2028-04-05}
  - {from: 2027-05-01, to: "2027/05/02"}
  - {name: 重复, from: 2027-02-10, to: 2027-02-10}
  - not a mapping
makeup_workdays: [2027-02-15, 2027-02-20, 2027-02-20, 2027-02-13, soon]
"""
    problems = problems_of(content, "bad.yaml")
    assert has_problem(problems, "unknown key 'sauce'")
    assert has_problem(problems, "source is missing")
    assert has_problem(problems, "holidays entry 1", "before 'from'")
    assert has_problem(problems, "holidays entry 2", "unknown key 'extra'")
    assert has_problem(problems, "holidays entry 3", "outside 2027")
    assert has_problem(problems, "holidays entry 4", "name is missing")
    assert has_problem(problems, "holidays entry 4", "'2027/05/02'", "YYYY-MM-DD")
    assert has_problem(problems, "holidays entry 5", "2027-02-10", "already listed", "holidays entry 2")
    assert has_problem(problems, "holidays entry 6", "not a mapping")
    assert has_problem(problems, "makeup_workdays entry 1", "Monday", "Saturdays or Sundays")
    assert has_problem(problems, "makeup_workdays entry 3", "already listed")
    assert has_problem(problems, "makeup_workdays entry 4", "2027-02-13", "holiday in holidays entry 2")
    assert has_problem(problems, "makeup_workdays entry 5", "'soon'")
    assert len(problems) == 13


def test_yaml_missing_year():
    problems = problems_of(YAML_2027.replace("year: 2027\n", ""), "2027.yaml")
    assert has_problem(problems, "year is missing")


@pytest.mark.parametrize("value", ['"2027"', "2027.0", "true", "0"])
def test_yaml_invalid_year(value):
    problems = problems_of(YAML_2027.replace("year: 2027", f"year: {value}"), "2027.yaml")
    assert has_problem(problems, "year", "whole number")


def test_yaml_missing_holidays():
    content = "year: 2027\nsource: 通知\n"
    assert has_problem(problems_of(content, "2027.yaml"), "holidays is missing")


def test_yaml_impossible_date_line():
    content = YAML_2027.replace("to: 2027-02-13", "to: 2027-02-30")
    problems = problems_of(content, "2027.yaml")
    assert has_problem(problems, "line 5", "2027-02-30", "not a valid date")


def test_yaml_timestamp_rejected():
    content = YAML_2027.replace("to: 2027-02-13", "to: 2027-02-13 18:00:00")
    assert has_problem(problems_of(content, "2027.yaml"), "holidays entry 2", "'to'", "YYYY-MM-DD")


def test_yaml_syntax_error_line():
    content = YAML_2027.replace("  - {name: 春节", "  - {name: [春节")
    assert has_problem(problems_of(content, "2027.yaml"), "line", "YAML is invalid")


def test_yaml_python_tag_rejected():
    content = "!!python/object/apply:os.system ['echo unsafe']\n"
    assert has_problem(problems_of(content, "2027.yaml"), "line 1", "without '!!' tags")


def test_yaml_top_level_list_rejected():
    assert has_problem(problems_of("- 2027-01-01\n", "2027.yaml"), "YAML mapping")


def test_yaml_too_many_entries():
    days = ", ".join("2027-01-02" for _ in range(401))
    content = YAML_2027.replace("[2027-02-14, 2027-02-20]", f"[{days}]")
    assert has_problem(problems_of(content, "2027.yaml"), "entries", "400")


# --- CSV files ---


def test_csv_example_parsed():
    schedule = parse_schedule_file(CSV_2027, "2027.csv")
    assert schedule.year == 2027
    assert schedule.source == "国务院办公厅关于2027年部分节假日安排的通知"
    assert schedule.holidays == (
        ("元旦", date(2027, 1, 1), date(2027, 1, 1)),
        ("春节", date(2027, 2, 6), date(2027, 2, 8)),
    )
    assert schedule.makeup_workdays == (date(2027, 2, 14), date(2027, 2, 20))


def test_csv_byte_order_mark_accepted():
    schedule = parse_schedule_file(CSV_2027.encode("utf-8-sig"), "2027.csv")
    assert schedule.year == 2027


def test_csv_every_problem_listed():
    content = """\
date,type,name,source
2027-01-01,holiday,元旦,通知
2027-02-06,holday,春节,
2027-02-07,holiday,,
2028-02-08,holiday,春节,
2027-02-09,workday,,另一个通知
2027-02-14,workday,,
2027-02-14,holiday,春节,
2027-2-1,holiday,春节,
2027-02-10,holiday
"""
    problems = problems_of(content, "bad.csv")
    assert has_problem(problems, "line 3", "'holday'", "holiday or workday")
    assert has_problem(problems, "line 4", "name is missing")
    assert has_problem(problems, "line 5", "2028-02-08", "outside 2027")
    assert has_problem(problems, "line 6", "Tuesday", "Saturdays or Sundays")
    assert has_problem(problems, "2027-02-14", "make-up workday", "holiday")
    assert has_problem(problems, "line 9", "'2027-2-1'", "YYYY-MM-DD")
    assert has_problem(problems, "line 10", "2 fields instead of 4")
    assert has_problem(problems, "2 different sources", "line 2", "line 6")
    assert len(problems) == 8


def test_csv_problems_sorted_by_line():
    content = "date,type,name,source\n2027-01-01,holiday,元旦,\n2027-01-02,nope,x,\n"
    problems = problems_of(content, "bad.csv")
    assert problems[0].startswith("line 3")
    assert problems[-1].startswith("source is missing")


def test_csv_duplicate_date():
    content = CSV_2027 + "2027-02-07,holiday,春节,\n"
    assert has_problem(problems_of(content, "2027.csv"), "line 8", "2027-02-07", "already listed", "line 4")


def test_csv_bad_header():
    content = CSV_2027.replace("date,type,name,source", "day,kind,name")
    assert has_problem(problems_of(content, "2027.csv"), "line 1", "date,type,name,source")


def test_csv_no_rows():
    assert has_problem(problems_of("date,type,name,source\n", "2027.csv"), "no data rows")


def test_csv_too_many_rows():
    rows = "".join(f"2027-03-{day % 28 + 1:02d},holiday,x,通知\n" for day in range(401))
    content = "date,type,name,source\n" + rows
    assert has_problem(problems_of(content, "2027.csv"), "401 rows", "400")


# --- file-level checks ---


def test_file_too_large():
    content = YAML_2027 + "#" * MAX_FILE_BYTES
    problems = problems_of(content, "2027.yaml")
    assert has_problem(problems, "64 KB")
    assert len(problems) == 1


def test_unknown_extension():
    assert has_problem(problems_of(YAML_2027, "2027.json"), "'json'", ".yaml, .yml or .csv")


def test_invalid_utf8():
    assert has_problem(problems_of(b"year: 2027\n\xff\xfe", "2027.yaml"), "not valid UTF-8")


def test_error_message_lists_problems():
    with pytest.raises(ScheduleFileError) as caught:
        parse_schedule_file("year: 2027\n", "2027.yaml")
    message = str(caught.value)
    assert message.startswith("2027.yaml:")
    assert "source is missing" in message
    assert "holidays is missing" in message


def test_source_too_long():
    content = YAML_2027.replace("source: 国务院", "source: " + "长" * 300 + "国务院")
    assert has_problem(problems_of(content, "2027.yaml"), "source", "300")


# --- schedules in use ---


def test_year_schedule_to_day_schedule():
    schedule = parse_schedule_file(YAML_2027, "2027.yaml").to_day_schedule()
    assert schedule.covered_years == {2027}
    assert len(schedule.holidays) == 9
    assert date(2027, 2, 13) in schedule.holidays
    assert schedule.makeup_workdays == {date(2027, 2, 14), date(2027, 2, 20)}


def test_loaded_year_makes_deadline_final():
    loaded = parse_schedule_file(YAML_2027, "2027.yaml").to_day_schedule()
    calendar = WorkingCalendar(official_schedule().merged(loaded))
    # Friday 2-5 has 450 minutes. 2-6 to 2-13 are days off, and Sunday 2-14 is a make-up
    # workday, so the remaining 405 minutes end there.
    result = calendar.add_working_days(datetime(2027, 2, 5, 8, 30, tzinfo=SHANGHAI), "1.9")
    assert result.at == datetime(2027, 2, 14, 16, 45, tzinfo=SHANGHAI)
    assert result.provisional is False


def test_year_schedule_constructed_directly():
    schedule = YearSchedule(2027, (("春节", date(2027, 2, 6), date(2027, 2, 7)),), (), "通知")
    assert schedule.to_day_schedule().holidays == {date(2027, 2, 6), date(2027, 2, 7)}
