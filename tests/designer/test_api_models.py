"""Designer API: creating models, drafts, uploads, deploys, versions, diffs and rollbacks."""

import json

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from tests.designer.conftest import appeal_flow, designer_counts, fixture_text, new_process_id


def last_events(app, count=5):
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(count)).all()
        events = [(row.event, json.loads(row.detail)) for row in rows]
        db.session.remove()
    return events


def create(designer, process_id, name="测试流程"):
    response = designer.post("/designer/processes", json={"process_id": process_id, "name": name})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_create_blank_process(app, designer):
    process_id = new_process_id()
    body = create(designer, process_id, name='市民 "回访" <试点>')

    assert body["ok"] is True
    assert body["draft"]["process_id"] == process_id

    source = designer.get(f"/designer/processes/{process_id}/source").get_json()
    assert source["source"] == "draft"
    assert source["version"] is None
    assert list(source["files"]) == [f"{process_id}.bpmn"]
    assert 'name="市民 &quot;回访&quot; &lt;试点&gt;"' in source["files"][f"{process_id}.bpmn"]

    listed = {item["process_id"]: item for item in designer.get("/designer/processes").get_json()["processes"]}
    assert listed[process_id]["name"] == '市民 "回访" <试点>'
    assert listed[process_id]["active_version"] is None
    assert listed[process_id]["draft"]["updated_by"] == "designer"
    assert last_events(app, 1)[0][0] == "process.created"


def test_create_rejects_duplicates_and_bad_ids(app, designer):
    process_id = new_process_id()
    create(designer, process_id)

    assert designer.post("/designer/processes", json={"process_id": process_id, "name": "x"}).status_code == 409
    assert designer.post("/designer/processes", json={"process_id": "complaint", "name": "x"}).status_code == 409
    response = designer.post("/designer/processes", json={"process_id": "1 bad id", "name": "x"})
    assert response.status_code == 422
    assert "process_id" in response.get_json()["fields"]


def test_shipped_process_source_has_called_files(designer):
    source = designer.get("/designer/processes/complaint/source").get_json()

    assert source["source"] == "version"
    assert {"complaint.bpmn", "reprocessing.bpmn"} <= set(source["files"])
    assert {"dispatch.json", "reply.json", "callback.json", "judgment.json"} <= set(source["forms"])


def test_forms_listing_includes_draft_forms(designer):
    process_id = new_process_id()
    create(designer, process_id)
    schema = {"type": "object", "properties": {"note": {"type": "string", "maxLength": 100}}}
    files = {f"{process_id}.bpmn": appeal_flow(process_id).replace("reply.json", "reply_v2.json")}
    saved = designer.put(f"/designer/processes/{process_id}/draft", json={"files": files, "forms": {"reply_v2.json": schema}})
    assert saved.status_code == 200, saved.get_json()

    everywhere = designer.get("/designer/forms").get_json()["forms"]
    for_process = designer.get(f"/designer/forms?process_id={process_id}").get_json()["forms"]
    assert "reply.json" in everywhere
    assert "reply_v2.json" not in everywhere
    assert for_process["reply_v2.json"] == schema


def test_validate_stores_nothing(app, designer):
    process_id = new_process_id()
    create(designer, process_id)
    before = designer_counts(app)

    good = designer.post(f"/designer/processes/{process_id}/validate", json={"files": {"a.bpmn": appeal_flow(process_id)}})
    bad = designer.post(
        f"/designer/processes/{process_id}/validate",
        json={"files": {"a.bpmn": appeal_flow(process_id, close_script="import os")}},
    )

    assert good.status_code == 200
    assert good.get_json() == {"ok": True, "problems": [], "not_reached": []}
    assert bad.status_code == 422
    problem = bad.get_json()["problems"][0]
    assert problem["stage"] == "rules"
    assert problem["element_id"] == "close"
    assert problem["file"] == "a.bpmn"
    assert isinstance(problem["line"], int)
    assert designer_counts(app) == before


