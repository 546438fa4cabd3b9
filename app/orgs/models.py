"""Org units (a tree: province → city → district → department) and users."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.types import UTCDateTime
from ..extensions import db

ORG_KINDS = ("province", "city", "district", "department")
ROLES = ("agent", "dispatcher", "handler", "supervisor", "commissioner", "designer", "admin")


class OrgUnit(db.Model):
    """A node of the org tree; ``path`` is the materialized '/id/id/…/' path for subtree queries."""

    __tablename__ = "org_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(16))
    department_type: Mapped[str | None] = mapped_column(String(50))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    path: Mapped[str] = mapped_column(String(255), index=True, default="")
    # Working windows such as "08:30-12:00,13:30-17:30"; empty means the parent's (or the default).
    working_windows: Mapped[str | None] = mapped_column(String(100))

    parent = relationship("OrgUnit", remote_side=[id])

    def contains(self, other):
        """Return True when ``other`` is this unit or below it."""
        return other is not None and other.path.startswith(self.path)


class User(UserMixin, db.Model):
    """A person who signs in, with one org unit and one or more roles."""

    __tablename__ = "user_account"
    __table_args__ = (Index("ix_user_account_org_unit_id", "org_unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    # Comma-separated role codes; stored in the row so loading a user is one query.
    roles_text: Mapped[str] = mapped_column("roles", String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    token_generation: Mapped[int] = mapped_column(default=0)

    org_unit = relationship(OrgUnit, lazy="joined")

    @property
    def roles(self):
        return frozenset(role for role in self.roles_text.split(",") if role)

    def has_role(self, role):
        return role in self.roles

    @property
    def is_active(self):
        return self.active


class RoutingRule(db.Model):
    """Category prefix × region → handling unit."""

    __tablename__ = "routing_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_prefix: Mapped[str] = mapped_column(String(6), default="")
    region_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
