"""Only designers and admins use the designer API, only admins the error queue; browser calls need the CSRF header."""

import re

import pytest

from tests.designer.conftest import DesignerApi, appeal_flow, designer_counts, new_process_id

PROCESS = "complaint"
BODY = {"files": {"complaint.bpmn": "<a/>"}, "forms": {}}
DESIGNER_ENDPOINTS = [
    ("get", "/designer/processes", None),
    ("post", "/designer/processes", {"process_id": "sneaky_process", "name": "x"}),
    ("get", f"/designer/processes/{PROCESS}/source", None),
    ("get", "/designer/forms", None),
    ("post", "/designer/forms/check", {"schema": {"type": "object"}}),
    ("post", f"/designer/processes/{PROCESS}/validate", BODY),
    ("put", f"/designer/processes/{PROCESS}/draft", BODY),
    ("upload", f"/designer/processes/{PROCESS}/upload", None),
    ("post", f"/designer/processes/{PROCESS}/versions", {"note": "x"}),
    ("get", f"/designer/processes/{PROCESS}/versions", None),
    ("get", f"/designer/processes/{PROCESS}/versions/1", None),
    ("get", f"/designer/processes/{PROCESS}/diff?from=1&to=1", None),
    ("post", f"/designer/processes/{PROCESS}/versions/1/activate", None),
    ("get", f"/designer/processes/{PROCESS}/versions/1/migration", None),
    ("post", f"/designer/processes/{PROCESS}/versions/1/migration", {"appeal_ids": [1]}),
]
ADMIN_ENDPOINTS = [
    ("get", "/admin/workflow-errors", None),
    ("post", "/admin/workflow-errors/1/retry", None),
]


def call(user, method, path, body):
    if method == "upload":
        return user.upload(path, "complaint.bpmn", "<a/>")
    if method == "get":
        return user.get(path)
    if method == "put":
        return user.put(path, json=body)
    return user.post(path, json=body)


@pytest.mark.parametrize("username", ["nj_agent", "nj_cgj_handler", "nj_dispatcher", "nj_supervisor", "commissioner"])
def test_other_roles_forbidden(app, client, username):
    user = DesignerApi(client, username)
    before = designer_counts(app)

    for method, path, body in DESIGNER_ENDPOINTS + ADMIN_ENDPOINTS:
        response = call(user, method, path, body)
        assert response.status_code == 403, (method, path, response.get_json())
        assert response.get_json()["error"] == "forbidden"

    assert designer_counts(app) == before


def test_designer_cannot_use_error_queue(designer):
    for method, path, body in ADMIN_ENDPOINTS:
        assert call(designer, method, path, body).status_code == 403


def test_admin_can_design(admin):
    assert admin.get("/designer/processes").status_code == 200


def test_anonymous_rejected(client):
    response = client.get("/api/v1/designer/processes")
    assert response.status_code == 401


def test_session_calls_need_csrf_header(app, client, monkeypatch):
    client.post("/login", data={"username": "designer", "password": "demo12345"})
    page = client.get("/tasks").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    process_id = new_process_id()
    body = {"process_id": process_id, "name": "浏览器"}
    before = designer_counts(app)

    refused = client.post("/api/v1/designer/processes", json=body)
    wrong = client.post("/api/v1/designer/processes", json=body, headers={"X-CSRFToken": "forged"})
    assert refused.status_code == 400
    assert refused.get_json()["error"] == "csrf_invalid"
    assert wrong.status_code == 400
    assert designer_counts(app) == before

    assert client.get("/api/v1/designer/processes").status_code == 200
    accepted = client.post("/api/v1/designer/processes", json=body, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201, accepted.get_json()
    saved = client.put(
        f"/api/v1/designer/processes/{process_id}/draft",
        json={"files": {"a.bpmn": appeal_flow(process_id)}},
        headers={"X-CSRFToken": token},
    )
    assert saved.status_code == 200


def test_bearer_calls_need_no_csrf_header(app, client, monkeypatch):
    designer = DesignerApi(client, "designer")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = designer.post("/designer/processes", json={"process_id": new_process_id(), "name": "令牌"})

    assert response.status_code == 201


def test_openapi_lists_designer_endpoints(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for method, path, _ in DESIGNER_ENDPOINTS + ADMIN_ENDPOINTS:
        template = re.sub(r"/(complaint|1)(?=/|$|\?)", lambda match: "/{process_id}" if match.group(1) == "complaint" else "/{number}", path.split("?")[0])
        template = template.replace("/workflow-errors/{number}", "/workflow-errors/{error_id}")
        verb = "post" if method == "upload" else method
        assert verb in document["paths"].get(template, {}), (method, template)
    assert "Problem" in document["components"]["schemas"]
    assert "/api/v1/designer/processes/{process_id}/upload" in client.get("/api/v1/docs").get_data(as_text=True)