def test_problem_messages_translated(designer):
    process_id = new_process_id()
    create(designer, process_id)
    files = {"a.bpmn": appeal_flow(process_id).replace('name="handler"', 'name="department"')}

    chinese = designer.post(f"/designer/processes/{process_id}/validate", json={"files": files}).get_json()
    english = designer.post(f"/designer/processes/{process_id}/validate?lang=en", json={"files": files}).get_json()

    assert "不是角色代码" in chinese["problems"][0]["message"]
    assert "not a role code" in english["problems"][0]["message"]
    assert english["problems"][0]["message"].startswith("a.bpmn, line ")
    assert english["error"] == "process_invalid"


def test_invalid_body_rejected(designer):
    process_id = new_process_id()
    response = designer.put(f"/designer/processes/{process_id}/draft", json={"files": "not an object"})
    assert response.status_code == 422
    assert "files" in response.get_json()["fields"]

    response = designer.put(f"/designer/processes/{process_id}/draft", json={"files": {"../x.bpmn": "<a/>"}})
    assert response.status_code == 422
    assert response.get_json()["problems"][0]["code"] == "file_name_invalid"


def test_deploy_needs_draft(designer):
    assert designer.post("/designer/processes/complaint/versions", json={"note": "x"}).status_code == 409
    assert designer.post(f"/designer/processes/{new_process_id()}/versions", json={}).status_code == 409


def test_deploy_versions_diff_and_rollback(app, designer):
    process_id = new_process_id()
    create(designer, process_id)
    files = {f"{process_id}.bpmn": appeal_flow(process_id)}
    assert designer.put(f"/designer/processes/{process_id}/draft", json={"files": files, "forms": {}}).status_code == 200

    first = designer.post(f"/designer/processes/{process_id}/versions", json={"note": "第一版"})
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["version"]["version"] == 1
    assert first.get_json()["version"]["created_by"] == "designer"
    source = designer.get(f"/designer/processes/{process_id}/source").get_json()
    assert source["source"] == "version"
    assert source["forms"]["reply.json"]["title"] == "Reply"

    changed = appeal_flow(process_id, close_script='closure = "closed_" + callback["satisfaction"]')
    changed = changed.replace('<bpmn:userTask id="reply" name="Reply">', '<bpmn:userTask id="reply" name="Reply to citizen">')
    files = {f"{process_id}.bpmn": changed}
    assert designer.put(f"/designer/processes/{process_id}/draft", json={"files": files, "forms": {}}).status_code == 200
    second = designer.post(f"/designer/processes/{process_id}/versions", json={"note": "改结案脚本"})
    assert second.get_json()["version"]["version"] == 2

    versions = designer.get(f"/designer/processes/{process_id}/versions").get_json()["versions"]
    assert [(item["version"], item["active"], item["note"]) for item in versions] == [(2, True, "改结案脚本"), (1, False, "第一版")]
    detail = designer.get(f"/designer/processes/{process_id}/versions/1").get_json()
    assert detail["files"][f"{process_id}.bpmn"] == appeal_flow(process_id)
    assert designer.get(f"/designer/processes/{process_id}/versions/9").status_code == 404

    diff = designer.get(f"/designer/processes/{process_id}/diff?from=1&to=2").get_json()
    assert [item["name"] for item in diff["files"]] == [f"{process_id}.bpmn"]
    assert '+      <bpmn:script>closure = "closed_" + callback["satisfaction"]</bpmn:script>' in diff["files"][0]["diff"]
    assert diff["tasks"] == {"added": [], "removed": [], "changed": ["close", "reply"]}
    assert designer.get(f"/designer/processes/{process_id}/diff?from=1").status_code == 422

    rollback = designer.post(f"/designer/processes/{process_id}/versions/1/activate")
    assert rollback.status_code == 200
    assert rollback.get_json()["version"]["active"] is True
    event, detail = last_events(app, 1)[0]
    assert event == "process.rolled_back"
    assert (detail["version"], detail["previous_version"]) == (1, 2)

    before = designer_counts(app)
    assert designer.post(f"/designer/processes/{process_id}/versions/1/activate").status_code == 200
    assert designer_counts(app) == before

    assert designer.post(f"/designer/processes/{process_id}/versions/2/activate").status_code == 200
    assert last_events(app, 1)[0][0] == "process.activated"


