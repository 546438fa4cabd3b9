"""Turning HTML form submissions into typed data, and completed forms into labelled values."""

from flask import current_app
from flask_babel import gettext

from ..extensions import db
from ..orgs.models import OrgUnit
from ..processes.version_forms import version_form
from .labels import ui_language


def parse_submission(schema, values):
    """Convert posted strings to the types the form schema declares.

    Empty optional fields are left out. A value that cannot be converted is
    passed on as the raw string, so the schema validator reports the field.
    """
    data = {}
    for name, field in schema.get("properties", {}).items():
        if field.get("type") == "array":
            items = [value for value in values.getlist(name) if value != ""]
            if items:
                data[name] = [_convert(field.get("items", {}), value) for value in items]
            continue
        raw = values.get(name, "")
        if raw == "":
            continue
        data[name] = _convert(field, raw)
    return data


def _convert(field, raw):
    kind = field.get("type")
    if kind == "integer":
        return int(raw) if raw.strip().lstrip("-").isdigit() else raw
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw, raw)
    return raw.strip() if field.get("x-widget") != "textarea" else raw.rstrip()


def _unit_name(unit_id):
    unit = db.session.get(OrgUnit, unit_id) if isinstance(unit_id, int) else None
    return unit.name if unit else str(unit_id)


def _display_value(form, locale, key, value):
    field = form.fields.get(key, {})
    if field.get("x-widget") in ("unit", "department"):
        return _unit_name(value)
    if field.get("x-widget") == "departments" and isinstance(value, list):
        return "、".join(_unit_name(item) for item in value)
    if field.get("type") == "boolean":
        return gettext("Yes") if value else gettext("No")
    if "enum" in field:
        return form.label(locale, f"{key}.{value}")
    return value


def form_values(detail, spec_hash=None):
    """Return [(label, value)] of a completed form in the user's language, or [].

    ``spec_hash`` names the process version whose stored forms come first.
    """
    values = detail.get("form")
    if not values or not detail.get("form_name"):
        return []
    form = version_form(spec_hash, detail["form_name"], current_app.extensions["hotline.forms"])
    locale = ui_language()
    # Fields the server derived (such as unit_kind) are not part of the form and are not shown.
    return [(form.label(locale, key), _display_value(form, locale, key, value)) for key, value in values.items() if key in form.fields]
