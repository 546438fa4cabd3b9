"""Returns: the dispatcher accepts one and dispatches again, rejects the next, a supervisor decides the third."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.handling.models import ReturnRequest
from tests.api.test_routing import add_rule, clear_rules
from tests.helpers import ApiUser, appeal_body, table_counts, unit_id

REASON = {"reason_code": "not_our_duty", "reason_text": "占道经营不属于本局职责，应由城管部门处理。"}


@pytest.fixture()
def xuanwu_rules(app):
    """Two rules for 玄武区: complaints about 0101 go to the city management bureau, anything else to housing."""
    add_rule(app, "0101", "JS-NJ-玄武区", "JS-NJ-城市管理局")
    add_rule(app, "", "JS-NJ-玄武区", "JS-NJ-住房和城乡建设局")
    yield
    clear_rules(app)


def return_count(app):
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(ReturnRequest))
        db.session.remove()
        return count


def test_accept_reject_then_supervisor(app, client, xuanwu_rules):
    agent, dispatcher, supervisor = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher"), ApiUser(client, "nj_supervisor")
    cgj, zjj, scjgj = ApiUser(client, "nj_cgj_handler"), ApiUser(client, "nj_zjj_handler"), ApiUser(client, "nj_scjgj_handler")
    number = agent.post("/appeals", json=appeal_body(app, region_id=unit_id(app, "JS-NJ-玄武区"))).get_json()["number"]
    dispatcher.complete(number, "dispatch", {"unit_id": unit_id(app, "JS-NJ-城市管理局")})

    # First return: the dispatcher accepts and dispatches again to the next suggestion.
    reply_task = cgj.open_task(number, "reply")
    assert cgj.get(f"/tasks/{reply_task}").get_json()["actions"]["can_return"] is True
    response = cgj.post(f"/tasks/{reply_task}/return", json=REASON)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "pending"
    assert agent.get(f"/appeals/{number}").get_json()["status"] == "awaiting_return_review"
    assert cgj.get(f"/tasks/{reply_task}").get_json()["status"] == "returned"

    review = dispatcher.get(f"/tasks/{dispatcher.open_task(number, 'return_review')}").get_json()
    assert review["candidate_org_id"] == unit_id(app, "JS-NJ")
    assert review["context"]["returns"][0]["reason_text"] == REASON["reason_text"]
    assert review["suggestion"]["unit_id"] == unit_id(app, "JS-NJ-住房和城乡建设局")
    same_unit = dispatcher.post(f"/tasks/{review['id']}/complete", json={"data": {"decision": "accept", "unit_id": unit_id(app, "JS-NJ-城市管理局")}})
    assert same_unit.status_code == 422
    assert "reject the return" in same_unit.get_json()["fields"]["unit_id"]
    dispatcher.complete(number, "return_review", {"decision": "accept", "unit_id": review["suggestion"]["unit_id"]})

    # Second return: rejected with a reason, so the same department must handle it.
    reply_task = zjj.open_task(number, "reply")
    assert zjj.post(f"/tasks/{reply_task}/return", json=dict(REASON, reason_code="not_our_area")).status_code == 200
    dispatcher.complete(number, "return_review", {"decision": "reject", "reason": "涉及小区公共部位，属住建部门职责。"})
    reply = zjj.get(f"/tasks/{zjj.open_task(number, 'reply')}").get_json()
    assert reply["candidate_org_id"] == unit_id(app, "JS-NJ-住房和城乡建设局")
    assert reply["context"]["returns"][-1]["status"] == "rejected"
    assert reply["context"]["returns"][-1]["decision_reason"] == "涉及小区公共部位，属住建部门职责。"

    # Third return: past MAX_RETURNS (2), a supervisor names the handling unit.
    assert zjj.post(f"/tasks/{reply['id']}/return", json=REASON).status_code == 200
    appeal = agent.get(f"/appeals/{number}").get_json()
    assert appeal["status"] == "awaiting_owner_decision"
    assert [task["name"] for task in appeal["tasks"] if task["status"] == "open"] == ["decide_owner"]
    supervisor.complete(number, "decide_owner", {"unit_id": unit_id(app, "JS-NJ-市场监督管理局"), "note": "经协调由市场监管局牵头办理。"})

    scjgj.complete(number, "reply", {"result": "已联合执法，商户已整改。", "outcome": "resolved"}, claim=True)
    dispatcher.complete(number, "review", {"decision": "accept"})
    agent.complete(number, "callback", {"satisfaction": "satisfied", "resolved": True})

    appeal = agent.get(f"/appeals/{number}").get_json()
    assert appeal["status"] == "archived"
    assert [item["status"] for item in appeal["returns"]] == ["accepted", "rejected", "escalated"]
    assert appeal["returns"][2]["new_unit_id"] == unit_id(app, "JS-NJ-市场监督管理局")
    hops = [(hop["kind"], hop["to_unit"]) for hop in appeal["dispatch_path"]]
    assert hops == [
        ("dispatch", "南京市城市管理局"),
        ("redispatch", "南京市住房和城乡建设局"),
        ("owner_decision", "南京市市场监督管理局"),
    ]


def test_bad_return_changes_nothing(app, client):
    agent, dispatcher, cgj = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher"), ApiUser(client, "nj_cgj_handler")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    dispatcher.complete(number, "dispatch", {"unit_id": unit_id(app, "JS-NJ-城市管理局")})
    task_id = cgj.open_task(number, "reply")
    before, returns_before = table_counts(app), return_count(app)

    response = cgj.post(f"/tasks/{task_id}/return", json={"reason_code": "because", "reason_text": " "})
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {"reason_code", "reason_text"}
    assert cgj.post(f"/tasks/{task_id}/return", json={"reason_code": "other"}).status_code == 422

    sibling = ApiUser(client, "nj_zjj_handler")
    assert sibling.post(f"/tasks/{task_id}/return", json=REASON).status_code == 404
    agent_response = agent.post(f"/tasks/{task_id}/return", json=REASON)
    assert agent_response.status_code in (403, 404)

    cgj.post(f"/tasks/{task_id}/claim")
    other_handler = ApiUser(client, "nj_cgj_handler2")
    assert other_handler.post(f"/tasks/{task_id}/return", json=REASON).status_code == 409
    cgj.post(f"/tasks/{task_id}/release")
    assert table_counts(app)["workflow_instance"] == before["workflow_instance"]
    assert return_count(app) == returns_before


def test_return_window_closes(app, client, frozen):
    frozen.set("2026-03-09T09:00:00+08:00")
    agent, dispatcher, cgj = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher"), ApiUser(client, "nj_cgj_handler")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    dispatcher.complete(number, "dispatch", {"unit_id": unit_id(app, "JS-NJ-城市管理局")})
    task_id = cgj.open_task(number, "reply")
    assert cgj.get(f"/tasks/{task_id}").get_json()["actions"]["return_deadline"] == "2026-03-10T01:00:00+00:00"

    # One working day (450 minutes) from Monday 09:00 ends on Tuesday 09:00.
    frozen.set("2026-03-10T09:01:00+08:00")
    before, returns_before = table_counts(app), return_count(app)
    response = cgj.post(f"/tasks/{task_id}/return", json=REASON)
    assert response.status_code == 409
    assert response.get_json()["error"] == "return_window_closed"
    assert "request an extension" in response.get_json()["message"]
    assert cgj.get(f"/tasks/{task_id}").get_json()["actions"]["can_return"] is False
    assert table_counts(app) == before
    assert return_count(app) == returns_before


def test_assisting_department_cannot_return(app, client):
    agent, dispatcher, zjj = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher"), ApiUser(client, "nj_zjj_handler")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    dispatcher.complete(
        number,
        "dispatch",
        {"unit_id": unit_id(app, "JS-NJ-城市管理局"), "assisting_unit_ids": [unit_id(app, "JS-NJ-住房和城乡建设局")]},
    )
    task_id = zjj.open_task(number, "assist_reply", unit_id(app, "JS-NJ-住房和城乡建设局"))
    response = zjj.post(f"/tasks/{task_id}/return", json=REASON)
    assert response.status_code == 409
    assert response.get_json()["error"] == "not_returnable"
