"""SLA actions users take: pausing clocks while waiting for the citizen, and reading notices."""

from sqlalchemy import or_, select

from ..core.db import utcnow, write_transaction
from ..core.errors import Conflict
from ..extensions import db
from .clocks import pause_clock, refresh_task_due, resume_clock
from .models import SlaAlert, SlaClock

NOTICE_LIMIT = 20


def _task_and_overall_clocks(task, status):
    return db.session.scalars(
        select(SlaClock)
        .where(
            SlaClock.appeal_id == task.appeal_id,
            SlaClock.status == status,
            or_(SlaClock.human_task_id == task.id, SlaClock.kind == "overall"),
        )
        .order_by(SlaClock.id)
        .with_for_update()
    ).all()


def _change_task_clocks(user, task_id, from_status, change, missing_message):
    """Apply ``change(clock, now)`` to the task's clocks in ``from_status`` and the overall clock, in one transaction."""
    from ..tasks.services import check_can_act, get_visible_task

    with write_transaction():
        task = get_visible_task(user, task_id)
        check_can_act(user, task)
        clocks = _task_and_overall_clocks(task, from_status)
        if not clocks:
            raise Conflict(missing_message)
        now = utcnow()
        for clock in clocks:
            change(clock, now)
        refresh_task_due([task.id])
    return clocks


def pause_task_clocks(user, task_id, reason):
    """Pause the task's running clocks and the appeal's overall clock while waiting for the citizen."""
    return _change_task_clocks(
        user,
        task_id,
        "running",
        lambda clock, now: pause_clock(clock, now, user.id, reason),
        f"task {task_id} has no running clock to pause",
    )


def resume_task_clocks(user, task_id):
    """Resume the clocks paused for a task; each continues from its remaining time."""
    return _change_task_clocks(
        user,
        task_id,
        "paused",
        lambda clock, now: resume_clock(clock, now, user.id),
        f"task {task_id} has no paused clock to resume",
    )


def notices_for(user, now=None, limit=NOTICE_LIMIT):
    """Return delivered urging notices for the user or, when unassigned, for the user's unit."""
    from ..appeals.models import Appeal

    now = now or utcnow()
    addressed = or_(
        SlaAlert.recipient_user_id == user.id,
        (SlaAlert.recipient_user_id.is_(None)) & (SlaAlert.recipient_org_id == user.org_unit_id),
    )
    query = (
        select(SlaAlert, SlaClock.kind, Appeal.number)
        .join(SlaClock, SlaClock.id == SlaAlert.clock_id)
        .join(Appeal, Appeal.id == SlaAlert.appeal_id)
        .where(SlaAlert.level == "yellow", SlaAlert.deliver_at <= now, addressed, SlaClock.status == "running")
        .order_by(SlaAlert.deliver_at.desc())
        .limit(limit)
    )
    return db.session.execute(query).all()
