"""Task queue rules: atomic claims, scoping, and errors that change nothing."""

from concurrent.futures import ThreadPoolExecutor

from tests.helpers import ApiUser, appeal_body, table_counts, unit_id

API = "/api/v1"


def dispatched_appeal(app, client):
    """Register a complaint and dispatch it to Nanjing's urban management bureau; return (number, reply task id)."""
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    dispatcher.complete(number, "dispatch", {"unit_id": unit_id(app, "JS-NJ-城市管理局")})
    return number, ApiUser(client, "nj_cgj_handler").open_task(number, "reply")


def test_twenty_concurrent_claims_one_wins(app, client):
    number, task_id = dispatched_appeal(app, client)
    handlers = [ApiUser(app.test_client(), name) for name in ("nj_cgj_handler", "nj_cgj_handler2")]

    def claim(index):
        user = handlers[index % 2]
        return user.client.post(f"{API}/tasks/{task_id}/claim", headers=user.headers).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(claim, range(20)))

    assert statuses.count(200) == 1, statuses
    assert statuses.count(409) == 19, statuses
    history = handlers[0].get(f"/appeals/{number}").get_json()["history"]
    assert [event["event"] for event in history].count("task.claimed") == 1


def test_sibling_department_cannot_see_task(app, client):
    number, task_id = dispatched_appeal(app, client)
    sibling = ApiUser(client, "nj_scjgj_handler")

    assert sibling.get(f"/tasks/{task_id}").status_code == 404
    assert sibling.post(f"/tasks/{task_id}/claim").status_code == 404
    assert sibling.post(f"/tasks/{task_id}/release").status_code == 404
    assert sibling.post(f"/tasks/{task_id}/complete", json={"data": {"result": "越权答复", "outcome": "resolved"}}).status_code == 404
    assert sibling.get(f"/appeals/{number}").status_code == 404

    listed = [task["id"] for scope in ("all", "mine", "claimable") for task in sibling.get(f"/tasks?scope={scope}").get_json()["items"]]
    assert task_id not in listed
    assert number not in [appeal["number"] for appeal in sibling.get("/appeals").get_json()["items"]]


def test_department_lists_its_claimable_task(app, client):
    number, task_id = dispatched_appeal(app, client)
    handler = ApiUser(client, "nj_cgj_handler")
    claimable = handler.get("/tasks?scope=claimable&appeal_type=complaint&category=01").get_json()["items"]
    assert task_id in [task["id"] for task in claimable]
    assert handler.get("/tasks?scope=mine").status_code == 200
    assert task_id not in [task["id"] for task in handler.get("/tasks?scope=mine").get_json()["items"]]

    handler.post(f"/tasks/{task_id}/claim")
    assert task_id in [task["id"] for task in handler.get("/tasks?scope=mine").get_json()["items"]]
    assert handler.post(f"/tasks/{task_id}/release").status_code == 200
    assert handler.get(f"/tasks/{task_id}").get_json()["status"] == "open"


def test_handler_sees_masked_phone(app, client):
    number, _ = dispatched_appeal(app, client)
    assert ApiUser(client, "nj_cgj_handler").get(f"/appeals/{number}").get_json()["citizen_phone"] == "139****1234"
    assert ApiUser(client, "nj_agent").get(f"/appeals/{number}").get_json()["citizen_phone"] == "13900001234"


def test_completed_task_conflict_changes_nothing(app, client):
    number, task_id = dispatched_appeal(app, client)
    handler = ApiUser(client, "nj_cgj_handler")
    handler.complete(number, "reply", {"result": "已整改完毕。", "outcome": "resolved"}, claim=True)

    before = table_counts(app)
    response = handler.post(f"/tasks/{task_id}/complete", json={"data": {"result": "再答复一次。", "outcome": "resolved"}})
    assert response.status_code == 409
    assert response.get_json()["error"] == "task_not_open"
    assert handler.post(f"/tasks/{task_id}/claim").status_code == 409
    assert table_counts(app) == before


