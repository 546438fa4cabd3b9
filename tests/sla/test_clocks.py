"""Clocks on appeals: limits at intake, stage clocks, provisional deadlines and calendar imports."""

from datetime import datetime

import pytest
from sqlalchemy import delete, select

from app.extensions import db
from app.sla.models import SlaClock
from tests.helpers import ApiUser, appeal_body, unit_id

YEAR_2027 = """\
year: 2027
source: 测试用2027年节假日安排
holidays:
  - {name: 元旦, from: 2027-01-01, to: 2027-01-03}
makeup_workdays: []
"""


def clocks_of(app, number, kinds=None):
    from app.appeals.models import Appeal

    with app.app_context():
        query = select(SlaClock).join(Appeal, Appeal.id == SlaClock.appeal_id).where(Appeal.number == number)
        if kinds:
            query = query.where(SlaClock.kind.in_(kinds))
        rows = db.session.scalars(query.order_by(SlaClock.id)).all()
        db.session.remove()
        return rows


def test_overall_limits_by_type(app, client, frozen):
    frozen.set("2026-02-13T10:00:00+08:00")
    agent = ApiUser(client, "nj_agent")
    complaint = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    consultation = agent.post("/appeals", json=appeal_body(app, appeal_type="consultation")).get_json()["number"]

    (overall,) = clocks_of(app, complaint, kinds=("overall",))
    assert overall.kind == "overall"
    assert overall.budget_seconds == 1935 * 60
    assert overall.deadline_at.isoformat() == "2026-02-26T05:45:00+00:00"
    assert overall.provisional is False

    (consultation_clock,) = clocks_of(app, consultation, kinds=("overall",))
    assert consultation_clock.budget_seconds == 855 * 60


def test_stage_clocks_follow_the_task(app, client, frozen):
    frozen.set("2026-03-02T09:00:00+08:00")
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    handler = ApiUser(client, "nj_cgj_handler")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    dispatcher.complete(number, "dispatch", {"unit_id": unit_id(app, "JS-NJ-城市管理局")})

    kinds = {clock.kind: clock for clock in clocks_of(app, number)}
    assert set(kinds) == {"overall", "dispatch", "claim", "return", "reply"}
    assert kinds["dispatch"].status == "stopped"
    assert kinds["return"].enforced is False
    reply_task = handler.get(f"/tasks/{handler.open_task(number, 'reply')}").get_json()
    # The claim clock (0.5 day = 225 minutes) is the earliest: 09:00-12:00 is 180, then 45 from 13:30.
    assert reply_task["due_at"] == "2026-03-02T06:15:00+00:00"

    frozen.set("2026-03-02T10:00:00+08:00")
    handler.post(f"/tasks/{reply_task['id']}/claim")
    kinds = {clock.kind: clock for clock in clocks_of(app, number)}
    assert kinds["claim"].status == "stopped"
    assert kinds["claim"].outcome == "met"
    assert kinds["reply"].status == "running"

    handler.complete(number, "reply", {"result": "已整改完毕。", "outcome": "resolved"})
    kinds = {clock.kind: clock for clock in clocks_of(app, number)}
    assert kinds["reply"].status == "stopped"
    assert kinds["return"].status == "stopped"
    assert kinds["overall"].status == "running"


def test_archive_stops_every_clock(app, client, frozen):
    frozen.set("2026-03-03T09:00:00+08:00")
    agent = ApiUser(client, "nj_agent")
    body = appeal_body(app, appeal_type="consultation", triage={"resolution": "direct_answer", "answer": "已答复。"})
    number = agent.post("/appeals", json=body).get_json()["number"]
    assert [(clock.status, clock.outcome) for clock in clocks_of(app, number)] == [("stopped", "met")]


@pytest.fixture()
def forget_2027(app):
    """Remove the imported 2027 schedule afterwards, so later tests see 2027 as not loaded."""
    yield
    from app.sla.models import CalendarYear
    from app.sla.provider import bump_revision

    with app.app_context():
        db.session.execute(delete(CalendarYear).where(CalendarYear.year == 2027))
        bump_revision()
        db.session.commit()
        db.session.remove()


def test_provisional_deadline_recomputed_on_import(app, client, frozen, forget_2027):
    from app.sla.admin import import_year

    frozen.set("2026-12-30T10:00:00+08:00")
    agent = ApiUser(client, "nj_agent")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    (clock,) = clocks_of(app, number, kinds=("overall",))
    assert clock.provisional is True
    assert clock.deadline_at.astimezone().isoformat() == datetime.fromisoformat("2027-01-05T13:45:00+08:00").astimezone().isoformat()

    with app.app_context():
        moved = import_year(YEAR_2027.encode(), "2027.yaml", actor_id=None)
        db.session.remove()
    assert moved >= 1

    (clock,) = clocks_of(app, number, kinds=("overall",))
    assert clock.provisional is False
    assert clock.deadline_at == datetime.fromisoformat("2027-01-06T13:45:00+08:00")
    history = agent.get(f"/appeals/{number}").get_json()["history"]
    recomputed = [event for event in history if event["event"] == "clock.recomputed"]
    assert len(recomputed) == 1
    assert recomputed[0]["detail"]["old_deadline"] == "2027-01-05T13:45:00+08:00"
    assert recomputed[0]["detail"]["new_deadline"] == "2027-01-06T13:45:00+08:00"
    assert recomputed[0]["detail"]["provisional"] is False


def test_category_limit_overrides_type(app, client, frozen):
    from app.appeals.models import Category

    frozen.set("2026-03-16T09:00:00+08:00")
    with app.app_context():
        db.session.get(Category, "010104").limit_days = "2"
        db.session.commit()
        db.session.remove()
    try:
        number = ApiUser(client, "nj_agent").post("/appeals", json=appeal_body(app, category_code="010104")).get_json()["number"]
        (clock,) = clocks_of(app, number, kinds=("overall",))
        assert clock.budget_seconds == 900 * 60
    finally:
        with app.app_context():
            db.session.get(Category, "010104").limit_days = None
            db.session.commit()
            db.session.remove()


def test_admin_sees_provisional_banner(app, client, frozen):
    frozen.set("2026-12-29T16:00:00+08:00")
    ApiUser(client, "nj_agent").post("/appeals", json=appeal_body(app))

    client.post("/login", data={"username": "admin", "password": "demo12345"})
    page = client.get("/tasks").get_data(as_text=True)
    assert 'id="provisional-banner"' in page
    client.post("/logout")

    client.post("/login", data={"username": "nj_agent", "password": "demo12345"})
    assert 'id="provisional-banner"' not in client.get("/tasks").get_data(as_text=True)


def test_task_without_stage_clock_shows_overall(app, client):
    number = ApiUser(client, "nj_agent").post("/appeals", json=appeal_body(app)).get_json()["number"]
    dispatcher, handler = ApiUser(client, "nj_dispatcher"), ApiUser(client, "nj_cgj_handler")
    dispatcher.complete(number, "dispatch", {"unit_id": unit_id(app, "JS-NJ-城市管理局")})
    handler.complete(number, "reply", {"result": "已整改完毕。", "outcome": "resolved"})
    items = dispatcher.get("/tasks?scope=claimable&sort=due").get_json()["items"]
    (task,) = [item for item in items if item["appeal_number"] == number]
    assert task["name"] == "review"
    assert task["clock"]["kind"] == "overall"
    assert task["clock"]["level"] == "green"
    assert task["clock"]["remaining_working_minutes"] > 0
