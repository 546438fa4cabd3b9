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


def appeal_history(appeal_id):
    """Return the appeal's audit events, oldest first."""
    query = select(AuditEvent).where(AuditEvent.appeal_id == appeal_id).order_by(AuditEvent.id)
    return db.session.scalars(query).all()


def event_detail(row):
    """Return the decoded detail dict of an audit event."""
    return json.loads(row.detail or "{}")
