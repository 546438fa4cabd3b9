"""The human task queue: READY user tasks copied out of the workflow state."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.types import UTCDateTime
from ..extensions import db
from ..orgs.models import User

TASK_STATUSES = ("open", "claimed", "completed", "returned", "cancelled")


class HumanTask(db.Model):
    """A user task that a person can claim and complete; task lists read only this table."""

    __tablename__ = "human_task"
    __table_args__ = (
        Index("ix_human_task_queue", "candidate_org_id", "role", "status"),
        Index("ix_human_task_assignee", "assignee_id", "status"),
        Index("ix_human_task_appeal", "appeal_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeal.id"))
    engine_task_id: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    form: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    candidate_org_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    # Stage clock classes started with the task, from the diagram's "clock" property.
    clock_classes: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    appeal = relationship("Appeal", lazy="joined")
    assignee = relationship(User, foreign_keys=[assignee_id])
    candidate_org = relationship("OrgUnit", foreign_keys=[candidate_org_id])
