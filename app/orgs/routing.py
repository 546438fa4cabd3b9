"""Dispatch suggestions: which unit should handle an appeal, and why.

Explicit routing rules map a category (a 2-, 4- or 6-digit code prefix, or
any) and a region (a unit and everything below it, or anywhere) to a handling
unit. The most specific matching rule wins: a longer category prefix first,
then a deeper region. Without a matching rule, the category's default
department type is looked up under the appeal's centre.
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


def _rule_matches(rule, category_code, region_path, region_paths):
    if rule.category_prefix and not (category_code or "").startswith(rule.category_prefix):
        return False
    if rule.region_id is not None and not region_path.startswith(region_paths.get(rule.region_id, "\0")):
        return False
    return True


def suggest_unit(appeal):
    """Return the Suggestion for an appeal's dispatch, or None when nothing fits."""
    region = db.session.get(OrgUnit, appeal.region_id)
    centre = db.session.get(OrgUnit, appeal.centre_id)
    rules = db.session.scalars(select(RoutingRule)).all()
    region_ids = {rule.region_id for rule in rules if rule.region_id is not None}
    region_paths = dict(db.session.execute(select(OrgUnit.id, OrgUnit.path).where(OrgUnit.id.in_(region_ids))).all()) if region_ids else {}

    matching = [rule for rule in rules if _rule_matches(rule, appeal.category_code, region.path, region_paths)]
    if matching:
        best = max(matching, key=lambda rule: (len(rule.category_prefix), len(region_paths.get(rule.region_id, "")), rule.id))
        unit = db.session.get(OrgUnit, best.unit_id)
        category = best.category_prefix or "any category"
        region_name = db.session.get(OrgUnit, best.region_id).name if best.region_id else "any region"
        return Suggestion(unit.id, unit.name, f"routing rule {best.id}: {category}, {region_name}", best.id)

    return _default_department(appeal, region, centre)


def _default_department(appeal, region, centre):
    if appeal.category is None or not appeal.category.default_department_type:
        return None
    department_type = appeal.category.default_department_type
    candidates = db.session.scalars(
        select(OrgUnit)
        .where(OrgUnit.kind == "department", OrgUnit.department_type == department_type, OrgUnit.path.like(centre.path + "%"))
        .order_by(OrgUnit.path)
    ).all()
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
