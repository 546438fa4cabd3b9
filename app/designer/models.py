"""Drafts: a designer's work in progress on a process model, stored on the server."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.types import UTCDateTime
from ..extensions import db


class ProcessDraft(db.Model):
    """The one draft of a process: BPMN files and form schemas that passed validation, not yet deployed.

    ``files`` is JSON text {file name: BPMN XML} and ``forms`` JSON text
    {form file name: JSON Schema}; text columns keep them exactly as written.
    """

    __tablename__ = "process_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    files: Mapped[str] = mapped_column(Text)
    forms: Mapped[str] = mapped_column(Text, default="{}")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
