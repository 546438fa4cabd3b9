"""The installation's working calendar: official data, loaded years and admin overrides."""

import json
import logging
import threading
import time as monotonic_time
from datetime import date

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError, ProgrammingError

from ..extensions import db
from .calendar import DEFAULT_WINDOWS, WorkingCalendar, parse_windows
from .holidays import YearSchedule, official_schedule
from .models import CalendarOverride, CalendarRevision, CalendarYear

log = logging.getLogger(__name__)

# How long a process trusts its cached calendar before checking the revision counter again.
# Pages may show figures this stale; starting a clock always checks (see verify_current).
REVISION_CHECK_SECONDS = 5

_lock = threading.Lock()
_cache = {"revision": None, "checked": 0.0, "schedule": None, "calendars": {}, "windows_by_unit": None}


def year_schedule_from_row(row):
    """Rebuild a YearSchedule from its stored calendar_year row."""
    holidays = tuple((name, date.fromisoformat(first), date.fromisoformat(last)) for name, first, last in json.loads(row.holidays))
    makeup = tuple(date.fromisoformat(day) for day in json.loads(row.makeup_workdays))
    return YearSchedule(year=row.year, holidays=holidays, makeup_workdays=makeup, source=row.source)


def _stored_calendar():
    """Return (loaded year schedules, overrides) from the database, or empty ones before it is migrated."""
    try:
        years = [year_schedule_from_row(row) for row in db.session.scalars(select(CalendarYear).order_by(CalendarYear.year))]
        overrides = {row.day: row.is_workday for row in db.session.scalars(select(CalendarOverride))}
    except (OperationalError, ProgrammingError):
        # Command-line checks such as "flask sla deadline" also work on a database not yet migrated.
        db.session.rollback()
        log.warning("calendar.tables_missing using=official_data_only")
        return [], {}
    return years, overrides


def build_schedule(extra_years=(), overrides=None):
    """Combine the official data, the loaded years (plus ``extra_years``) and the day overrides."""
    years, stored_overrides = _stored_calendar()
    schedule = official_schedule()
    for year_schedule in [*years, *extra_years]:
        schedule = schedule.merged(year_schedule.to_day_schedule())
    return schedule.with_overrides(stored_overrides if overrides is None else overrides)


def _current_revision():
    try:
        return db.session.scalar(select(CalendarRevision.revision).where(CalendarRevision.id == 1)) or 0
    except (OperationalError, ProgrammingError):
        db.session.rollback()
        return 0


def verify_current():
    """Check the calendar revision once in the current transaction, before deadlines are stored.

    A clock started with a calendar another process has just changed would
    keep a wrong deadline, because that change only recomputes stored clocks.
    """
    session = db.session()
    transaction = session.get_transaction()
    if transaction is not None and session.info.get("calendar_checked") is transaction:
        return
    _cache["checked"] = 0.0
    calendar_for()
    session.info["calendar_checked"] = transaction


def calendar_for(windows=DEFAULT_WINDOWS):
    """Return the cached WorkingCalendar for these windows, rebuilt after any calendar change."""
    now = monotonic_time.monotonic()
    if now - _cache["checked"] > REVISION_CHECK_SECONDS:
        revision = _current_revision()
        with _lock:
            _cache["checked"] = now
            if revision != _cache["revision"]:
                _cache.update(revision=revision, schedule=None, calendars={}, windows_by_unit=None)

    calendar = _cache["calendars"].get(windows)
    if calendar is None:
        schedule = _cache["schedule"] or build_schedule()
        calendar = WorkingCalendar(schedule, windows)
        with _lock:
            _cache["schedule"] = schedule
            _cache["calendars"][windows] = calendar
    return calendar


def bump_revision():
    """Record a calendar change in the current transaction and drop this process's cached calendars."""
    changed = db.session.execute(update(CalendarRevision).where(CalendarRevision.id == 1).values(revision=CalendarRevision.revision + 1))
    if changed.rowcount == 0:
        db.session.add(CalendarRevision(id=1, revision=1))
    forget_cached_calendars()


def forget_cached_calendars():
    """Make the next calendar_for() rebuild from the database."""
    with _lock:
        _cache.update(revision=None, checked=0.0, schedule=None, calendars={}, windows_by_unit=None)


def default_windows():
    """Return the configured default working windows."""
    text = current_app.config.get("SLA_WORKING_WINDOWS")
    return parse_windows(text) if text else DEFAULT_WINDOWS


def windows_for_unit(unit_id):
    """Return the working windows of an org unit: its own, its nearest ancestor's, or the default.

    Units are read once per calendar revision, so clocks start without a query per unit.
    """
    table = _cache.get("windows_by_unit")
    if table is None:
        table = _windows_table()
        with _lock:
            _cache["windows_by_unit"] = table
    return table.get(unit_id, default_windows())


def _windows_table():
    from ..orgs.models import OrgUnit

    try:
        units = db.session.execute(select(OrgUnit.id, OrgUnit.path, OrgUnit.working_windows)).all()
    except (OperationalError, ProgrammingError):
        db.session.rollback()
        return {}
    own = {unit_id: parse_windows(text) for unit_id, _, text in units if text}
    if not own:
        return {}

    table = {}
    for unit_id, path, _ in units:
        ancestors = [int(part) for part in path.strip("/").split("/") if part]
        for ancestor in reversed(ancestors):
            if ancestor in own:
                table[unit_id] = own[ancestor]
                break
    return table