"""Dispatch suggestions: which unit should handle an appeal, and why.

Explicit routing rules map a category (a 2-, 4- or 6-digit code prefix, or
any) and a region (a unit and everything below it, or anywhere) to a handling
unit. The most specific matching rule wins: a longer category prefix first,
then a deeper region. Without a matching rule, the category's default
department type is looked up under the dispatching unit.
"""

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from .models import OrgUnit, RoutingRule


@dataclass(frozen=True)
class Suggestion:
    """The suggested handling unit and the reason, for the dispatcher."""

    unit_id: int
    unit_name: str
    reason: str
    rule_id: int | None
    # True when the unit is a lower centre standing in for the best unit below it.
    lower_centre: bool = False


def _rule_matches(rule, category_code, region_path, region_paths):
    if rule.category_prefix and not (category_code or "").startswith(rule.category_prefix):
        return False
    if rule.region_id is not None and not region_path.startswith(region_paths.get(rule.region_id, "\0")):
        return False
    return True


def suggest_unit(appeal, dispatching_unit=None, exclude_ids=()):
    """Return the Suggestion for dispatching an appeal from ``dispatching_unit``, or None.

    Only units below the dispatching unit (the appeal's centre by default) and
    not in ``exclude_ids`` (units that returned the appeal) are suggested. When
    the best unit sits below a lower centre that has dispatchers, that centre
    is suggested instead, so each level dispatches within its own subtree.
    """
    region = db.session.get(OrgUnit, appeal.region_id)
    scope = dispatching_unit or db.session.get(OrgUnit, appeal.centre_id)
    excluded = set(exclude_ids)
    rules = db.session.scalars(select(RoutingRule)).all()
    unit_ids = {rule.region_id for rule in rules if rule.region_id is not None} | {rule.unit_id for rule in rules}
    paths = dict(db.session.execute(select(OrgUnit.id, OrgUnit.path).where(OrgUnit.id.in_(unit_ids))).all()) if unit_ids else {}

    def usable(rule):
        unit_path = paths.get(rule.unit_id, "")
        return rule.unit_id not in excluded and unit_path.startswith(scope.path) and rule.unit_id != scope.id

    matching = [rule for rule in rules if usable(rule) and _rule_matches(rule, appeal.category_code, region.path, paths)]
    if matching:
        best = max(matching, key=lambda rule: (len(rule.category_prefix), len(paths.get(rule.region_id, "")), rule.id))
        unit = db.session.get(OrgUnit, best.unit_id)
        category = best.category_prefix or "any category"
        region_name = db.session.get(OrgUnit, best.region_id).name if best.region_id else "any region"
        suggestion = Suggestion(unit.id, unit.name, f"routing rule {best.id}: {category}, {region_name}", best.id)
    else:
        suggestion = _default_department(appeal, region, scope, excluded)
    return _via_lower_centre(suggestion, scope, excluded)


def _via_lower_centre(suggestion, scope, excluded):
    """Replace a suggestion below a staffed lower centre with that centre."""
    from .models import User

    if suggestion is None:
        return None
    unit = db.session.get(OrgUnit, suggestion.unit_id)
    between = [int(part) for part in unit.path[len(scope.path):].strip("/").split("/")[:-1] if part]
    if not between:
        return suggestion
    staffed = set(
        db.session.scalars(
            select(User.org_unit_id).where(User.org_unit_id.in_(between), User.active.is_(True), User.roles_text.like("%dispatcher%"))
        )
    )
    for unit_id in between:
        centre = db.session.get(OrgUnit, unit_id)
        if unit_id in staffed and centre.kind in ("city", "district") and unit_id not in excluded:
            reason = f"{suggestion.reason}; {suggestion.unit_name} is under the lower centre {centre.name}"
            return Suggestion(centre.id, centre.name, reason, suggestion.rule_id, lower_centre=True)
    return suggestion


def _default_department(appeal, region, scope, excluded):
    if appeal.category is None or not appeal.category.default_department_type:
        return None
    department_type = appeal.category.default_department_type
    candidates = db.session.scalars(
        select(OrgUnit)
        .where(OrgUnit.kind == "department", OrgUnit.department_type == department_type, OrgUnit.path.like(scope.path + "%"))
        .order_by(OrgUnit.path)
    ).all()
    candidates = [unit for unit in candidates if unit.id not in excluded]
    if not candidates:
        return None
    # Prefer the unit nearest the appeal's region (the longest shared path), then the shallowest.
    best = max(candidates, key=lambda unit: (_shared_depth(unit.path, region.path), -unit.path.count("/")))
    return Suggestion(best.id, best.name, f"default department type {department_type} of category {appeal.category_code}", None)


def _shared_depth(first, second):
    depth = 0
    for left, right in zip(first.strip("/").split("/"), second.strip("/").split("/")):
        if left != right:
            break
        depth += 1
    return depth
