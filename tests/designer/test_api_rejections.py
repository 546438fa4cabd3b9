"""Uploads that the designer rejects with a clear problem, storing nothing; modeler exports that deploy."""

import pytest

from app.engine.xml_guard import MAX_ELEMENTS
from tests.designer.conftest import appeal_flow, designer_counts, fixture_text, new_process_id

HOSTILE_UPLOADS = {
    "doctype with entities": (
        lambda pid: '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n'
        + appeal_flow(pid).split("\n", 1)[1].replace('name="Dispatch"', 'name="&lol2;"'),
        ("xml", "doctype", "DOCTYPE"),
    ),
    "external entity": (
        lambda pid: '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n<d>&secret;</d>',
        ("xml", "doctype", "DOCTYPE"),
    ),
    "not xml": (lambda pid: "流程：派单 -> 答复 -> 回访\n", ("xml", "xml_malformed", "XML")),
    "xml that is not bpmn": (
        lambda pid: '<?xml version="1.0"?>\n<workflow><step name="dispatch"/></workflow>\n',
        ("parse", "not_bpmn", "workflow"),
    ),
    "20000 tasks": (
        lambda pid: appeal_flow(pid).replace(
            '<bpmn:startEvent id="start">',
            "".join(f'<bpmn:task id="t{index}"/>' for index in range(20_000)) + '<bpmn:startEvent id="start">',
        ),
        ("xml", "too_many_elements", str(MAX_ELEMENTS)),
    ),
    "script imports": (lambda pid: appeal_flow(pid, close_script="import subprocess"), ("rules", "script_rejected", "Import")),
    "script reaches __class__": (
        lambda pid: appeal_flow(pid, close_script="closure = callback.__class__"),
        ("rules", "script_rejected", "__class__"),
    ),
    "condition imports": (
        lambda pid: fixture_text("bpmn_js_flow.bpmn")
        .replace("designer_bpmnjs", pid)
        .replace('Activity_1r7b5kz["outcome"] == "unresolved"', '__import__("os").system("id") == 0'),
        ("rules", "condition_rejected", "_"),
    ),
    "script loops forever": (
        lambda pid: appeal_flow(pid, close_script="while True:\n    closure = 1"),
        ("dry_run", "dry_run_timeout", "0.25"),
    ),
    "script loops forever on one line": (
        lambda pid: appeal_flow(pid, close_script="while True: pass"),
        ("dry_run", "dry_run_timeout", "0.25"),
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_UPLOADS))
def test_hostile_upload_rejected(app, designer, case):
    build, (stage, code, mentioned) = HOSTILE_UPLOADS[case]
    process_id = new_process_id()
    created = designer.post("/designer/processes", json={"process_id": process_id, "name": case})
    assert created.status_code == 201
    before = designer_counts(app)

    response = designer.upload(f"/designer/processes/{process_id}/upload", f"{process_id}.bpmn", build(process_id))

    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["ok"] is False
    assert body["error"] == "process_invalid"
    problem = body["problems"][0]
    assert (problem["stage"], problem["code"]) == (stage, code)
    assert problem["file"] == f"{process_id}.bpmn"
    assert mentioned in problem["message"]
    assert designer_counts(app) == before


def test_binary_upload_rejected(app, designer):
    process_id = new_process_id()
    designer.post("/designer/processes", json={"process_id": process_id, "name": "binary"})
    before = designer_counts(app)

    response = designer.upload(f"/designer/processes/{process_id}/upload", "diagram.bpmn", b"\x89PNG\r\n\x1a\n\x00\xff\xfe")

    assert response.status_code == 422
    assert response.get_json()["problems"][0]["code"] == "file_not_utf8"
    assert designer_counts(app) == before


def test_oversized_request_rejected(app, designer):
    process_id = new_process_id()
    designer.post("/designer/processes", json={"process_id": process_id, "name": "large"})
    before = designer_counts(app)

    response = designer.upload(f"/designer/processes/{process_id}/upload", "large.bpmn", "<a>" + "x" * (1024 * 1024) + "</a>")

    assert response.status_code == 413
    assert "1 MiB" in response.get_json()["message"]
    assert designer_counts(app) == before


@pytest.mark.parametrize(
    ("fixture", "process_id"),
    [("bpmn_js_flow.bpmn", "designer_bpmnjs"), ("camunda_flow.bpmn", "designer_camunda")],
)
def test_modeler_export_deploys(app, designer, fixture, process_id):
    new_id = new_process_id(process_id)
    text = fixture_text(fixture).replace(process_id, new_id)
    designer.post("/designer/processes", json={"process_id": new_id, "name": fixture})

    uploaded = designer.upload(f"/designer/processes/{new_id}/upload", f"{new_id}.bpmn", text)
    assert uploaded.status_code == 200, uploaded.get_json()
    deployed = designer.post(f"/designer/processes/{new_id}/versions", json={"note": fixture})

    assert deployed.status_code == 201, deployed.get_json()
    version = designer.get(f"/designer/processes/{new_id}/versions/1").get_json()
    assert 'exporter="' in version["files"][f"{new_id}.bpmn"]


def test_unsupported_elements_named(app, designer):
    process_id = new_process_id()
    designer.post("/designer/processes", json={"process_id": process_id, "name": "unsupported"})
    before = designer_counts(app)
    text = fixture_text("unsupported.bpmn").replace("designer_unsupported", process_id)

    response = designer.upload(f"/designer/processes/{process_id}/upload", "unsupported.bpmn", text)

    assert response.status_code == 422
    named = {(problem["element_id"], problem["code"]) for problem in response.get_json()["problems"]}
    assert named == {
        ("Gateway_complex", "unsupported_element"),
        ("Activity_transaction", "unsupported_element"),
        ("Choreography_1", "unsupported_element"),
    }
    messages = " ".join(problem["message"] for problem in response.get_json()["problems"])
    for tag in ("complexGateway", "transaction", "choreography"):
        assert tag in messages
    assert designer_counts(app) == before


def test_deploy_revalidates_draft(app, designer, monkeypatch):
    process_id = new_process_id()
    designer.post("/designer/processes", json={"process_id": process_id, "name": "revalidated"})
    designer.put(f"/designer/processes/{process_id}/draft", json={"files": {"a.bpmn": appeal_flow(process_id)}})
    # The lanes' roles are no longer known by the time of the deploy.
    monkeypatch.setattr("app.designer.services.LANE_ROLES", frozenset({"agent"}))
    before = designer_counts(app)

    response = designer.post(f"/designer/processes/{process_id}/versions", json={"note": "x"})

    assert response.status_code == 422
    assert {problem["code"] for problem in response.get_json()["problems"]} == {"lane_role_unknown"}
    assert designer_counts(app) == before