def test_diff_names_added_and_removed_tasks(designer):
    process_id = new_process_id()
    create(designer, process_id)
    files = {f"{process_id}.bpmn": appeal_flow(process_id)}
    designer.put(f"/designer/processes/{process_id}/draft", json={"files": files})
    designer.post(f"/designer/processes/{process_id}/versions", json={"note": "v1"})

    without_reply = appeal_flow(process_id).replace('sourceRef="dispatch" targetRef="reply"', 'sourceRef="dispatch" targetRef="callback"')
    without_reply = without_reply.replace("<bpmn:flowNodeRef>reply</bpmn:flowNodeRef>", "")
    start, end = without_reply.index('<bpmn:userTask id="reply"'), without_reply.index('<bpmn:userTask id="callback"')
    without_reply = without_reply[:start] + without_reply[end:]
    without_reply = without_reply.replace('<bpmn:sequenceFlow id="flow_reply_to_callback" sourceRef="reply" targetRef="callback"/>', "")
    without_reply = without_reply.replace("<bpmn:incoming>flow_reply_to_callback</bpmn:incoming>", "<bpmn:incoming>flow_dispatch_to_reply</bpmn:incoming>")
    saved = designer.put(f"/designer/processes/{process_id}/draft", json={"files": {f"{process_id}.bpmn": without_reply}})
    assert saved.status_code == 200, saved.get_json()
    designer.post(f"/designer/processes/{process_id}/versions", json={"note": "v2"})

    tasks = designer.get(f"/designer/processes/{process_id}/diff?from=1&to=2").get_json()["tasks"]
    assert tasks["removed"] == ["reply"]
    assert tasks["added"] == []
    assert "dispatch" in tasks["changed"]


def test_form_change_makes_new_version(designer):
    process_id = new_process_id()
    create(designer, process_id)
    files = {f"{process_id}.bpmn": appeal_flow(process_id)}
    designer.put(f"/designer/processes/{process_id}/draft", json={"files": files})
    designer.post(f"/designer/processes/{process_id}/versions", json={})

    reply = designer.get(f"/designer/processes/{process_id}/source").get_json()["forms"]["reply.json"]
    reply["properties"]["result"]["minLength"] = 10
    designer.put(f"/designer/processes/{process_id}/draft", json={"files": files, "forms": {"reply.json": reply}})
    second = designer.post(f"/designer/processes/{process_id}/versions", json={})

    assert second.get_json()["version"]["version"] == 2
    diff = designer.get(f"/designer/processes/{process_id}/diff?from=1&to=2").get_json()
    assert [item["name"] for item in diff["files"]] == ["forms/reply.json"]
    assert designer.get(f"/designer/processes/{process_id}/versions/2").get_json()["forms"]["reply.json"]["properties"]["result"]["minLength"] == 10


def test_upload_merges_over_source(app, designer):
    process_id = new_process_id()
    create(designer, process_id)

    response = designer.upload(f"/designer/processes/{process_id}/upload", f"{process_id}.bpmn", appeal_flow(process_id))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["file"] == f"{process_id}.bpmn"
    source = designer.get(f"/designer/processes/{process_id}/source").get_json()
    assert source["files"][f"{process_id}.bpmn"] == appeal_flow(process_id)

    extra = fixture_text("camunda_flow.bpmn")
    response = designer.upload(f"/designer/processes/{process_id}/upload", "设计员/回访.bpmn", extra)
    assert response.status_code == 200, response.get_json()
    assert set(designer.get(f"/designer/processes/{process_id}/source").get_json()["files"]) == {f"{process_id}.bpmn", "回访.bpmn"}


def test_upload_without_file(designer):
    response = designer.client.post(f"/api/v1/designer/processes/{new_process_id()}/upload", headers=designer.headers)
    assert response.status_code == 422
    assert "file" in response.get_json()["fields"]


def test_upload_to_unknown_process(designer):
    response = designer.upload(f"/designer/processes/{new_process_id()}/upload", "a.bpmn", fixture_text("camunda_flow.bpmn"))
    assert response.status_code == 404
