"""Versions at work: appeals finish on the version they started on, and migrate when it is safe."""

import json

from sqlalchemy import select

from app.appeals.models import Appeal
from app.audit.models import AuditEvent
from app.extensions import db
from app.processes.models import ProcessVersion, WorkflowInstance
from app.tasks.models import HumanTask
from tests.designer.conftest import appeal_flow, deploy, designer_counts, new_process_id
from tests.helpers import appeal_body, unit_id

REPLY = {"result": "已清理占道经营摊点。", "outcome": "resolved"}
CALLBACK = {"satisfaction": "satisfied", "resolved": True}


def register(app, agent, urgency="normal"):
    response = agent.post("/appeals", json=appeal_body(app, appeal_type="suggestion", urgency=urgency))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["number"]


def appeal_row(app, number):
    with app.app_context():
        appeal = db.session.scalar(select(Appeal).where(Appeal.number == number))
        version = db.session.execute(
            select(ProcessVersion.process_id, ProcessVersion.version)
            .join(WorkflowInstance, WorkflowInstance.process_version_id == ProcessVersion.id)
            .where(WorkflowInstance.appeal_id == appeal.id)
        ).one()
        db.session.remove()
    return appeal, tuple(version)


def dispatch(app, staff, number):
    staff["dispatcher"].complete(number, "dispatch", {"unit_id": unit_id(app, "JS-NJ-城市管理局")})


def without_reply(process_id):
    """Return the appeal flow without its reply task: dispatch leads straight to the callback."""
    text = appeal_flow(process_id)
    start, end = text.index('<bpmn:userTask id="reply"'), text.index('<bpmn:userTask id="callback"')
    text = text[:start] + text[end:]
    text = text.replace('sourceRef="dispatch" targetRef="reply"', 'sourceRef="dispatch" targetRef="callback"')
    text = text.replace('<bpmn:sequenceFlow id="flow_reply_to_callback" sourceRef="reply" targetRef="callback"/>', "")
    text = text.replace("<bpmn:incoming>flow_reply_to_callback</bpmn:incoming>", "<bpmn:incoming>flow_dispatch_to_reply</bpmn:incoming>")
    return text.replace("<bpmn:flowNodeRef>reply</bpmn:flowNodeRef>", "")


def test_running_appeal_keeps_its_version_and_forms(app, designer, staff, route_suggestions):
    process_id = new_process_id()
    deploy(designer, process_id, appeal_flow(process_id), note="v1")
    route_suggestions(process_id)
    old = register(app, staff["agent"])

    # Version 2 closes differently, and its new reply form requires the measures taken.
    reply_v2 = designer.get("/designer/forms").get_json()["forms"]["reply.json"]
    reply_v2["properties"]["measures"] = {"type": "string", "minLength": 2, "maxLength": 500}
    reply_v2["required"] = ["result", "outcome", "measures"]
    text = appeal_flow(process_id, close_script='closure = "v2_" + callback["satisfaction"]').replace("reply.json", "reply_v2.json")
    assert deploy(designer, process_id, text, forms={"reply_v2.json": reply_v2}, note="v2") == 2
    new = register(app, staff["agent"])

    assert appeal_row(app, old)[1] == (process_id, 1)
    assert appeal_row(app, new)[1] == (process_id, 2)

    for number in (old, new):
        dispatch(app, staff, number)
    staff["handler"].complete(old, "reply", REPLY, claim=True)
    new_reply = staff["handler"].open_task(new, "reply")
    task = staff["handler"].get(f"/tasks/{new_reply}").get_json()
    assert "measures" in task["form_schema"]["properties"]
    missing = staff["handler"].post(f"/tasks/{new_reply}/complete", json={"data": REPLY})
    assert missing.status_code == 422
    assert "measures" in missing.get_json()["fields"]
    staff["handler"].complete(new, "reply", dict(REPLY, measures="已约谈摊主。"), claim=True)
    for number in (old, new):
        staff["agent"].complete(number, "callback", CALLBACK)

    old_appeal, new_appeal = appeal_row(app, old)[0], appeal_row(app, new)[0]
    assert (old_appeal.status, old_appeal.closure) == ("archived", "satisfied")
    assert (new_appeal.status, new_appeal.closure) == ("archived", "v2_satisfied")


