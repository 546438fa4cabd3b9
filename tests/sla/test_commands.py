"""Command-line checks and calendar changes through flask commands, plus pausing clocks."""

from datetime import datetime

from sqlalchemy import delete, select

from app.extensions import db
from app.orgs.models import OrgUnit
from app.sla.models import CalendarYear
from tests.helpers import ApiUser, appeal_body, unit_id
from tests.sla.test_clocks import clocks_of


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_deadline_command(app):
    result = run(app, "sla", "deadline", "--start", "2026-02-13T10:00+08:00", "--days", "4.3")
    assert result.exit_code == 0
    assert result.output == "2026-02-26T13:45:00+08:00\n"


def test_deadline_command_in_utc_and_provisional(app):
    assert run(app, "sla", "deadline", "--start", "2026-02-13T02:00Z", "--days", "4.3").output == "2026-02-26T13:45:00+08:00\n"
    assert run(app, "sla", "deadline", "--start", "2026-12-30T10:00+08:00", "--days", "4.3").output == "2027-01-05T13:45:00+08:00 provisional\n"


def test_deadline_command_with_hours(app):
    result = run(app, "sla", "deadline", "--start", "2026-02-13T10:00+08:00", "--days", "1", "--hours", "09:00-17:00")
    assert result.output == "2026-02-14T10:00:00+08:00\n"


def test_deadline_command_rejects_bad_input(app):
    naive = run(app, "sla", "deadline", "--start", "2026-02-13T10:00", "--days", "1")
    assert naive.exit_code == 2
    assert "offset" in naive.output
    hours = run(app, "sla", "deadline", "--start", "2026-02-13T10:00+08:00", "--days", "1", "--hours", "9-5")
    assert hours.exit_code == 2
    assert "--hours" in hours.output


def test_between_command(app):
    result = run(app, "sla", "between", "--start", "2026-02-13T10:00+08:00", "--end", "2026-02-24T10:00+08:00")
    assert result.output == "900\n"


def test_import_command_rejects_broken_file(app, tmp_path):
    broken = tmp_path / "2030.csv"
    broken.write_text("date,type,name,source\n2030-13-01,holiday,元旦,通知\n2030-01-02,party,,\n", encoding="utf-8")
    result = run(app, "calendar", "import", str(broken), "--yes")
    assert result.exit_code == 1
    assert "line 2" in result.output
    assert "line 3" in result.output
    with app.app_context():
        assert db.session.get(CalendarYear, 2030) is None
        db.session.remove()


def test_import_command_applies_with_yes(app, tmp_path):
    good = tmp_path / "2031.yaml"
    good.write_text("year: 2031\nsource: 测试\nholidays:\n  - {name: 元旦, from: 2031-01-01, to: 2031-01-01}\n", encoding="utf-8")
    result = run(app, "calendar", "import", str(good), "--yes")
    assert result.exit_code == 0
    assert "2031-01-01 workday -> day off" in result.output
    with app.app_context():
        assert db.session.get(CalendarYear, 2031).source == "测试"
        db.session.execute(delete(CalendarYear).where(CalendarYear.year == 2031))
        db.session.commit()
        db.session.remove()


def test_unit_windows_recompute_deadlines(app, client, frozen):
    frozen.set("2026-03-09T09:00:00+08:00")
    agent = ApiUser(client, "sz_agent")
    number = agent.post("/appeals", json=appeal_body(app, region_id=unit_id(app, "JS-SZ"))).get_json()["number"]
    (before,) = clocks_of(app, number, kinds=("overall",))

    result = run(app, "calendar", "windows", "--unit", "JS-SZ", "--hours", "09:00-12:00,13:00-17:00")
    assert result.exit_code == 0, result.output
    (after,) = clocks_of(app, number, kinds=("overall",))
    assert after.deadline_at != before.deadline_at

    run(app, "calendar", "windows", "--unit", "JS-SZ", "--hours", "")
    (restored,) = clocks_of(app, number, kinds=("overall",))
    assert restored.deadline_at == before.deadline_at
    with app.app_context():
        assert db.session.scalar(select(OrgUnit.working_windows).where(OrgUnit.code == "JS-SZ")) is None
        db.session.remove()


