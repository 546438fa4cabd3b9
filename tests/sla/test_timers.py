"""The callback timeout in the shipped diagrams fires within one scheduler tick of its due time."""

import time

from sqlalchemy import select

from app import create_app
from app.appeals.models import Appeal
from app.extensions import db
from app.processes.models import WorkflowInstance
from tests.helpers import ApiUser, appeal_body, unit_id

TICK_SECONDS = 1


def test_callback_timeout_fires_within_one_tick(app, client, database_url, monkeypatch):
    monkeypatch.setitem(app.config, "CALLBACK_TIMEOUT", "PT2S")
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    handler = ApiUser(client, "nj_cgj_handler")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    dispatcher.complete(number, "dispatch", {"unit_id": unit_id(app, "JS-NJ-城市管理局")})
    handler.complete(number, "reply", {"result": "已整改完毕。", "outcome": "resolved"}, claim=True)
    dispatcher.complete(number, "review", {"decision": "accept"})

    with app.app_context():
        appeal_id = db.session.scalar(select(Appeal.id).where(Appeal.number == number))
        due = db.session.scalar(select(WorkflowInstance.next_timer_due).where(WorkflowInstance.appeal_id == appeal_id))
        db.session.remove()
    assert due is not None

    scheduler_app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x", "SCHEDULER_ENABLED": True, "TIMER_INTERVAL_SECONDS": TICK_SECONDS}
    )
    scheduler = scheduler_app.extensions["hotline.scheduler"]
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            appeal = agent.get(f"/appeals/{number}").get_json()
            if appeal["status"] == "archived":
                break
            time.sleep(0.1)
    finally:
        scheduler.shutdown(wait=True)

    assert appeal["status"] == "archived"
    assert appeal["closure"] == "callback_unreachable"
    fired = [event for event in appeal["history"] if event["event"] == "timer.fired"]
    assert len(fired) == 1
    from datetime import datetime

    fired_at = datetime.fromisoformat(fired[0]["created_at"])
    assert (fired_at - due).total_seconds() <= TICK_SECONDS + 0.5
    callback = [task for task in appeal["tasks"] if task["name"] == "callback"][0]
    assert callback["status"] == "cancelled"
