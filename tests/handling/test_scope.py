"""A sibling department can neither list, open nor act on another department's appeal, on any endpoint."""

import re

from app.demo.loader import DEMO_PASSWORD
from tests.helpers import ApiUser, appeal_body, table_counts, unit_id

# Bodies good enough to reach the permission checks of each action.
BODIES = {
    "complete": {"data": {"result": "越权答复", "outcome": "resolved"}},
    "return": {"reason_code": "not_our_duty", "reason_text": "越权退回"},
    "extension": {"days": 1, "grounds": "越权申请延期"},
    "pause-clocks": {"reason": "越权暂停"},
}


def cgj_appeal(app, client):
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    number = agent.post("/appeals", json=appeal_body(app, content="仅城管局可见的诉求内容")).get_json()["number"]
    dispatcher.complete(
        number,
        "dispatch",
        {"unit_id": unit_id(app, "JS-NJ-城市管理局"), "assisting_unit_ids": [unit_id(app, "JS-NJ-市场监督管理局")]},
    )
    return number, ApiUser(client, "nj_scjgj_handler").open_task(number, "assist_reply", unit_id(app, "JS-NJ-市场监督管理局"))


def routes(app, prefix):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(prefix) and "static" not in rule.endpoint:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, rule.rule


def fill(rule, number, task_id):
    path = rule.replace("<int:task_id>", str(task_id)).replace("<number>", number)
    return None if "<" in path else path


def test_sibling_department_api_sweep(app, client):
    number, task_id = cgj_appeal(app, client)
    sibling = ApiUser(client, "nj_zjj_handler")
    before = table_counts(app)

    checked = 0
    for method, rule in routes(app, "/api/v1/"):
        path = fill(rule, number, task_id)
        if path is None or rule in ("/api/v1/auth/token", "/api/v1/appeals") and method == "POST":
            continue
        action = path.rsplit("/", 1)[-1]
        if method == "GET":
            response = sibling.client.get(path, headers=sibling.headers)
        else:
            response = sibling.client.post(path, json=BODIES.get(action, {}), headers=sibling.headers)
        checked += 1
        if "<" in rule:
            assert response.status_code == 404, (method, rule, response.status_code)
        else:
            assert response.status_code in (200, 403), (method, rule, response.status_code)
            assert number not in response.get_data(as_text=True), (method, rule)
    assert checked >= 16
    assert table_counts(app) == before


def test_sibling_department_web_sweep(app, client):
    number, task_id = cgj_appeal(app, client)
    client.post("/login", data={"username": "nj_zjj_handler", "password": DEMO_PASSWORD})
    before = table_counts(app)

    for method, rule in routes(app, "/"):
        if rule.startswith("/api/") or rule in ("/login", "/logout", "/language/<code>") or "<day>" in rule:
            continue
        path = fill(rule, number, task_id)
        if path is None:
            continue
        response = client.get(path) if method == "GET" else client.post(path, data={"reason": "越权", "reason_code": "other", "reason_text": "越权", "days": "1", "grounds": "越权申请延期"})
        body = response.get_data(as_text=True)
        if "<int:task_id>" in rule or "<number>" in rule:
            # The not-found page links back to the requested path, so only the content is checked.
            assert response.status_code == 404, (method, rule, response.status_code)
            if method == "GET":
                assert "不在本单位的管辖范围内" in body, rule
            if method == "GET":
                assert "不在本单位的管辖范围内" in body, rule
        else:
            assert response.status_code in (200, 302, 403, 405, 422), (method, rule, response.status_code)
            assert number not in body, (method, rule)
        assert "仅城管局可见的诉求内容" not in body, (method, rule)
    assert table_counts(app) == before


def test_department_sees_only_its_tasks(app, client):
    number, _ = cgj_appeal(app, client)
    # The lead gets its reply task after the assisting reply, but may open the appeal from the dispatch on.
    assert ApiUser(client, "nj_cgj_handler").get(f"/appeals/{number}").get_json()["status"] == "co_handling"
    for username, expected in (("nj_cgj_handler", set()), ("nj_scjgj_handler", {"assist_reply"}), ("nj_zjj_handler", set())):
        user = ApiUser(client, username)
        names = {item["name"] for item in user.get("/tasks").get_json()["items"] if item["appeal_number"] == number}
        assert names == expected, username
    listed = ApiUser(client, "nj_zjj_handler").get("/appeals").get_json()
    assert number not in re.findall(r"\d{14}", str(listed))