def test_pause_keeps_remaining_time(app, client, frozen):
    frozen.set("2026-03-10T09:00:00+08:00")
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    handler = ApiUser(client, "nj_cgj_handler")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    dispatcher.complete(number, "dispatch", {"unit_id": unit_id(app, "JS-NJ-城市管理局")})
    task_id = handler.open_task(number, "reply")
    handler.post(f"/tasks/{task_id}/claim")
    reply_before = {clock.kind: clock for clock in clocks_of(app, number)}["reply"]

    frozen.set("2026-03-10T10:00:00+08:00")
    paused = handler.post(f"/tasks/{task_id}/pause-clocks", json={"reason": "等待诉求人提供照片"})
    assert paused.status_code == 200
    kinds = {clock.kind: clock for clock in clocks_of(app, number)}
    assert kinds["reply"].status == "paused"
    assert kinds["reply"].spent_seconds == 3600
    assert kinds["overall"].status == "paused"
    assert handler.post(f"/tasks/{task_id}/pause-clocks", json={"reason": "再次暂停"}).status_code == 409

    # Two working days later the clock resumes with the 23 working hours it had left.
    frozen.set("2026-03-12T10:00:00+08:00")
    assert handler.post(f"/tasks/{task_id}/resume-clocks").status_code == 200
    reply_after = {clock.kind: clock for clock in clocks_of(app, number)}["reply"]
    assert reply_after.status == "running"
    assert reply_before.deadline_at == datetime.fromisoformat("2026-03-13T09:00:00+08:00")
    assert reply_after.deadline_at == datetime.fromisoformat("2026-03-17T09:00:00+08:00")

    assert ApiUser(client, "nj_scjgj_handler").post(f"/tasks/{task_id}/pause-clocks", json={"reason": "越权"}).status_code == 404
    history = [event["event"] for event in agent.get(f"/appeals/{number}").get_json()["history"]]
    # The reply clock, the return window and the overall clock; the claim clock stopped at claim.
    assert history.count("clock.paused") == 3
    assert history.count("clock.resumed") == 3


def test_deadline_command_rejects_unbounded_days(app):
    for days in ("inf", "1e400"):
        result = run(app, "sla", "deadline", "--start", "2026-02-13T10:00+08:00", "--days", days)
        assert result.exit_code == 2, days
        assert "Traceback" not in result.output


def test_between_command_formats_fractions(app):
    half = run(app, "sla", "between", "--start", "2026-03-10T10:00:30+08:00", "--end", "2026-03-10T10:01:00+08:00")
    assert half.output == "0.5\n"
    reversed_range = run(app, "sla", "between", "--start", "2026-03-10T11:00+08:00", "--end", "2026-03-10T10:00+08:00")
    assert reversed_range.exit_code == 2
    assert "before --start" in reversed_range.output


def test_paused_task_shows_time_left(app, client, frozen):
    frozen.set("2026-03-17T09:00:00+08:00")
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    handler = ApiUser(client, "nj_cgj_handler")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    dispatcher.complete(number, "dispatch", {"unit_id": unit_id(app, "JS-NJ-城市管理局")})
    task_id = handler.open_task(number, "reply")

    claimed = handler.post(f"/tasks/{task_id}/claim").get_json()
    assert claimed["clock"]["kind"] == "reply"
    assert claimed["due_at"] == "2026-03-20T01:00:00+00:00"

    assert handler.post(f"/tasks/{task_id}/pause-clocks", json={"reason": "   "}).status_code == 422
    frozen.set("2026-03-17T10:00:00+08:00")
    handler.post(f"/tasks/{task_id}/pause-clocks", json={"reason": "等待诉求人补充照片"})
    task = handler.get(f"/tasks/{task_id}").get_json()
    assert task["clock"]["kind"] == "reply"
    assert task["clock"]["remaining_working_minutes"] == 1350 - 60
