"""Org unit import: valid files add units under their parents; invalid ones change nothing."""

from sqlalchemy import func, select

from app.extensions import db
from app.orgs.importer import import_org_units
from app.orgs.models import OrgUnit

HEADER = "code,name,kind,parent_code,department_type,name_en,working_windows\n"


def unit_count(app):
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(OrgUnit))
        db.session.remove()
        return count


def test_import_adds_district_and_departments(app):
    content = (
        HEADER
        + "JS-NJ-六合区,六合区,district,JS-NJ,,Luhe,\n"
        + 'JS-NJ-六合区-城管,六合区城市管理局,department,JS-NJ-六合区,城市管理局,,"09:00-12:00,13:30-17:00"\n'
    )
    with app.app_context():
        report = import_org_units(content.encode("utf-8"), actor_id=None)
        assert report.problems == []
        district = db.session.scalar(select(OrgUnit).where(OrgUnit.code == "JS-NJ-六合区"))
        department = db.session.scalar(select(OrgUnit).where(OrgUnit.code == "JS-NJ-六合区-城管"))
        assert department.parent_id == district.id
        assert department.path.startswith(district.path)
        assert department.working_windows == "09:00-12:00,13:30-17:00"
        db.session.remove()


def test_broken_org_file_changes_nothing(app):
    before = unit_count(app)
    content = (
        HEADER
        + "JS-NJ-X,新区,district,JS-NJ,,,\n"
        + "JS-NJ-X,重复,district,JS-NJ,,,\n"
        + "JS-Y,某市,city,JS-NJ,,,\n"
        + "JS-Z,某局,department,JS-NOPE,,,\n"
        + "JS-W,某区,planet,JS,,,\n"
        + "JS-V,某局,department,JS,,,\n"
        + "JS-U,某局,department,JS,城管,,9-5\n"
        + "JS-SZ,苏州市,city,JS-NJ,,,\n"
        + "JS-T,某局,department,JS,城管,,09:00-12:00,13:30-17:00\n"
    )
    with app.app_context():
        report = import_org_units(content.encode("utf-8"), actor_id=None)
        db.session.remove()
    problems = "\n".join(report.problems)
    assert "line 3: code JS-NJ-X appears twice" in problems
    assert "line 4: a city cannot hang under a city (JS-NJ)" in problems
    assert "line 5: parent_code 'JS-NOPE'" in problems
    assert "line 6: kind 'planet'" in problems
    assert "line 7: department_type is required" in problems
    assert "line 8: working window '9-5' is invalid" in problems
    assert "line 9: unit JS-SZ is under JS; moving units is not supported" in problems
    assert "line 10: more fields than the header" in problems
    assert unit_count(app) == before
