"""Org unit lookup for API clients (region ids for intake, department ids for dispatch)."""

from flask import jsonify, request
from sqlalchemy import select

from ..api import api_bp, require_user
from ..core.errors import InvalidInput
from ..extensions import db
from .models import ORG_KINDS, OrgUnit

MAX_UNITS = 500


@api_bp.get("/org-units")
@require_user
def list_org_units():
    kind = request.args.get("kind")
    if kind and kind not in ORG_KINDS:
        raise InvalidInput("invalid kind filter", {"kind": f"Must be one of: {', '.join(ORG_KINDS)}."})

    query = select(OrgUnit).order_by(OrgUnit.path).limit(MAX_UNITS)
    if kind:
        query = query.where(OrgUnit.kind == kind)
    if request.args.get("name"):
        query = query.where(OrgUnit.name.contains(request.args["name"][:50]))

    units = db.session.scalars(query).all()
    return jsonify(
        {
            "items": [
                {"id": unit.id, "code": unit.code, "name": unit.name, "kind": unit.kind, "parent_id": unit.parent_id}
                for unit in units
            ]
        }
    )
