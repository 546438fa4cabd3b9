"""Per-unit statistics: tasks received, claimed and replied on time, returns and extensions.

Also the return rate per category, which shows where routing rules send
appeals to the wrong unit.
"""

import csv
import io
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select

from ..appeals.models import Appeal, Category
from ..core.db import utcnow
from ..extensions import db
from ..handling.models import ExtensionRequest, ReturnRequest
from ..orgs.models import OrgUnit
from ..tasks.models import HumanTask
from .models import SlaClock

# Spreadsheet programs run cells that start with these characters as formulas.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
REPLY_KINDS = ("reply", "assist")


@dataclass(frozen=True)
class UnitStatistics:
    """Counts for one handling unit.

    ``lead_received`` counts the tasks it could return, and ``claimed`` only the
    tasks with a claim clock (assisting tasks have none).
    """

    unit_id: int
    unit_name: str
    received: int
    lead_received: int
    claimed: int
    claimed_on_time: int
    replied: int
    replied_on_time: int
    overdue_open: int
    returned: int = 0
    returns_accepted: int = 0
    extensions_requested: int = 0
    extensions_approved: int = 0

    @property
    def return_rate(self):
        """Returns per task received as lead, or None before the first one."""
        return self.returned / self.lead_received if self.lead_received else None


@dataclass(frozen=True)
class CategoryReturns:
    """How often appeals of one category were returned by the unit they were dispatched to."""

    code: str
    label: str
    received: int
    returned: int

    @property
    def return_rate(self):
        return self.returned / self.received if self.received else None


def _count_where(condition, column):
    return func.count(func.distinct(case((condition, column))))


def unit_statistics(user):
    """Return UnitStatistics for every unit below the user's unit that received handler tasks."""
    now = utcnow()
    stopped = SlaClock.status == "stopped"
    overdue = and_(SlaClock.status == "running", SlaClock.enforced.is_(True), SlaClock.deadline_at < now)
    claimed_in_time = and_(SlaClock.kind == "claim", stopped, SlaClock.outcome == "met", HumanTask.claimed_at.is_not(None))
    replied = and_(HumanTask.status == "completed", SlaClock.kind.in_(REPLY_KINDS))
    query = (
        select(
            OrgUnit.id,
            OrgUnit.name,
            func.count(func.distinct(HumanTask.id)),
            _count_where(HumanTask.clock_classes.like("%return%"), HumanTask.id),
            _count_where(and_(HumanTask.claimed_at.is_not(None), HumanTask.clock_classes.like("%claim%")), HumanTask.id),
            _count_where(claimed_in_time, HumanTask.id),
            _count_where(replied, HumanTask.id),
            _count_where(and_(replied, stopped, SlaClock.outcome == "met"), HumanTask.id),
            _count_where(overdue, SlaClock.id),
        )
        .join(HumanTask, HumanTask.candidate_org_id == OrgUnit.id)
        .outerjoin(SlaClock, SlaClock.human_task_id == HumanTask.id)
        .where(HumanTask.role == "handler", OrgUnit.path.like(user.org_unit.path + "%"))
        .group_by(OrgUnit.id, OrgUnit.name, OrgUnit.path)
        .order_by(OrgUnit.path)
    )
    rows = db.session.execute(query).all()
    unit_ids = [row[0] for row in rows]
    returns = _grouped(ReturnRequest, ReturnRequest.status == "accepted", unit_ids)
    extensions = _grouped(ExtensionRequest, ExtensionRequest.status == "approved", unit_ids)
    return [
        UnitStatistics(
            *row,
            returned=returns.get(row[0], (0, 0))[0],
            returns_accepted=returns.get(row[0], (0, 0))[1],
            extensions_requested=extensions.get(row[0], (0, 0))[0],
            extensions_approved=extensions.get(row[0], (0, 0))[1],
        )
        for row in rows
    ]


def _grouped(model, condition, unit_ids):
    """Return {unit id: (all rows, rows meeting the condition)} of a per-unit request table."""
    if not unit_ids:
        return {}
    query = (
        select(model.unit_id, func.count(model.id), func.count(case((condition, model.id))))
        .where(model.unit_id.in_(unit_ids))
        .group_by(model.unit_id)
    )
    return {unit_id: (total, meeting) for unit_id, total, meeting in db.session.execute(query).all()}


def category_returns(user, limit=50):
    """Return CategoryReturns for the categories returned most often below the user's unit."""
    in_subtree = OrgUnit.path.like(user.org_unit.path + "%")
    returned = dict(
        db.session.execute(
            select(ReturnRequest.category_code, func.count(ReturnRequest.id))
            .join(OrgUnit, OrgUnit.id == ReturnRequest.unit_id)
            .where(in_subtree, ReturnRequest.category_code.is_not(None))
            .group_by(ReturnRequest.category_code)
        ).all()
    )
    if not returned:
        return []
    received = dict(
        db.session.execute(
            select(Appeal.category_code, func.count(HumanTask.id))
            .join(HumanTask, HumanTask.appeal_id == Appeal.id)
            .join(OrgUnit, OrgUnit.id == HumanTask.candidate_org_id)
            .where(in_subtree, HumanTask.clock_classes.like("%return%"), Appeal.category_code.in_(list(returned)))
            .group_by(Appeal.category_code)
        ).all()
    )
    categories = {category.code: category for category in db.session.scalars(select(Category).where(Category.code.in_(list(returned))))}
    rows = [
        CategoryReturns(code, categories[code].label if code in categories else code, received.get(code, 0), count)
        for code, count in returned.items()
    ]
    rows.sort(key=lambda row: (-(row.return_rate or 0), -row.returned, row.code))
    return rows[:limit]


def _cell(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _rate(value):
    return None if value is None else f"{value:.1%}"


UNIT_COLUMNS = (
    lambda row: row.unit_name,
    lambda row: row.received,
    lambda row: row.claimed,
    lambda row: row.claimed_on_time,
    lambda row: row.returned,
    lambda row: row.returns_accepted,
    lambda row: _rate(row.return_rate),
    lambda row: row.extensions_requested,
    lambda row: row.extensions_approved,
    lambda row: row.replied,
    lambda row: row.replied_on_time,
    lambda row: row.overdue_open,
)
CATEGORY_COLUMNS = (
    lambda row: row.code,
    lambda row: row.label,
    lambda row: row.received,
    lambda row: row.returned,
    lambda row: _rate(row.return_rate),
)


def statistics_csv(rows, header, columns=UNIT_COLUMNS):
    """Render statistics as CSV text, with cells that could run as formulas quoted by a leading apostrophe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(_cell(column(row)) for column in columns)
    return buffer.getvalue()
