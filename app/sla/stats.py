"""Per-unit time-limit statistics: tasks received, claimed on time, replied on time, overdue."""

import csv
import io
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select

from ..core.db import utcnow
from ..extensions import db
from ..orgs.models import OrgUnit
from ..tasks.models import HumanTask
from .models import SlaClock

# Spreadsheet programs run cells that start with these characters as formulas.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class UnitStatistics:
    """Counts for one handling unit."""

    unit_id: int
    unit_name: str
    received: int
    claimed: int
    claimed_on_time: int
    replied: int
    replied_on_time: int
    overdue_open: int


def _clock_count(kind, outcome=None):
    condition = and_(SlaClock.kind == kind, SlaClock.status == "stopped")
    if outcome:
        condition = and_(condition, SlaClock.outcome == outcome)
    return func.count(func.distinct(case((condition, SlaClock.id))))


def unit_statistics(user):
    """Return UnitStatistics for every unit below the user's unit that received handler tasks."""
    now = utcnow()
    overdue = and_(SlaClock.status == "running", SlaClock.enforced.is_(True), SlaClock.deadline_at < now)
    query = (
        select(
            OrgUnit.id,
            OrgUnit.name,
            func.count(func.distinct(HumanTask.id)),
            _clock_count("claim"),
            _clock_count("claim", "met"),
            _clock_count("reply"),
            _clock_count("reply", "met"),
            func.count(func.distinct(case((overdue, SlaClock.id)))),
        )
        .join(HumanTask, HumanTask.candidate_org_id == OrgUnit.id)
        .outerjoin(SlaClock, SlaClock.human_task_id == HumanTask.id)
        .where(HumanTask.role == "handler", OrgUnit.path.like(user.org_unit.path + "%"))
        .group_by(OrgUnit.id, OrgUnit.name, OrgUnit.path)
        .order_by(OrgUnit.path)
    )
    return [UnitStatistics(*row) for row in db.session.execute(query).all()]


def _cell(value):
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def statistics_csv(rows, header):
    """Render statistics as CSV text, with cells that could run as formulas quoted by a leading apostrophe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            _cell(value)
            for value in (row.unit_name, row.received, row.claimed, row.claimed_on_time, row.replied, row.replied_on_time, row.overdue_open)
        )
    return buffer.getvalue()
