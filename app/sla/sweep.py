"""The SLA sweep: yellow clocks urge their assignee, red clocks open a supervision task.

Every step is idempotent. Clocks are claimed with FOR UPDATE SKIP LOCKED on
PostgreSQL (SQLite runs one writer at a time), each level is written at most
once per clock (unique key on sla_alert), and a red alert's BPMN message is
sent in a second phase, so a sweep cut short is finished by the next one.
"""

import logging
from datetime import timedelta
from fractions import Fraction

from sqlalchemy import select, update

from ..audit.services import record_event
from ..core.db import apply_update, utcnow, write_transaction
from ..extensions import db
from ..tasks.models import HumanTask
from .calendar import SHANGHAI
from .models import SlaAlert, SlaClock
from .provider import calendar_for, windows_for_unit

log = logging.getLogger(__name__)

SUPERVISION_MESSAGE = "sla_overdue"
ONE_SECOND = Fraction(1, 60)


def next_delivery(now, urgency, unit_id):
    """Return when a notice reaches its recipient: now for urgent appeals or in working hours, else the next window."""
    if urgency != "normal":
        return now
    calendar = calendar_for(windows_for_unit(unit_id))
    # One working second from now ends one second after the next window opens (or after now, inside hours).
    return calendar.add_working_minutes(now, ONE_SECOND).at - timedelta(seconds=1)


def _recipient(clock, task):
    if task is not None and task.assignee_id is not None:
        return task.assignee_id, task.candidate_org_id
    if task is not None:
        return None, task.candidate_org_id
    return None, clock.org_unit_id


def _insert_alert(clock, level, appeal, task, now):
    """Insert the clock's alert for this level unless it exists; return True when inserted."""
    exists = db.session.scalar(select(SlaAlert.id).where(SlaAlert.clock_id == clock.id, SlaAlert.level == level))
    if exists is not None:
        return False

    user_id, org_id = _recipient(clock, task)
    db.session.add(
        SlaAlert(
            clock_id=clock.id,
            appeal_id=clock.appeal_id,
            level=level,
            recipient_user_id=user_id,
            recipient_org_id=org_id,
            created_at=now,
            deliver_at=next_delivery(now, appeal.urgency, org_id) if level == "yellow" else now,
            message_sent=level != "red",
        )
    )
    event = "clock.urged" if level == "yellow" else "clock.supervised"
    record_event(event, clock.appeal_id, None, clock_id=clock.id, kind=clock.kind, deadline=clock.deadline_at.astimezone(SHANGHAI).isoformat())
    return True


def _advance_clock(clock, now):
    """Move one due clock to yellow and/or red, writing the matching alerts."""
    from ..appeals.models import Appeal

    appeal = db.session.get(Appeal, clock.appeal_id)
    task = db.session.get(HumanTask, clock.human_task_id) if clock.human_task_id else None
    level = clock.level
    alerts = 0

    if level == "green" and clock.yellow_at <= now:
        level = "yellow"
        alerts += _insert_alert(clock, "yellow", appeal, task, now)
    if level == "yellow" and clock.deadline_at <= now:
        level = "red"
        alerts += _insert_alert(clock, "red", appeal, task, now)

    next_check = {"green": clock.yellow_at, "yellow": clock.deadline_at}.get(level)
    apply_update(clock, level=level, next_check_at=next_check)
    return alerts


def mark_due_clocks(now, batch_size):
    """Phase 1: process one batch of clocks whose next check is due; return (clocks, alerts)."""
    with write_transaction():
        clocks = db.session.scalars(
            select(SlaClock)
            .where(SlaClock.next_check_at <= now, SlaClock.status == "running")
            .order_by(SlaClock.next_check_at)
            .limit(batch_size)
            .with_for_update(skip_locked=True)
        ).all()
        alerts = sum(_advance_clock(clock, now) for clock in clocks)
    return len(clocks), alerts


def open_supervision_tasks(batch_size):
    """Phase 2: send the supervision message for red alerts not yet sent; return how many were sent."""
    from ..appeals.models import Appeal
    from ..processes.events import send_message_in_transaction

    sent = 0
    pending = db.session.scalars(
        select(SlaAlert.id).where(SlaAlert.message_sent.is_(False)).order_by(SlaAlert.id).limit(batch_size)
    ).all()
    for alert_id in pending:
        with write_transaction():
            # Lock order as in task completion: the instance first, then the alert row.
            alert = db.session.get(SlaAlert, alert_id)
            appeal = db.session.get(Appeal, alert.appeal_id)
            if appeal.status == "archived":
                claimed = _claim_alert(alert_id)
            else:
                send_message_in_transaction(appeal, SUPERVISION_MESSAGE, {"clock_id": alert.clock_id})
                claimed = _claim_alert(alert_id)
            if not claimed:
                # Another sweep sent it first; roll back this copy of the message.
                raise _AlreadySent()
            sent += 1
    return sent


class _AlreadySent(Exception):
    pass


def _claim_alert(alert_id):
    result = db.session.execute(
        update(SlaAlert)
        .where(SlaAlert.id == alert_id, SlaAlert.message_sent.is_(False))
        .values(message_sent=True)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def sweep(now=None, batch_size=1000):
    """Run both phases until nothing is due; return a dict of counts."""
    now = now or utcnow()
    totals = {"clocks": 0, "alerts": 0, "supervisions": 0}
    while True:
        clocks, alerts = mark_due_clocks(now, batch_size)
        totals["clocks"] += clocks
        totals["alerts"] += alerts
        if clocks < batch_size:
            break

    while True:
        try:
            sent = open_supervision_tasks(batch_size)
        except _AlreadySent:
            continue
        totals["supervisions"] += sent
        if sent < batch_size:
            break

    if totals["alerts"] or totals["supervisions"]:
        log.info("sla.sweep clocks=%s alerts=%s supervisions=%s", totals["clocks"], totals["alerts"], totals["supervisions"])
    return totals
