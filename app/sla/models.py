"""SLA clocks, their alerts, and the working-calendar data an admin can load or override."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.types import UTCDateTime
from ..extensions import db

CLOCK_LEVELS = ("green", "yellow", "red")
CLOCK_STATUSES = ("running", "paused", "stopped")


class CalendarYear(db.Model):
    """A year's official holiday schedule loaded from a State Council notice file."""

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(300))
    # JSON text: [[name, first ISO date, last ISO date], ...] and [ISO date, ...].
    holidays: Mapped[str] = mapped_column(Text)
    makeup_workdays: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class CalendarOverride(db.Model):
    """An admin's correction of one day: a working day or a day off, whatever the schedule states."""

    __tablename__ = "calendar_override"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool]
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class CalendarRevision(db.Model):
    """A counter bumped on every calendar change, so each process can tell when to rebuild its calendar."""

    __tablename__ = "calendar_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(default=0)


class SlaClock(db.Model):
    """One time limit of an appeal, measured in working time.

    The deadline is the remaining budget (budget minus what earlier running
    segments spent) counted from the current segment's start. ``next_check_at``
    is when the sweep must look at the clock again: the yellow instant while
    green, the deadline while yellow, nothing once red, paused or stopped.
    """

    __tablename__ = "sla_clock"
    __table_args__ = (
        Index("ix_sla_clock_next_check_at", "next_check_at"),
        Index("ix_sla_clock_appeal", "appeal_id", "id"),
        Index("ix_sla_clock_task", "human_task_id"),
        Index("ix_sla_clock_status_provisional", "status", "provisional"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeal.id"))
    human_task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id"))
    kind: Mapped[str] = mapped_column(String(20))
    enforced: Mapped[bool] = mapped_column(default=True)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    budget_seconds: Mapped[int]
    spent_seconds: Mapped[int] = mapped_column(default=0)
    extension_seconds: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    segment_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    yellow_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provisional: Mapped[bool] = mapped_column(default=False)
    level: Mapped[str] = mapped_column(String(8), default="green")
    status: Mapped[str] = mapped_column(String(10), default="running")
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(12))


class SlaAlert(db.Model):
    """An urging notice (yellow) or a supervision record (red); one per clock and level."""

    __tablename__ = "sla_alert"
    __table_args__ = (
        UniqueConstraint("clock_id", "level", name="uq_sla_alert_clock_level"),
        Index("ix_sla_alert_recipient", "recipient_org_id", "deliver_at"),
        Index("ix_sla_alert_pending_message", "message_sent", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("sla_clock.id"))
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeal.id"))
    level: Mapped[str] = mapped_column(String(8))
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recipient_org_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deliver_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Red alerts open a supervision task through a BPMN message, sent after the alert commits.
    message_sent: Mapped[bool] = mapped_column(default=True)
