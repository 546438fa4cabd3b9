"""The SLA sweep: one urging notice and one supervision task per clock, however often it runs."""

import os
import subprocess
import sys
from datetime import timedelta

from sqlalchemy import func, select, update

from app.core.db import utcnow
from app.extensions import db
from app.sla.models import SlaAlert, SlaClock
from app.sla.sweep import next_delivery, sweep
from app.tasks.models import HumanTask
from tests.helpers import ApiUser, appeal_body
from tests.sla.test_clocks import clocks_of

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def alerts_of(app, clock_id):
    with app.app_context():
        rows = db.session.execute(select(SlaAlert.level, SlaAlert.recipient_org_id).where(SlaAlert.clock_id == clock_id).order_by(SlaAlert.id)).all()
        db.session.remove()
        return rows


def supervise_tasks(app, appeal_id):
    with app.app_context():
        rows = db.session.execute(
            select(HumanTask.id, HumanTask.role, HumanTask.status).where(HumanTask.appeal_id == appeal_id, HumanTask.name == "supervise")
        ).all()
        db.session.remove()
        return rows


def run_sweep(app, now):
    with app.app_context():
        totals = sweep(now=now)
        db.session.remove()
        return totals


def test_yellow_then_red_once(app, client, frozen):
    frozen.set("2026-03-04T09:00:00+08:00")
    agent = ApiUser(client, "nj_agent")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    (clock,) = clocks_of(app, number, kinds=("overall",))

    # Other tests' clocks share the database, so each check looks at this appeal's clock only.
    run_sweep(app, clock.yellow_at - timedelta(seconds=1))
    assert alerts_of(app, clock.id) == []
    run_sweep(app, clock.yellow_at + timedelta(minutes=1))
    run_sweep(app, clock.yellow_at + timedelta(minutes=2))
    assert [level for level, _ in alerts_of(app, clock.id)] == ["yellow"]
    assert clocks_of(app, number, kinds=("overall",))[0].level == "yellow"

    after_deadline = clock.deadline_at + timedelta(minutes=1)
    run_sweep(app, after_deadline)
    run_sweep(app, after_deadline + timedelta(hours=1))
    assert [level for level, _ in alerts_of(app, clock.id)] == ["yellow", "red"]
    assert clocks_of(app, number, kinds=("overall",))[0].level == "red"
    assert clocks_of(app, number, kinds=("overall",))[0].next_check_at is None
    # The dispatch clock (0.5 day) is overdue by then as well, so each clock has its own supervision task.
    tasks = supervise_tasks(app, clock.appeal_id)
    assert [(role, status) for _, role, status in tasks] == [("supervisor", "open"), ("supervisor", "open")]

    supervisor = ApiUser(client, "nj_supervisor")
    response = supervisor.post(f"/tasks/{tasks[0][0]}/complete", json={"data": {"action": "urged_department", "note": "已督促限期办结"}})
    assert response.status_code == 200
    history = [event["event"] for event in agent.get(f"/appeals/{number}").get_json()["history"]]
    assert history.count("clock.urged") == 2
    assert history.count("clock.supervised") == 2
    assert agent.get(f"/appeals/{number}").get_json()["status"] == "awaiting_dispatch"


def test_notice_outside_hours_waits_for_window(app):
    from datetime import datetime

    saturday_night = datetime.fromisoformat("2026-03-07T22:00:00+08:00")
    with app.app_context():
        assert next_delivery(saturday_night, "normal", None) == datetime.fromisoformat("2026-03-09T08:30:00+08:00")
        assert next_delivery(saturday_night, "urgent", None) == saturday_night
        tuesday_morning = datetime.fromisoformat("2026-03-10T09:15:00+08:00")
        assert next_delivery(tuesday_morning, "normal", None) == tuesday_morning


def _make_clocks_overdue(app, numbers):
    from app.appeals.models import Appeal

    past = utcnow() - timedelta(hours=1)
    with app.app_context():
        ids = db.session.scalars(select(Appeal.id).where(Appeal.number.in_(numbers))).all()
        db.session.execute(
            update(SlaClock)
            .where(SlaClock.appeal_id.in_(ids), SlaClock.kind == "overall")
            .values(yellow_at=past, deadline_at=past, next_check_at=past, level="green")
        )
        db.session.commit()
        db.session.remove()
    return ids


def test_three_sweepers_write_each_alert_once(app, client, database_url):
    agent = ApiUser(client, "nj_agent")
    numbers = [agent.post("/appeals", json=appeal_body(app)).get_json()["number"] for _ in range(25)]
    appeal_ids = _make_clocks_overdue(app, numbers)

    env = dict(os.environ, DATABASE_URL=database_url, HOTLINE_SECRET_KEY="test-secret-key", FLASK_APP="wsgi")
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    processes = [subprocess.Popen([flask, "sla", "sweep"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], outputs

    with app.app_context():
        alert_count = db.session.scalar(select(func.count()).select_from(SlaAlert).where(SlaAlert.appeal_id.in_(appeal_ids)))
        unsent = db.session.scalar(select(func.count()).select_from(SlaAlert).where(SlaAlert.appeal_id.in_(appeal_ids), SlaAlert.message_sent.is_(False)))
        supervise = db.session.scalar(
            select(func.count()).select_from(HumanTask).where(HumanTask.appeal_id.in_(appeal_ids), HumanTask.name == "supervise")
        )
        db.session.remove()
    assert alert_count == 50
    assert unsent == 0
    assert supervise == 25

    # A fourth sweep finds nothing left to do for these appeals.
    run_sweep(app, utcnow())
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SlaAlert).where(SlaAlert.appeal_id.in_(appeal_ids))) == 50
        db.session.remove()
