"""Extensions: requested before the reply deadline, approved or rejected by the dispatching unit."""

from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.sla.models import SlaClock
from app.sla.provider import calendar_for, windows_for_unit
from tests.helpers import ApiUser, appeal_body, table_counts, unit_id

GROUNDS = {"grounds": "需协调供电公司现场勘查，三日内无法完成。"}


def dispatched_to_cgj(app, client):
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    dispatcher.complete(number, "dispatch", {"unit_id": unit_id(app, "JS-NJ-城市管理局")})
    return number


def clocks_by_kind(app, number):
    from app.appeals.models import Appeal

    with app.app_context():
        rows = db.session.scalars(
            select(SlaClock).join(Appeal, Appeal.id == SlaClock.appeal_id).where(Appeal.number == number, SlaClock.status == "running")
        ).all()
        db.session.remove()
    return {clock.kind: clock for clock in rows}


def working_minutes(app, start, end):
    with app.app_context():
        minutes = calendar_for(windows_for_unit(None)).working_minutes_between(start, end)
        db.session.remove()
    return minutes


def test_friday_approval_moves_deadline_by_900_minutes(app, client, frozen):
    # Dispatched on Tuesday 16:00: the 3-day reply limit (1350 minutes) ends on Friday at 16:00.
    frozen.set("2026-03-10T16:00:00+08:00")
    number = dispatched_to_cgj(app, client)
    cgj, dispatcher = ApiUser(client, "nj_cgj_handler"), ApiUser(client, "nj_dispatcher")
    task_id = cgj.open_task(number, "reply")
    cgj.post(f"/tasks/{task_id}/claim")
    before = clocks_by_kind(app, number)
    assert before["reply"].deadline_at == datetime.fromisoformat("2026-03-13T16:00:00+08:00")

    frozen.set("2026-03-13T14:00:00+08:00")
    response = cgj.post(f"/tasks/{task_id}/extension", json=dict(GROUNDS, days=2))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == "pending"
    assert cgj.get(f"/tasks/{task_id}").get_json()["actions"]["pending_extension_id"] == response.get_json()["id"]

    review = dispatcher.get(f"/tasks/{dispatcher.open_task(number, 'extension_review')}").get_json()
    assert review["candidate_org_id"] == unit_id(app, "JS-NJ")
    assert review["context"]["extensions"][0]["days"] == "2"

    frozen.set("2026-03-13T15:30:00+08:00")
    dispatcher.complete(number, "extension_review", {"decision": "approve"})
    after = clocks_by_kind(app, number)
    assert after["reply"].deadline_at == datetime.fromisoformat("2026-03-17T16:00:00+08:00")
    assert working_minutes(app, before["reply"].deadline_at, after["reply"].deadline_at) == 900
    assert after["reply"].deadline_at - before["reply"].deadline_at == timedelta(days=4)
    assert working_minutes(app, before["overall"].deadline_at, after["overall"].deadline_at) == 900
    assert after["reply"].level == "green"

    task = cgj.get(f"/tasks/{task_id}").get_json()
    assert task["due_at"] == "2026-03-17T08:00:00+00:00"
    (extension,) = cgj.get(f"/appeals/{number}").get_json()["extensions"]
    assert extension["status"] == "approved"
    assert extension["new_deadline"] == "2026-03-17T08:00:00+00:00"

    # After the new deadline, a further request is refused.
    frozen.set("2026-03-17T16:01:00+08:00")
    counts = table_counts(app)
    response = cgj.post(f"/tasks/{task_id}/extension", json=dict(GROUNDS, days=1))
    assert response.status_code == 409
    assert response.get_json()["error"] == "extension_after_deadline"
    assert "before the deadline" in response.get_json()["message"]
    assert table_counts(app) == counts


def test_rejection_pending_and_withdrawal(app, client):
    number = dispatched_to_cgj(app, client)
    cgj, dispatcher = ApiUser(client, "nj_cgj_handler"), ApiUser(client, "nj_dispatcher")
    task_id = cgj.open_task(number, "reply")
    deadline_before = clocks_by_kind(app, number)["reply"].deadline_at

    assert cgj.post(f"/tasks/{task_id}/extension", json=dict(GROUNDS, days="1.5")).status_code == 201
    again = cgj.post(f"/tasks/{task_id}/extension", json=dict(GROUNDS, days=1))
    assert again.status_code == 409
    assert again.get_json()["error"] == "extension_pending"
    dispatcher.complete(number, "extension_review", {"decision": "reject", "reason": "现有时限足够办理。"})
    assert clocks_by_kind(app, number)["reply"].deadline_at == deadline_before

    # A second request is allowed once the first is decided; replying withdraws it.
    assert cgj.post(f"/tasks/{task_id}/extension", json=dict(GROUNDS, days=1)).status_code == 201
    cgj.complete(number, "reply", {"result": "已提前办结。", "outcome": "resolved"})
    appeal = cgj.get(f"/appeals/{number}").get_json()
    assert [item["status"] for item in appeal["extensions"]] == ["rejected", "withdrawn"]
    assert [task["status"] for task in appeal["tasks"] if task["name"] == "extension_review"] == ["completed", "cancelled"]
    assert appeal["status"] == "awaiting_review"


def test_invalid_extension_changes_nothing(app, client):
    number = dispatched_to_cgj(app, client)
    cgj = ApiUser(client, "nj_cgj_handler")
    task_id = cgj.open_task(number, "reply")
    counts = table_counts(app)
    for days in (0, -1, "abc", "1.25", 11, "NaN", None):
        response = cgj.post(f"/tasks/{task_id}/extension", json=dict(GROUNDS, days=days))
        assert response.status_code == 422, days
        assert "days" in response.get_json()["fields"], days
    response = cgj.post(f"/tasks/{task_id}/extension", json={"days": 1, "grounds": "短"})
    assert set(response.get_json()["fields"]) == {"grounds"}
    assert ApiUser(client, "nj_zjj_handler").post(f"/tasks/{task_id}/extension", json=dict(GROUNDS, days=1)).status_code == 404
    assert table_counts(app) == counts
