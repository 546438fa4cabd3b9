"""Starting, stopping, pausing and rescheduling SLA clocks.

All functions run inside the caller's transaction and write with Core
statements, because they sit on the intake and task completion paths.
"""

import logging
import math
from decimal import Decimal
from fractions import Fraction

from flask import current_app
from sqlalchemy import case, func, insert, select, update

from ..audit.services import record_event
from ..core.db import apply_update
from ..extensions import db
from .calendar import SHANGHAI
from .models import SlaClock
from .provider import calendar_for, verify_current, windows_for_unit

OPEN_STATUSES = ("running", "paused")
log = logging.getLogger(__name__)


def overall_limit_days(appeal):
    """Return the overall limit in working days: the category's own, else the appeal type's."""
    if appeal.category is not None and appeal.category.limit_days:
        return appeal.category.limit_days
    limits = current_app.config["SLA_LIMIT_DAYS"]
    return limits.get(appeal.appeal_type, limits["default"])


def stage_settings(kind, appeal_type):
    """Return (days, enforced) for a stage clock class from the configuration."""
    days = current_app.config["SLA_STAGE_DAYS"].get(kind)
    if days is None:
        raise KeyError(f"unknown clock class {kind!r}; configure it in SLA_STAGE_DAYS")
    if isinstance(days, dict):
        days = days.get(appeal_type, days["default"])
    return days, kind not in current_app.config["SLA_UNENFORCED_CLASSES"]


def stage_clock_rows(appeal, classes, org_unit_id, now):
    """Build the clock rows for a new task's clock classes; the caller sets human_task_id."""
    rows = []
    for kind in classes:
        days, enforced = stage_settings(kind, appeal.appeal_type)
        rows.append(new_clock_row(appeal.id, kind, days, org_unit_id, now, enforced=enforced))
    return rows


def refresh_task_due(task_ids=None):
    """Set each open task's due_at to the earliest deadline of its running enforced clocks."""
    from ..tasks.models import HumanTask

    earliest = (
        select(func.min(SlaClock.deadline_at))
        .where(SlaClock.human_task_id == HumanTask.id, SlaClock.status == "running", SlaClock.enforced.is_(True))
        .scalar_subquery()
    )
    statement = update(HumanTask).where(HumanTask.status.in_(("open", "claimed")))
    if task_ids is not None:
        statement = statement.where(HumanTask.id.in_(task_ids))
    db.session.execute(statement.values(due_at=earliest).execution_options(synchronize_session=False))


def budget_seconds(days, calendar):
    """Convert working days to whole working seconds, rounding up so a limit is never shortened."""
    minutes = Fraction(Decimal(str(days))) * calendar.minutes_per_day
    return math.ceil(minutes * 60)


def schedule(clock_values, calendar):
    """Compute deadline, yellow instant, provisional flag and next check for a running clock.

    ``clock_values`` is a dict with budget_seconds, extension_seconds,
    spent_seconds, segment_started_at and level; the computed keys are added.
    """
    total = clock_values["budget_seconds"] + clock_values.get("extension_seconds", 0)
    spent = clock_values.get("spent_seconds", 0)
    segment_start = clock_values["segment_started_at"]

    deadline = calendar.add_working_minutes(segment_start, Fraction(max(total - spent, 0), 60))
    yellow_share = Fraction(Decimal(str(current_app.config["SLA_YELLOW_SHARE"])))
    yellow_left = math.ceil(total * yellow_share) - spent
    yellow = calendar.add_working_minutes(segment_start, Fraction(max(yellow_left, 0), 60))

    level = clock_values.get("level", "green")
    clock_values["deadline_at"] = deadline.at
    clock_values["yellow_at"] = yellow.at
    clock_values["provisional"] = deadline.provisional
    clock_values["next_check_at"] = {"green": yellow.at, "yellow": deadline.at}.get(level)
    return clock_values


