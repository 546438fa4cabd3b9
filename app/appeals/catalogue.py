"""Importing the appeal category catalogue from CSV, all or nothing.

The file has one row per leaf: ``code,level1,level2,level3,default_department``
and optionally ``consult_or_not`` (是/否), ``default_appeal_type``,
``limit_days`` (working days) and ``active`` (1/0, yes/no, 是/否). Codes have
six digits, two per level, so ``010203`` is leaf 03 of group 0102 of top
level 01. Every problem is reported with its line before anything is written.
"""

import re
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from ..audit.services import record_event
from ..core.csvfile import read_csv
from ..core.db import write_transaction
from ..extensions import db
from ..orgs.models import OrgUnit
from .models import APPEAL_TYPES, Category

REQUIRED_COLUMNS = ("code", "level1", "level2", "level3", "default_department")
OPTIONAL_COLUMNS = ("consult_or_not", "default_appeal_type", "limit_days", "active")
MAX_BYTES = 4 * 1024 * 1024
MAX_ROWS = 20_000
CODE_PATTERN = re.compile(r"^\d{6}$")
LIMIT_PATTERN = re.compile(r"^(?!0+(\.0+)?$)\d{1,3}(\.\d{1,2})?$")
TRUE_WORDS = {"1", "yes", "true", "是", "y"}
FALSE_WORDS = {"0", "no", "false", "否", "n", ""}


@dataclass
class CatalogueReport:
    """Outcome of checking a catalogue file: parsed rows and every problem found."""

    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def valid(self):
        return not self.problems


def known_department_types():
    """Return the department types that exist in the org tree, plus the centre's own type."""
    query = select(OrgUnit.department_type).where(OrgUnit.department_type.is_not(None)).distinct()
    return set(db.session.scalars(query)) | {current_app.config["CENTRE_DEPARTMENT_TYPE"]}


def _flag(value, line, column, problems):
    text = (value or "").strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    problems.append(f"line {line}: {column} {value!r} is not a yes/no value; use 1/0, yes/no or 是/否")
    return False


def check_catalogue(content, department_types):
    """Parse and validate a catalogue CSV; return a CatalogueReport listing every problem."""
    report = CatalogueReport()
    rows, report.problems = read_csv(content, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, MAX_BYTES)
    if len(rows) > MAX_ROWS:
        report.problems.append(f"{len(rows)} rows, more than {MAX_ROWS}; split the file")
        return report

    first_line_of = {}
    names_at = {}
    for line, row in rows:
        _check_row(row, line, department_types, first_line_of, names_at, report)
    return report


def _check_row(row, line, department_types, first_line_of, names_at, report):
    problems = report.problems
    code = row["code"]
    if not CODE_PATTERN.match(code):
        problems.append(f"line {line}: code {code!r} is not six digits (two per level, e.g. 010203)")
        return
    if code in first_line_of:
        problems.append(f"line {line}: code {code} is a duplicate of line {first_line_of[code]}")
        return
    first_line_of[code] = line

    for level, name in ((1, row["level1"]), (2, row["level2"]), (3, row["level3"])):
        if not name:
            problems.append(f"line {line}: level{level} name is empty")
    for prefix, level, name in ((code[:2], 1, row["level1"]), (code[:4], 2, row["level2"])):
        earlier = names_at.setdefault(prefix, (name, line))
        if earlier[0] != name:
            problems.append(
                f"line {line}: level{level} group {prefix} is named {name!r} here but {earlier[0]!r} on line {earlier[1]}; use one name"
            )

    department = row["default_department"]
    if department not in department_types:
        problems.append(f"line {line}: default_department {department!r} is not a department type of any org unit; add the unit or fix the name")

    appeal_type = row.get("default_appeal_type") or None
    if appeal_type and appeal_type not in APPEAL_TYPES:
        problems.append(f"line {line}: default_appeal_type {appeal_type!r} must be one of {', '.join(APPEAL_TYPES)}")

    limit_days = row.get("limit_days") or None
    if limit_days is not None and not LIMIT_PATTERN.match(limit_days):
        problems.append(f"line {line}: limit_days {limit_days!r} is not a positive number of working days such as 4.3")

    report.rows.append(
        {
            "code": code,
            "level1": row["level1"],
            "level2": row["level2"],
            "level3": row["level3"],
            "default_department_type": department,
            "usually_consultation": _flag(row.get("consult_or_not"), line, "consult_or_not", problems),
            "default_appeal_type": appeal_type,
            "limit_days": limit_days,
            "active": _flag(row.get("active", "1") or "1", line, "active", problems),
        }
    )


def import_catalogue(content, actor_id):
    """Check a catalogue file and, only when it is valid, insert or update every leaf; return the report.

    Leaves missing from the file are kept (appeals refer to them) but retired.
    """
    report = check_catalogue(content, known_department_types())
    if not report.valid:
        return report

    with write_transaction():
        existing = {category.code: category for category in db.session.scalars(select(Category))}
        listed = set()
        for row in report.rows:
            category = existing.get(row["code"]) or Category(code=row["code"])
            for key, value in row.items():
                setattr(category, key, value)
            db.session.add(category)
            listed.add(row["code"])

        retired = [category for code, category in existing.items() if code not in listed and category.active]
        for category in retired:
            category.active = False
        record_event("catalogue.imported", None, actor_id, leaves=len(report.rows), retired=len(retired))
    return report
