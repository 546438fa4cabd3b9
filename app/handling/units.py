"""Unit pickers on dispatch forms: which units a dispatching unit may choose, and checks.

A form field with ``"x-widget": "unit"`` takes one department or lower centre
below the dispatching unit, which is the task's candidate unit. A field with
``"departments"`` takes a list of departments below it. After the checks, each unit field ``X_id``
gains a sibling ``X_kind`` ("centre" or "department") for the diagram's
gateways, so a dispatcher cannot spoof it.
"""

from sqlalchemy import select

from ..engine.dryrun import kind_field
from ..extensions import db
from ..orgs.models import OrgUnit
from ..processes.forms import FieldError

CENTRE_KINDS = ("province", "city", "district")
UNIT_WIDGETS = ("unit", "department", "departments")


def is_centre(unit):
    """Return True for hotline centres (province, city, district), False for departments."""
    return unit.kind in CENTRE_KINDS


def has_unit_fields(form):
    """Return True when any field of the form picks org units."""
    return any(field.get("x-widget") in UNIT_WIDGETS for field in form.fields.values())


def dispatch_targets(dispatching_unit):
    """Return the units below ``dispatching_unit`` that it may dispatch to, ordered by path."""
    query = (
        select(OrgUnit)
        .where(OrgUnit.path.like(dispatching_unit.path + "%"), OrgUnit.id != dispatching_unit.id)
        .order_by(OrgUnit.path)
    )
    return db.session.scalars(query).all()


def choices_for(form, dispatching_unit):
    """Return {field: [{"id", "name", "kind"}]} for the unit fields of a form."""
    if dispatching_unit is None or not has_unit_fields(form):
        return {}
    targets = dispatch_targets(dispatching_unit)
    choices = {}
    for name, field in form.fields.items():
        widget = field.get("x-widget")
        if widget not in UNIT_WIDGETS:
            continue
        allowed = targets if widget == "unit" else [unit for unit in targets if not is_centre(unit)]
        choices[name] = [{"id": unit.id, "name": unit.name, "kind": "centre" if is_centre(unit) else "department"} for unit in allowed]
    return choices


def _below(unit, dispatching_unit):
    return unit is not None and unit.id != dispatching_unit.id and unit.path.startswith(dispatching_unit.path)


def check_unit_fields(form, data, dispatching_unit):
    """Return FieldErrors for unit fields, and add the derived kind fields to ``data`` when all are valid."""
    errors, kinds = [], {}
    lead_ids = set()
    for name, field in form.fields.items():
        widget = field.get("x-widget")
        if widget not in ("unit", "department") or name not in data:
            continue
        unit = db.session.get(OrgUnit, data[name])
        allowed = _below(unit, dispatching_unit) and (widget == "unit" or not is_centre(unit))
        if not allowed:
            allowed_kinds = "a department or lower centre" if widget == "unit" else "a department"
            errors.append(
                FieldError(name, "unknown_unit", f"Must be the id of {allowed_kinds} under {dispatching_unit.name}.", {"unit": dispatching_unit.name})
            )
            continue
        kinds[kind_field(name)] = "centre" if is_centre(unit) else "department"
        lead_ids.add(unit.id)

    for name, field in form.fields.items():
        if field.get("x-widget") != "departments" or not data.get(name):
            continue
        errors.extend(_check_assisting(name, data[name], dispatching_unit, lead_ids, kinds))

    if not errors:
        data.update(kinds)
    return errors


def _check_assisting(name, unit_ids, dispatching_unit, lead_ids, kinds):
    if "centre" in kinds.values():
        return [FieldError(name, "assisting_needs_department", "Assisting departments need a department as lead; leave this empty when dispatching to a lower centre.")]
    units = {unit.id: unit for unit in db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(unit_ids)))}
    for unit_id in unit_ids:
        unit = units.get(unit_id)
        if not _below(unit, dispatching_unit) or is_centre(unit):
            return [
                FieldError(name, "unknown_unit", f"Each item must be the id of a department under {dispatching_unit.name}.", {"unit": dispatching_unit.name})
            ]
        if unit_id in lead_ids:
            return [FieldError(name, "assisting_is_lead", "The lead department cannot also assist; remove it from this list.")]
    return []
