"""Returns of wrongly dispatched appeals and requests for more working time."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.types import UTCDateTime
from ..extensions import db

RETURN_STATUSES = ("pending", "accepted", "rejected", "escalated")
EXTENSION_STATUSES = ("pending", "approved", "rejected", "withdrawn")


class ReturnRequest(db.Model):
    """A department's return of an appeal it considers not its own, and the decision on it.

    ``status`` is pending until the dispatcher accepts or rejects it; a return past
    the configured count is ``escalated`` and a supervisor names the handling unit.
    """

    __tablename__ = "return_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeal.id"), index=True)
    human_task_id: Mapped[int] = mapped_column(ForeignKey("human_task.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    # Copied from the appeal so the return rate per category needs no join.
    category_code: Mapped[str | None] = mapped_column(String(6), index=True)
    reason_code: Mapped[str] = mapped_column(String(40))
    reason_text: Mapped[str] = mapped_column(String(1000))
    returned_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    returned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(String(2000), default="")
    new_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))

    unit = relationship("OrgUnit", foreign_keys=[unit_id])
    new_unit = relationship("OrgUnit", foreign_keys=[new_unit_id])
    returned_by = relationship("User", foreign_keys=[returned_by_id])


class ExtensionRequest(db.Model):
    """A department's request for more working time on one task, and the dispatcher's decision."""

    __tablename__ = "extension_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeal.id"), index=True)
    human_task_id: Mapped[int] = mapped_column(ForeignKey("human_task.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    # Working days as a decimal string, such as "2" or "1.5".
    days: Mapped[str] = mapped_column(String(10))
    grounds: Mapped[str] = mapped_column(String(2000))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(String(2000), default="")
    old_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit = relationship("OrgUnit", foreign_keys=[unit_id])
    requested_by = relationship("User", foreign_keys=[requested_by_id])


class DispatchedUnit(db.Model):
    """A department an appeal was dispatched to, as lead or assisting, so it may see the appeal.

    A lead department named in co-handling gets its reply task only after the
    assisting replies, and may open the appeal from the dispatch on.
    """

    __tablename__ = "dispatched_unit"
    __table_args__ = (UniqueConstraint("appeal_id", "unit_id", "role", name="uq_dispatched_unit_appeal_unit_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeal.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
