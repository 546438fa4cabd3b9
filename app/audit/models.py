"""The audit trail: one row per state change, and per read of a confidential appeal."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.types import UTCDateTime
from ..extensions import db
from ..orgs.models import User


class AuditEvent(db.Model):
    """Record of one change: event name, appeal, task, actor and time. ``detail`` is JSON text."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_appeal", "appeal_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeal.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    event: Mapped[str] = mapped_column(String(50))
    task_name: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    actor = relationship(User, lazy="joined")