def new_clock_row(appeal_id, kind, days, org_unit_id, now, human_task_id=None, enforced=True):
    """Build the insert values of a clock that starts running at ``now``."""
    verify_current()
    calendar = calendar_for(windows_for_unit(org_unit_id))
    row = {
        "appeal_id": appeal_id,
        "human_task_id": human_task_id,
        "kind": kind,
        "enforced": enforced,
        "org_unit_id": org_unit_id,
        "budget_seconds": budget_seconds(days, calendar),
        "spent_seconds": 0,
        "extension_seconds": 0,
        "started_at": now,
        "segment_started_at": now,
        "level": "green",
        "status": "running",
    }
    schedule(row, calendar)
    if not enforced:
        row["next_check_at"] = None
    return row


def insert_clocks(rows):
    """Insert clock rows in one statement."""
    if rows:
        db.session.execute(insert(SlaClock), rows)


def start_overall_clock(appeal, now):
    """Start the appeal's overall clock (1.9 or 4.3 working days by default)."""
    insert_clocks([new_clock_row(appeal.id, "overall", overall_limit_days(appeal), appeal.centre_id, now)])


def _stop_values(now):
    overdue = (SlaClock.deadline_at.is_not(None)) & (SlaClock.deadline_at < now)
    return {
        "status": "stopped",
        "stopped_at": now,
        "next_check_at": None,
        "outcome": case((overdue, "overdue"), else_="met"),
    }


def stop_task_clocks(task_ids, now, kinds=None):
    """Stop the open clocks of these human tasks (all, or only the given classes)."""
    statement = update(SlaClock).where(SlaClock.human_task_id.in_(task_ids), SlaClock.status.in_(OPEN_STATUSES))
    if kinds:
        statement = statement.where(SlaClock.kind.in_(kinds))
    db.session.execute(statement.values(**_stop_values(now)).execution_options(synchronize_session=False))


def stop_appeal_clocks(appeal_id, now):
    """Stop every open clock of an appeal, when it is archived."""
    statement = update(SlaClock).where(SlaClock.appeal_id == appeal_id, SlaClock.status.in_(OPEN_STATUSES))
    db.session.execute(statement.values(**_stop_values(now)).execution_options(synchronize_session=False))


def pause_clock(clock, now, actor_id, reason):
    """Stop counting a running clock and keep its remaining time."""
    calendar = calendar_for(windows_for_unit(clock.org_unit_id))
    spent = clock.spent_seconds + math.floor(calendar.working_minutes_between(clock.segment_started_at, now) * 60)
    apply_update(
        clock,
        status="paused",
        spent_seconds=spent,
        segment_started_at=None,
        deadline_at=None,
        yellow_at=None,
        next_check_at=None,
    )
    record_event("clock.paused", clock.appeal_id, actor_id, clock_id=clock.id, kind=clock.kind, reason=reason, spent_seconds=spent)
    log.info("clock.paused clock_id=%s appeal_id=%s actor_id=%s", clock.id, clock.appeal_id, actor_id)


def schedule_inputs(clock, segment_started_at):
    """Return the values schedule() needs from a stored clock, with the given segment start."""
    return {
        "budget_seconds": clock.budget_seconds,
        "extension_seconds": clock.extension_seconds,
        "spent_seconds": clock.spent_seconds,
        "segment_started_at": segment_started_at,
        "level": clock.level,
    }


def resume_clock(clock, now, actor_id):
    """Continue a paused clock from its remaining time."""
    verify_current()
    values = schedule(schedule_inputs(clock, now), calendar_for(windows_for_unit(clock.org_unit_id)))
    if not clock.enforced:
        values["next_check_at"] = None
    values["status"] = "running"
    apply_update(clock, **{key: values[key] for key in ("status", "segment_started_at", "deadline_at", "yellow_at", "next_check_at", "provisional")})
    deadline = values["deadline_at"].astimezone(SHANGHAI).isoformat()
    record_event("clock.resumed", clock.appeal_id, actor_id, clock_id=clock.id, kind=clock.kind, deadline=deadline)
    log.info("clock.resumed clock_id=%s appeal_id=%s actor_id=%s", clock.id, clock.appeal_id, actor_id)


