"""Importing org units from CSV, all or nothing.

Columns: ``code,name,kind,parent_code`` and optionally ``department_type``,
``name_en`` and ``working_windows``. Kinds are province, city, district and
department; a city hangs under a province, a district under a city, and a
department under any unit. Parents may come earlier in the file or already
exist. Existing codes are updated in place but keep their parent; nothing is deleted.
"""

from dataclasses import dataclass, field

from sqlalchemy import select

from ..audit.services import record_event
from ..core.csvfile import read_csv
from ..core.db import write_transaction
from ..extensions import db
from ..sla.calendar import parse_windows
from .models import ORG_KINDS, OrgUnit
from .services import add_org_unit

REQUIRED_COLUMNS = ("code", "name", "kind", "parent_code")
OPTIONAL_COLUMNS = ("department_type", "name_en", "working_windows")
MAX_BYTES = 2 * 1024 * 1024
ALLOWED_PARENTS = {"province": set(), "city": {"province"}, "district": {"city"}, "department": set(ORG_KINDS)}


@dataclass
class OrgReport:
    """Outcome of checking an org unit file: parsed rows and every problem found."""

    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def valid(self):
        return not self.problems


def check_org_units(content):
    """Parse and validate an org unit CSV against itself and the units already stored."""
    report = OrgReport()
    rows, report.problems = read_csv(content, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, MAX_BYTES)
    if not rows:
        return report

    units = db.session.scalars(select(OrgUnit)).all()
    code_of = {unit.id: unit.code for unit in units}
    stored = {unit.code: code_of.get(unit.parent_id, "") for unit in units}
    kinds = {unit.code: unit.kind for unit in units}
    for line, row in rows:
        _check_row(row, line, kinds, stored, report)
    return report


def _check_row(row, line, kinds, stored, report):
    problems = report.problems
    code, kind, parent = row["code"], row["kind"], row["parent_code"]
    if not code or len(code) > 32:
        problems.append(f"line {line}: code must have 1 to 32 characters")
        return
    if code in kinds and code not in stored:
        problems.append(f"line {line}: code {code} appears twice in the file")
        return
    if not row["name"] or len(row["name"]) > 100:
        problems.append(f"line {line}: name must have 1 to 100 characters")
    if kind not in ORG_KINDS:
        problems.append(f"line {line}: kind {kind!r} must be one of {', '.join(ORG_KINDS)}")
        return

    if kind == "province" and parent:
        problems.append(f"line {line}: a province has no parent; leave parent_code empty")
    elif kind != "province":
        parent_kind = kinds.get(parent)
        if parent_kind is None:
            problems.append(f"line {line}: parent_code {parent!r} is not a unit above this line or in the database")
        elif parent_kind not in ALLOWED_PARENTS[kind]:
            problems.append(f"line {line}: a {kind} cannot hang under a {parent_kind} ({parent})")

    if code in stored and stored[code] != parent:
        problems.append(f"line {line}: unit {code} is under {stored[code] or 'nothing'}; moving units is not supported, keep that parent_code")
    if kind == "department" and not row.get("department_type"):
        problems.append(f"line {line}: department_type is required for a department (e.g. 城市管理局)")
    if row.get("working_windows"):
        try:
            parse_windows(row["working_windows"])
        except ValueError as exc:
            problems.append(f"line {line}: {exc}")

    kinds[code] = kind
    report.rows.append(row)


def import_org_units(content, actor_id):
    """Check an org unit file and, only when it is valid, add or update every unit; return the report."""
    from ..sla.provider import bump_revision

    report = check_org_units(content)
    if not report.valid:
        return report

    with write_transaction():
        by_code = {unit.code: unit for unit in db.session.scalars(select(OrgUnit))}
        for row in report.rows:
            unit = by_code.get(row["code"])
            parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
            if unit is None:
                unit = add_org_unit(row["code"], row["name"], row["kind"], parent, row.get("name_en", ""), row.get("department_type") or None)
                by_code[unit.code] = unit
            else:
                unit.name, unit.kind = row["name"], row["kind"]
                unit.department_type = row.get("department_type") or None
                unit.name_en = row.get("name_en", "")
            unit.working_windows = row.get("working_windows") or None

        bump_revision()
        record_event("orgs.imported", None, actor_id, units=len(report.rows))
    return report
