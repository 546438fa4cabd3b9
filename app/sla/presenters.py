"""Clock figures for pages and the API: remaining working time and colour."""

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import or_, select

from ..extensions import db
from ..orgs.models import OrgUnit
from .calendar import SHANGHAI
from .models import SlaClock
from .provider import calendar_for, windows_for_unit


@dataclass(frozen=True)
class ClockView:
    """One clock as a page shows it."""

    id: int
    kind: str
    level: str
    status: str
    outcome: str | None
    started_at: datetime
    deadline_at: datetime | None
    provisional: bool
    remaining_minutes: int | None
    spent_seconds: int
    budget_seconds: int
    extension_seconds: int
    enforced: bool
    human_task_id: int | None
    minutes_per_day: int
    unit_name: str = ""


def current_level(clock, now):
    """Return the colour a running clock has now, even before the sweep has looked at it."""
    if clock.status != "running" or clock.deadline_at is None:
        return clock.level
    if now >= clock.deadline_at:
        return "red"
    if now >= clock.yellow_at or clock.level == "yellow":
        return "yellow"
    return clock.level


def remaining_minutes(clock, now):
    """Return working minutes left (negative when overdue); a paused clock keeps what it had left."""
    if clock.status == "paused":
        return (clock.budget_seconds + clock.extension_seconds - clock.spent_seconds) // 60
    if clock.status != "running" or clock.deadline_at is None:
        return None
    calendar = calendar_for(windows_for_unit(clock.org_unit_id))
    if now <= clock.deadline_at:
        return int(calendar.working_minutes_between(now, clock.deadline_at))
    return -int(calendar.working_minutes_between(clock.deadline_at, now))


def view(clock, now):
    """Build the ClockView of a clock."""
    return ClockView(
        id=clock.id,
        kind=clock.kind,
        level=current_level(clock, now),
        status=clock.status,
        outcome=clock.outcome,
        started_at=clock.started_at,
        deadline_at=clock.deadline_at,
        provisional=clock.provisional,
        remaining_minutes=remaining_minutes(clock, now),
        spent_seconds=clock.spent_seconds,
        budget_seconds=clock.budget_seconds,
        extension_seconds=clock.extension_seconds,
        enforced=clock.enforced,
        human_task_id=clock.human_task_id,
        minutes_per_day=calendar_for(windows_for_unit(clock.org_unit_id)).minutes_per_day,
    )


def appeal_clocks(appeal_id, now):
    """Return every clock of an appeal, oldest first, with the name of the unit it runs for."""
    rows = db.session.execute(
        select(SlaClock, OrgUnit.name)
        .outerjoin(OrgUnit, OrgUnit.id == SlaClock.org_unit_id)
        .where(SlaClock.appeal_id == appeal_id)
        .order_by(SlaClock.id)
    ).all()
    return [replace(view(clock, now), unit_name=unit_name or "") for clock, unit_name in rows]


def task_clocks(tasks, now):
    """Return {task id: ClockView}: the task's running enforced clock due first, else its appeal's overall clock."""
    if not tasks:
        return {}
    task_ids = [task.id for task in tasks]
    appeal_ids = {task.appeal_id for task in tasks}
    clocks = db.session.scalars(
        select(SlaClock)
        .where(
            SlaClock.status.in_(("running", "paused")),
            SlaClock.enforced.is_(True),
            or_(SlaClock.human_task_id.in_(task_ids), (SlaClock.kind == "overall") & SlaClock.appeal_id.in_(appeal_ids)),
        )
        .order_by(SlaClock.status.desc(), SlaClock.deadline_at)
    ).all()

    # Running clocks sort before paused ones ("running" > "paused"), earliest deadline first.
    own, overall = {}, {}
    for clock in clocks:
        if clock.human_task_id is not None:
            own.setdefault(clock.human_task_id, clock)
        else:
            overall.setdefault(clock.appeal_id, clock)

    result = {}
    for task in tasks:
        clock = own.get(task.id) or overall.get(task.appeal_id)
        if clock is not None:
            result[task.id] = view(clock, now)
    return result


def format_local(instant):
    """Format an instant as Asia/Shanghai wall time for pages."""
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if instant else ""