def test_migration_safe_and_unsafe(app, designer, staff, route_suggestions):
    process_id = new_process_id()
    deploy(designer, process_id, appeal_flow(process_id))
    route_suggestions(process_id)
    at_dispatch = register(app, staff["agent"])
    at_reply = register(app, staff["agent"])
    dispatch(app, staff, at_reply)
    deploy(designer, process_id, without_reply(process_id), note="no reply step")

    listed = designer.get(f"/designer/processes/{process_id}/versions/2/migration").get_json()["appeals"]
    by_number = {item["number"]: item for item in listed}
    assert set(by_number) == {at_dispatch, at_reply}
    assert by_number[at_dispatch]["safe"] is True
    assert by_number[at_dispatch]["waiting_at"] == ["dispatch"]
    assert by_number[at_dispatch]["from_version"] == 1
    assert by_number[at_reply]["safe"] is False
    assert by_number[at_reply]["waiting_at"] == ["reply"]
    assert "reply" in by_number[at_reply]["reason"]

    ids = [by_number[at_dispatch]["appeal_id"], by_number[at_reply]["appeal_id"]]
    before = designer_counts(app)
    response = designer.post(f"/designer/processes/{process_id}/versions/2/migration", json={"appeal_ids": ids})

    assert response.status_code == 200
    body = response.get_json()
    assert body["migrated"] == [ids[0]]
    assert [item["appeal_id"] for item in body["refused"]] == [ids[1]]
    assert "reply" in body["refused"][0]["reason"]
    after = designer_counts(app)
    assert after["audit_event"] == before["audit_event"] + 1
    assert after["human_task"] == before["human_task"]

    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.appeal_id == ids[0]).order_by(AuditEvent.id.desc())).first()
        assert event.event == "appeal.migrated"
        assert json.loads(event.detail)["to_version"] == 2
        open_tasks = db.session.scalars(select(HumanTask.name).where(HumanTask.appeal_id == ids[0], HumanTask.status == "open")).all()
        db.session.remove()
    assert open_tasks == ["dispatch"]
    assert appeal_row(app, at_dispatch)[1] == (process_id, 2)
    assert appeal_row(app, at_reply)[1] == (process_id, 1)

    # The migrated appeal now goes from dispatch straight to the callback; the other keeps its reply.
    dispatch(app, staff, at_dispatch)
    staff["agent"].complete(at_dispatch, "callback", CALLBACK)
    staff["handler"].complete(at_reply, "reply", REPLY, claim=True)
    staff["agent"].complete(at_reply, "callback", CALLBACK)
    assert appeal_row(app, at_dispatch)[0].status == "archived"
    assert appeal_row(app, at_reply)[0].status == "archived"


def test_migration_rejects_bad_requests(app, designer, staff, route_suggestions):
    process_id = new_process_id()
    deploy(designer, process_id, appeal_flow(process_id))
    route_suggestions(process_id)
    number = register(app, staff["agent"])
    appeal_id = appeal_row(app, number)[0].id

    assert designer.post(f"/designer/processes/{process_id}/versions/1/migration", json={"appeal_ids": "all"}).status_code == 422
    assert designer.post(f"/designer/processes/{process_id}/versions/7/migration", json={"appeal_ids": [appeal_id]}).status_code == 404
    # Already on version 1: nothing to move.
    same = designer.post(f"/designer/processes/{process_id}/versions/1/migration", json={"appeal_ids": [appeal_id]}).get_json()
    assert same["migrated"] == []
    assert same["refused"][0]["appeal_id"] == appeal_id


def test_sample_start_data_matches_intake(app, staff):
    from app.designer.services import sample_start_data
    from app.processes import services as processes

    number = staff["agent"].post("/appeals", json=appeal_body(app)).get_json()["number"]
    with app.app_context():
        appeal = db.session.scalar(select(Appeal).where(Appeal.number == number))
        instance = db.session.scalar(select(WorkflowInstance).where(WorkflowInstance.appeal_id == appeal.id))
        workflow = processes.load_workflow(instance)
        sample = sample_start_data()
        db.session.remove()
    assert set(sample) == set(workflow.task_tree.data)
