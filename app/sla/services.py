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


def pause_task_clocks(user, task_id, reason):
    """Pause the task's running clocks and the appeal's overall clock while waiting for the citizen."""
    from ..tasks.services import check_can_act, get_visible_task

    with write_transaction():
        task = get_visible_task(user, task_id)
        check_can_act(user, task)
        clocks = _task_and_overall_clocks(task, "running")
        if not clocks:
            raise Conflict(f"task {task_id} has no running clock to pause")
        now = utcnow()
        for clock in clocks:
            pause_clock(clock, now, user.id, reason)
        refresh_task_due([task.id])
    return clocks


def resume_task_clocks(user, task_id):
    """Resume the clocks paused for a task; each continues from its remaining time."""
    from ..tasks.services import check_can_act, get_visible_task

    with write_transaction():
        task = get_visible_task(user, task_id)
        check_can_act(user, task)
        clocks = _task_and_overall_clocks(task, "paused")
        if not clocks:
            raise Conflict(f"task {task_id} has no paused clock to resume")
        now = utcnow()
        for clock in clocks:
            resume_clock(clock, now, user.id)
        refresh_task_due([task.id])
    return clocks


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
