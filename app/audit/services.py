"""Writing and reading audit events."""

import json

from sqlalchemy import insert, select

from ..core.db import utcnow
from ..extensions import db
from .models import AuditEvent


# Built once: a Core insert with bound parameters skips per-call statement construction.
_INSERT = insert(AuditEvent.__table__)


def record_event(event, appeal_id=None, actor_id=None, task_name=None, **detail):
    """Insert an audit event in the current transaction; the caller commits."""
    db.session.execute(
        _INSERT,
        {
            "appeal_id": appeal_id,
            "actor_id": actor_id,
            "event": event,
            "task_name": task_name,
            "detail": json.dumps(detail, ensure_ascii=False, default=str),
            "created_at": utcnow(),
        },
    )


def record_events(events):
    """Insert many audit events in one statement; each is a dict with event, appeal_id, actor_id, task_name, detail."""
    if not events:
        return
    now = utcnow()
    db.session.execute(
        _INSERT,
        [
            {
                "appeal_id": event.get("appeal_id"),
                "actor_id": event.get("actor_id"),
                "event": event["event"],
                "task_name": event.get("task_name"),
                "detail": json.dumps(event.get("detail", {}), ensure_ascii=False, default=str),
                "created_at": now,
            }
            for event in events
        ],
    )


def appeal_history(appeal_id):
    """Return the appeal's audit events, oldest first."""
    query = select(AuditEvent).where(AuditEvent.appeal_id == appeal_id).order_by(AuditEvent.id)
    return db.session.scalars(query).all()


def event_detail(row):
    """Return the decoded detail dict of an audit event."""
    return json.loads(row.detail or "{}")
