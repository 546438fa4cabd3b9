"""Appeals, the category catalogue, public-number counters and idempotency records."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.types import UTCDateTime
from ..extensions import db
from ..orgs.models import OrgUnit, User

APPEAL_TYPES = ("consultation", "help", "complaint", "report", "suggestion", "praise")
CHANNELS = ("phone_12345", "merged_line", "web", "app", "wechat", "enterprise_line")
URGENCIES = ("normal", "urgent", "very_urgent")


class Category(db.Model):
    """A leaf of the coded catalogue: six digits, two per level."""

    __tablename__ = "category"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    level1: Mapped[str] = mapped_column(String(50))
    level2: Mapped[str] = mapped_column(String(50))
    level3: Mapped[str] = mapped_column(String(100))
    default_department_type: Mapped[str] = mapped_column(String(50), default="")
    usually_consultation: Mapped[bool] = mapped_column(default=False)
    # Overall time limit in working days for appeals of this category, instead of the type's default.
    limit_days: Mapped[str | None] = mapped_column(String(10))
    # Appeal type an agent is offered first for this category.
    default_appeal_type: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def label(self):
        return f"{self.level1} / {self.level2} / {self.level3}"


class Appeal(db.Model):
    """One citizen or company request; ``status`` mirrors the workflow for cheap queries."""

    __tablename__ = "appeal"
    __table_args__ = (
        Index("ix_appeal_centre_status", "centre_id", "status"),
        Index("ix_appeal_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    appeal_type: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(20))
    category_code: Mapped[str | None] = mapped_column(ForeignKey("category.code"))
    region_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    centre_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    citizen_name: Mapped[str] = mapped_column(String(100), default="")
    citizen_phone: Mapped[str] = mapped_column(String(32), default="")
    content: Mapped[str] = mapped_column(Text)
    urgency: Mapped[str] = mapped_column(String(16), default="normal")
    confidential: Mapped[bool] = mapped_column(default=False)
    enterprise: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(32), default="registered")
    closure: Mapped[str | None] = mapped_column(String(40))
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    category = relationship(Category)
    region = relationship(OrgUnit, foreign_keys=[region_id])
    centre = relationship(OrgUnit, foreign_keys=[centre_id])
    registered_by = relationship(User)


class AppealCounter(db.Model):
    """The last public-number sequence handed out on one Asia/Shanghai calendar day."""

    __tablename__ = "appeal_counter"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)


class IdempotencyRecord(db.Model):
    """An Idempotency-Key a user sent with POST /appeals and the appeal it created."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_record_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    key: Mapped[str] = mapped_column(String(100))
    request_hash: Mapped[str] = mapped_column(String(64))
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeal.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
