"""Deployed process versions and per-appeal workflow instances."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.types import UTCDateTime
from ..extensions import db


class ProcessVersion(db.Model):
    """An immutable deployment of a process: its BPMN files and parsed spec, stored once."""

    __tablename__ = "process_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    documents: Mapped[str] = mapped_column(Text)
    spec: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str] = mapped_column(String(200), default="")
    # JSON text {form file name: JSON Schema} of every form the version's user tasks name.
    forms: Mapped[str] = mapped_column(Text, default="{}")
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WorkflowInstance(db.Model):
    """The serialized engine state of one appeal, as opaque compressed JSON text.

    ``state`` is bytes, never a JSON column, because SpiffWorkflow 3.2.0 needs
    the stored task order back exactly as written.
    """

    __tablename__ = "workflow_instance"
    __table_args__ = (Index("ix_workflow_instance_next_timer_due", "next_timer_due"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeal.id"), unique=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    state: Mapped[bytes] = mapped_column(LargeBinary)
    state_format: Mapped[int]
    completed: Mapped[bool] = mapped_column(default=False)
    next_timer_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Messages waiting in pending_message; checked before querying that table after each run.
    pending_messages: Mapped[int] = mapped_column(default=0)
    # Set while a workflow_error of the instance is unresolved; timers and messages skip it.
    errored: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PendingMessage(db.Model):
    """A BPMN message that arrived before its catch event was waiting; retried after each run."""

    __tablename__ = "pending_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("workflow_instance.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    payload: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WorkflowError(db.Model):
    """An engine failure of one instance, queued until an administrator retries it.

    ``source`` is what was running: ``task_completion``, ``timer`` or ``message``.
    A failed completion keeps the submitted ``form_data`` (JSON text), so a retry
    can complete the task as the user who submitted it.
    """

    __tablename__ = "workflow_error"
    __table_args__ = (Index("ix_workflow_error_resolved_at", "resolved_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("workflow_instance.id"), index=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeal.id"))
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    source: Mapped[str] = mapped_column(String(20))
    task_spec: Mapped[str] = mapped_column(String(100), default="")
    human_task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    form_data: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=1)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    resolution: Mapped[str] = mapped_column(String(200), default="")
