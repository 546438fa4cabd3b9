"""Calendar changes by an admin: loading a year's schedule and overriding single days.

Each change is previewed first (which days change, which open deadlines
move), then applied in one transaction that bumps the calendar revision,
reschedules every running clock and writes an audit event per moved deadline.
"""

import json
import logging
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ..audit.services import record_event
from ..core.db import utcnow, write_transaction
from ..extensions import db
from .calendar import WorkingCalendar
from .clocks import recompute_open_clocks, refresh_task_due, schedule, schedule_inputs
from .holidays import parse_schedule_file
from .models import CalendarOverride, CalendarYear, SlaClock
from .provider import build_schedule, bump_revision, calendar_for, windows_for_unit

PREVIEW_LIMIT = 200
log = logging.getLogger(__name__)


@dataclass
class CalendarPreview:
    """Effect of a calendar change: the days whose status changes and the deadlines that move."""

    year: int | None
    source: str
    changed_days: list = field(default_factory=list)
    moved_clocks: list = field(default_factory=list)
    moved_count: int = 0


def _day_changes(old_calendar, new_calendar, days):
    changes = []
    for day in sorted(days):
        before, after = old_calendar.is_workday(day), new_calendar.is_workday(day)
        if before != after:
            changes.append((day, before, after))
    return changes


def _moved_clocks(new_schedule):
    """Return (count, first rows) of running clocks whose deadline the new schedule moves."""
    from ..appeals.models import Appeal

    calendars = {}
    moved, rows = 0, []
    running = db.session.execute(
        select(SlaClock, Appeal.number).join(Appeal, Appeal.id == SlaClock.appeal_id).where(SlaClock.status == "running")
    ).all()
    for clock, number in running:
        windows = windows_for_unit(clock.org_unit_id)
        calendar = calendars.get(windows)
        if calendar is None:
            calendar = calendars[windows] = WorkingCalendar(new_schedule, windows)
        values = schedule(schedule_inputs(clock, clock.segment_started_at), calendar)
        if values["deadline_at"] != clock.deadline_at or values["provisional"] != clock.provisional:
            moved += 1
            if len(rows) < PREVIEW_LIMIT:
                rows.append((number, clock.kind, clock.deadline_at, values["deadline_at"], values["provisional"]))
    return moved, rows


def preview_year(content, filename):
    """Parse a schedule file and describe its effect without changing anything."""
    year_schedule = parse_schedule_file(content, filename)
    new_schedule = build_schedule(extra_years=[year_schedule])
    old_calendar = calendar_for()
    new_calendar = WorkingCalendar(new_schedule, old_calendar.windows)

    first, last = date(year_schedule.year, 1, 1), date(year_schedule.year, 12, 31)
    days = [date.fromordinal(ordinal) for ordinal in range(first.toordinal(), last.toordinal() + 1)]
    preview = CalendarPreview(year_schedule.year, year_schedule.source)
    preview.changed_days = _day_changes(old_calendar, new_calendar, days)
    preview.moved_count, preview.moved_clocks = _moved_clocks(new_schedule)
    return year_schedule, preview


def _after_change(actor_id, event, **detail):
    """Reschedule open clocks after a calendar change in this transaction, audit it, return moved deadlines."""
    bump_revision()
    moved = recompute_open_clocks(actor_id)
    refresh_task_due()
    record_event(event, None, actor_id, moved_deadlines=moved, **detail)
    log.info("%s actor_id=%s moved_deadlines=%s", event, actor_id, moved)
    return moved


def import_year(content, filename, actor_id):
    """Store a year's schedule, reschedule open clocks and audit it; return the number of moved deadlines."""
    year_schedule = parse_schedule_file(content, filename)
    with write_transaction():
        row = db.session.get(CalendarYear, year_schedule.year) or CalendarYear(year=year_schedule.year)
        row.source = year_schedule.source
        row.holidays = json.dumps([[name, first.isoformat(), last.isoformat()] for name, first, last in year_schedule.holidays], ensure_ascii=False)
        row.makeup_workdays = json.dumps([day.isoformat() for day in year_schedule.makeup_workdays])
        row.imported_at = utcnow()
        row.imported_by_id = actor_id
        db.session.add(row)
        db.session.flush()

        moved = _after_change(actor_id, "calendar.imported", year=year_schedule.year, source=year_schedule.source)
    return moved


def set_override(day, is_workday, note, actor_id):
    """Mark one day as a working day or a day off, then reschedule open clocks; return moved deadlines."""
    with write_transaction():
        row = db.session.get(CalendarOverride, day) or CalendarOverride(day=day)
        row.is_workday = is_workday
        row.note = note[:200]
        row.created_at = utcnow()
        row.created_by_id = actor_id
        db.session.add(row)
        db.session.flush()

        moved = _after_change(actor_id, "calendar.override_set", day=day.isoformat(), is_workday=is_workday, note=note)
    return moved


def delete_override(day, actor_id):
    """Remove a day's override, then reschedule open clocks; return moved deadlines."""
    with write_transaction():
        row = db.session.get(CalendarOverride, day)
        if row is None:
            return 0
        db.session.delete(row)
        db.session.flush()

        moved = _after_change(actor_id, "calendar.override_deleted", day=day.isoformat())
    return moved


def set_unit_windows(unit, windows_text, actor_id):
    """Set an org unit's working windows (empty: inherit), then reschedule open clocks; return moved deadlines."""
    from .calendar import parse_windows

    text = (windows_text or "").strip() or None
    if text is not None:
        parse_windows(text)

    with write_transaction():
        old = unit.working_windows
        unit.working_windows = text
        db.session.add(unit)
        db.session.flush()

        moved = _after_change(actor_id, "calendar.windows_set", unit=unit.code, old=old, new=text)
    return moved


def provisional_clock_count():
    """Return how many running clocks have a provisional deadline."""
    from sqlalchemy import func

    return db.session.scalar(
        select(func.count()).select_from(SlaClock).where(SlaClock.status == "running", SlaClock.provisional.is_(True))
    )
