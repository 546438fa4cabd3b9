"""Org tree queries and user authentication."""

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.errors import AuthenticationFailed
from ..extensions import db
from .models import OrgUnit, User

# Checked against when the username is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def authenticate(username, password):
    """Return the active user with these credentials or raise AuthenticationFailed."""
    user = db.session.scalar(select(User).where(User.username == (username or "")))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        raise AuthenticationFailed("invalid username or password")
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        raise AuthenticationFailed("invalid username or password")
    return user


def get_user(user_id):
    """Return the user with this id, or None."""
    return db.session.get(User, user_id)


def get_org_unit(org_id):
    """Return the org unit with this id, or None."""
    return db.session.get(OrgUnit, org_id)


def in_subtree(column, ancestor):
    """Return a SQL condition: the org unit path in ``column`` lies under ``ancestor``."""
    return column.like(ancestor.path + "%")


def add_org_unit(code, name, kind, parent=None, name_en="", department_type=None):
    """Add an org unit under ``parent`` and fill its materialized path; the caller commits."""
    unit = OrgUnit(code=code, name=name, name_en=name_en, kind=kind, department_type=department_type, parent=parent)
    db.session.add(unit)
    db.session.flush()
    unit.path = (parent.path if parent else "/") + f"{unit.id}/"
    return unit


def add_user(username, display_name, password, org_unit, roles):
    """Add a user with a hashed password; the caller commits."""
    user = User(
        username=username,
        display_name=display_name,
        password_hash=generate_password_hash(password),
        org_unit=org_unit,
        roles_text=",".join(sorted(roles)),
    )
    db.session.add(user)
    return user