def reschedule(clock):
    """Recompute a running clock's deadline with the current calendar; return the old deadline when it moved."""
    values = schedule(schedule_inputs(clock, clock.segment_started_at), calendar_for(windows_for_unit(clock.org_unit_id)))
    if not clock.enforced:
        values["next_check_at"] = None

    old_deadline, old_provisional = clock.deadline_at, clock.provisional
    if values["deadline_at"] == old_deadline and values["provisional"] == old_provisional:
        return None
    apply_update(clock, **{key: values[key] for key in ("deadline_at", "yellow_at", "next_check_at", "provisional")})
    return old_deadline


def recompute_open_clocks(actor_id, batch_size=500):
    """Reschedule every running clock after a calendar change; audit each deadline that moves.

    Returns the number of clocks whose deadline moved. Stopped clocks keep theirs.
    """
    moved = 0
    last_id = 0
    while True:
        clocks = db.session.scalars(
            select(SlaClock)
            .where(SlaClock.status == "running", SlaClock.id > last_id)
            .order_by(SlaClock.id)
            .limit(batch_size)
        ).all()
        if not clocks:
            return moved

        for clock in clocks:
            old_deadline = reschedule(clock)
            if old_deadline is not None:
                moved += 1
                record_event(
                    "clock.recomputed",
                    clock.appeal_id,
                    actor_id,
                    clock_id=clock.id,
                    kind=clock.kind,
                    old_deadline=old_deadline.astimezone(SHANGHAI).isoformat() if old_deadline else None,
                    new_deadline=clock.deadline_at.astimezone(SHANGHAI).isoformat(),
                    provisional=clock.provisional,
                )
        last_id = clocks[-1].id


def _level_at(values, now):
    if now < values["yellow_at"]:
        return "green"
    if now < values["deadline_at"]:
        return "yellow"
    return "red"


def extend_clock(clock, days, now):
    """Add working days to a clock's budget; return the new deadline (None while paused).

    The deadline moves by exactly that working time, and the level follows the
    new deadline. The sweep stores one alert per clock and level, so a clock
    that turns yellow or red again after an extension is not alerted twice.
    """
    calendar = calendar_for(windows_for_unit(clock.org_unit_id))
    extension = clock.extension_seconds + budget_seconds(days, calendar)
    if clock.status != "running":
        apply_update(clock, extension_seconds=extension)
        return None

    inputs = schedule_inputs(clock, clock.segment_started_at)
    inputs["extension_seconds"] = extension
    values = schedule(inputs, calendar)
    level = _level_at(values, now)
    next_check = {"green": values["yellow_at"], "yellow": values["deadline_at"]}.get(level) if clock.enforced else None
    apply_update(
        clock,
        extension_seconds=extension,
        deadline_at=values["deadline_at"],
        yellow_at=values["yellow_at"],
        provisional=values["provisional"],
        level=level,
        next_check_at=next_check,
    )
    return values["deadline_at"]


def extend_task_clocks(task_id, appeal_id, days, now):
    """Extend a task's reply clock and the appeal's overall clock; return their new deadlines by "task"/"overall"."""
    query = select(SlaClock).where(
        SlaClock.status.in_(OPEN_STATUSES),
        ((SlaClock.human_task_id == task_id) & SlaClock.kind.in_(("reply", "assist", "rework")))
        | ((SlaClock.appeal_id == appeal_id) & (SlaClock.kind == "overall")),
    )
    moved = {}
    for clock in db.session.scalars(query).all():
        moved["overall" if clock.kind == "overall" else "task"] = extend_clock(clock, days, now)
    refresh_task_due([task_id])
    return moved
