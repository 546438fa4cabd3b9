"""Migrating an appeal that waits inside the handling call activity: it continues on the new path."""

import os

from app.engine import runner
from app.engine.migration import migrate
from app.engine.specs import bundle_for, parse_bundle

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
START = {"centre_id": 1, "max_returns": 2, "callback_timeout": "P3D", "max_reprocessing_rounds": 2, "reprocessing_round": 0}
EXTRA_TASK = (
    '<bpmn:sequenceFlow id="flow_handling_to_callback" sourceRef="handling" targetRef="extra"/>'
    '<bpmn:userTask id="extra" name="Extra check"><bpmn:incoming>flow_handling_to_callback</bpmn:incoming>'
    "<bpmn:outgoing>flow_extra_to_callback</bpmn:outgoing></bpmn:userTask>"
    '<bpmn:sequenceFlow id="flow_extra_to_callback" sourceRef="extra" targetRef="callback"/>'
)


def shipped_documents():
    folder = os.path.join(ROOT, "bpmn")
    documents = {}
    for name in os.listdir(folder):
        with open(os.path.join(folder, name), "rb") as handle:
            documents[name] = handle.read()
    return documents


def with_extra_task(documents):
    text = documents["complaint.bpmn"].decode("utf-8")
    flow = '<bpmn:sequenceFlow id="flow_handling_to_callback" sourceRef="handling" targetRef="callback"/>'
    incoming = "<bpmn:incoming>flow_handling_to_callback</bpmn:incoming>\n      <bpmn:outgoing>flow_callback_to_callback_gateway</bpmn:outgoing>"
    assert flow in text
    assert incoming in text
    text = text.replace(flow, EXTRA_TASK).replace(incoming, incoming.replace("flow_handling_to_callback", "flow_extra_to_callback"))
    return dict(documents, **{"complaint.bpmn": text.encode("utf-8")})


def complete(workflow, name, data):
    (task,) = [task for task in runner.ready_user_tasks(workflow) if task.task_spec.bpmn_id == name]
    runner.complete_user_task(workflow, str(task.id), data)
    return sorted(task.task_spec.bpmn_id for task in runner.ready_user_tasks(workflow))


def test_appeal_in_call_takes_new_task():
    documents = shipped_documents()
    old = parse_bundle(bundle_for(documents, "complaint"), "complaint")
    new_documents = with_extra_task(documents)
    new = parse_bundle(bundle_for(new_documents, "complaint"), "complaint")

    workflow = runner.start_workflow(old.spec, old.subprocess_specs, START)
    complete(workflow, "dispatch", {"unit_id": 3, "unit_kind": "department"})
    assert complete(workflow, "reply", {"result": "已处理", "outcome": "resolved"}) == ["review"]

    migrated = migrate(workflow, new.spec, new.subprocess_specs, new.content_hash, runner.SCRIPT_ENGINE)
    assert complete(migrated, "review", {"decision": "accept"}) == ["extra"]
    assert complete(migrated, "extra", {}) == ["callback"]
    assert complete(migrated, "callback", {"satisfaction": "satisfied"}) == []
    assert migrated.is_completed()