def test_invalid_form_names_each_field_and_changes_nothing(app, client):
    number, task_id = dispatched_appeal(app, client)
    handler = ApiUser(client, "nj_cgj_handler")
    handler.post(f"/tasks/{task_id}/claim")

    before = table_counts(app)
    response = handler.post(f"/tasks/{task_id}/complete", json={"data": {"result": "短", "outcome": "maybe", "extra": 1}})
    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert set(fields) == {"result", "outcome", "extra"}
    assert "at least 5" in fields["result"]
    assert "resolved" in fields["outcome"]

    missing = handler.post(f"/tasks/{task_id}/complete", json={"data": {}}).get_json()["fields"]
    assert set(missing) == {"result", "outcome"}
    assert handler.post(f"/tasks/{task_id}/complete", json={}).get_json()["fields"] == {"data": "Missing data for required field."}
    assert table_counts(app) == before


def test_dispatch_to_unit_outside_centre_rejected(app, client):
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    task_id = dispatcher.open_task(number, "dispatch")

    before = table_counts(app)
    for department in (unit_id(app, "JS-SZ-城市管理局"), unit_id(app, "JS-NJ"), 999999):
        response = dispatcher.post(f"/tasks/{task_id}/complete", json={"data": {"unit_id": department}})
        assert response.status_code == 422
        assert "unit_id" in response.get_json()["fields"]
    assert table_counts(app) == before


def test_unknown_task_is_404(app, client):
    before = table_counts(app)
    user = ApiUser(client, "nj_dispatcher")
    for path in ("/tasks/987654", "/tasks/987654/claim", "/tasks/987654/release", "/tasks/987654/complete"):
        response = user.get(path) if path == "/tasks/987654" else user.post(path, json={"data": {}})
        assert response.status_code == 404, path
        assert response.get_json()["error"] == "task_not_found"
    assert table_counts(app) == before


def test_wrong_role_in_same_unit_is_403(app, client):
    agent = ApiUser(client, "nj_agent")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    dispatch_task = ApiUser(client, "nj_dispatcher").open_task(number, "dispatch")

    before = table_counts(app)
    response = agent.post(f"/tasks/{dispatch_task}/complete", json={"data": {"unit_id": unit_id(app, "JS-NJ-城市管理局")}})
    assert response.status_code == 403
    assert table_counts(app) == before


def test_requests_without_token_are_401(client):
    assert client.get(f"{API}/tasks").status_code == 401
    assert client.get(f"{API}/tasks", headers={"Authorization": "Bearer forged.token"}).status_code == 401
    response = client.post(f"{API}/auth/token", json={"username": "nj_agent", "password": "wrong"})
    assert response.status_code == 401
    assert client.post(f"{API}/auth/token", json={"username": ""}).get_json()["fields"].keys() == {"username", "password"}


def test_claim_and_release_conflicts_say_why(app, client):
    number, task_id = dispatched_appeal(app, client)
    handler = ApiUser(client, "nj_cgj_handler")

    released = handler.post(f"/tasks/{task_id}/release")
    assert released.status_code == 409
    assert released.get_json()["error"] == "task_not_claimed"

    assert handler.post(f"/tasks/{task_id}/claim").status_code == 200
    again = handler.post(f"/tasks/{task_id}/claim")
    assert again.status_code == 409
    assert "claimed by you" in again.get_json()["message"]
    other = ApiUser(client, "nj_cgj_handler2").post(f"/tasks/{task_id}/claim")
    assert "another user" in other.get_json()["message"]


def test_completion_without_claim_is_recorded(app, client):
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    dispatcher.complete(number, "dispatch", {"unit_id": unit_id(app, "JS-NJ-城市管理局")})

    completed = [event for event in agent.get(f"/appeals/{number}").get_json()["history"] if event["event"] == "task.completed"]
    assert completed[0]["detail"]["claimed_on_completion"] is True
    task = [task for task in agent.get(f"/appeals/{number}").get_json()["tasks"] if task["name"] == "dispatch"][0]
    assert task["assignee"] == "nj_dispatcher"
