"""The SLA sweep: yellow clocks urge their assignee, red clocks open a supervision task.

Every step is idempotent. Clocks are claimed with FOR UPDATE SKIP LOCKED on
PostgreSQL, and SQLite runs one writer at a time. Each level is written at
most once per clock (unique key on sla_alert). A red alert's BPMN message is
sent in a second phase, so the next sweep finishes one that was cut short.
"""

import logging
from datetime import timedelta
from fractions import Fraction

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..audit.services import record_events
from ..core.db import utcnow, write_transaction
from ..extensions import db
from ..tasks.models import HumanTask
from .calendar import SHANGHAI
from .models import SlaAlert, SlaClock
from .provider import calendar_for, windows_for_unit

log = logging.getLogger(__name__)

SUPERVISION_MESSAGE = "sla_overdue"
_LEVEL_UPDATE = (
    update(SlaClock.__table__)
    .where(SlaClock.__table__.c.id == bindparam("row_id"))
    .values(level=bindparam("new_level"), next_check_at=bindparam("new_next_check_at", type_=SlaClock.__table__.c.next_check_at.type))
)
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


def _insert_alerts(rows):
    """Insert alert rows whose (clock, level) is not stored yet; return the keys inserted.

    The clocks are row-locked by this sweep, so no other sweep writes their
    alerts meanwhile; ON CONFLICT DO NOTHING still guards the unique key.
    """
    if not rows:
        return set()
    clock_ids = {row["clock_id"] for row in rows}
    existing = set(db.session.execute(select(SlaAlert.clock_id, SlaAlert.level).where(SlaAlert.clock_id.in_(clock_ids))).all())
    new_rows = [row for row in rows if (row["clock_id"], row["level"]) not in existing]
    if not new_rows:
        return set()

    dialect = db.session.get_bind().dialect.name
    insert_for = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(insert_for(SlaAlert.__table__).on_conflict_do_nothing(index_elements=["clock_id", "level"]), new_rows)
    return {(row["clock_id"], row["level"]) for row in new_rows}


def _plan(clock, appeal_urgency, task, now):
    """Return (new level, alert rows) for one due clock."""
    level, alerts = clock.level, []
    user_id, org_id = _recipient(clock, task)

    def alert(new_level):
        return {
            "clock_id": clock.id,
            "appeal_id": clock.appeal_id,
            "level": new_level,
            "recipient_user_id": user_id,
            "recipient_org_id": org_id,
            "created_at": now,
            "deliver_at": next_delivery(now, appeal_urgency, org_id) if new_level == "yellow" else now,
            "message_sent": new_level != "red",
        }

    if level == "green" and clock.yellow_at <= now:
        level = "yellow"
        alerts.append(alert("yellow"))
    if level == "yellow" and clock.deadline_at <= now:
        level = "red"
        alerts.append(alert("red"))
    return level, alerts


def mark_due_clocks(now, batch_size):
    """Phase 1: process one batch of clocks whose next check is due; return (clocks, alerts).

    A batch costs a fixed number of statements whatever its size, so a sweep
    over many open clocks stays cheap.
    """
    from ..appeals.models import Appeal

    with write_transaction():
        clocks = db.session.scalars(
            select(SlaClock)
            .where(SlaClock.next_check_at <= now, SlaClock.status == "running")
            .order_by(SlaClock.next_check_at)
            .limit(batch_size)
            .with_for_update(skip_locked=True)
        ).all()
        if not clocks:
            return 0, 0

        urgency = dict(db.session.execute(select(Appeal.id, Appeal.urgency).where(Appeal.id.in_({clock.appeal_id for clock in clocks}))).all())
        task_ids = {clock.human_task_id for clock in clocks if clock.human_task_id}
        tasks = {task.id: task for task in db.session.scalars(select(HumanTask).where(HumanTask.id.in_(task_ids)))} if task_ids else {}

        updates, alert_rows, by_id = [], [], {}
        for clock in clocks:
            level, alerts = _plan(clock, urgency[clock.appeal_id], tasks.get(clock.human_task_id), now)
            next_check = {"green": clock.yellow_at, "yellow": clock.deadline_at}.get(level)
            updates.append({"row_id": clock.id, "new_level": level, "new_next_check_at": next_check})
            alert_rows.extend(alerts)
            by_id[clock.id] = clock

        db.session.execute(_LEVEL_UPDATE, updates)
        inserted = _insert_alerts(alert_rows)
        record_events(
            [
                {
                    "event": "clock.urged" if level == "yellow" else "clock.supervised",
                    "appeal_id": by_id[clock_id].appeal_id,
                    "detail": {
                        "clock_id": clock_id,
                        "kind": by_id[clock_id].kind,
                        "deadline": by_id[clock_id].deadline_at.astimezone(SHANGHAI).isoformat(),
                    },
                }
                for clock_id, level in sorted(inserted)
            ]
        )
    return len(clocks), len(inserted)


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
