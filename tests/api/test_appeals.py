"""Intake through the API: validation, idempotency, sample appeals and hostile text."""

import json
import os

import pytest

from app.demo.loader import APPEAL_TYPES, CHANNELS, URGENCIES, read_sample_appeals
from tests.helpers import ApiUser, appeal_body, table_counts, unit_id


def test_idempotency_key_returns_first_appeal(app, client):
    agent = ApiUser(client, "nj_agent")
    body = appeal_body(app)
    first = agent.post("/appeals", json=body, headers={"Idempotency-Key": "call-20261204-0001"})
    before = table_counts(app)
    second = agent.post("/appeals", json=body, headers={"Idempotency-Key": "call-20261204-0001"})

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.get_json()["number"] == first.get_json()["number"]
    assert table_counts(app) == before

    changed = agent.post("/appeals", json=appeal_body(app), headers={"Idempotency-Key": "call-20261204-0001"})
    assert changed.status_code == 409
    assert table_counts(app) == before


def test_public_numbers_are_daily_sequences(app, client):
    agent = ApiUser(client, "nj_agent")
    numbers = [agent.post("/appeals", json=appeal_body(app)).get_json()["number"] for _ in range(3)]
    assert all(len(number) == 14 and number.isdigit() for number in numbers)
    assert [int(number[8:]) for number in numbers] == [int(numbers[0][8:]) + offset for offset in range(3)]


@pytest.mark.parametrize(
    "override, field",
    [
        ({"appeal_type": "gossip"}, "appeal_type"),
        ({"channel": "fax"}, "channel"),
        ({"content": "   \n  "}, "content"),
        ({"content": "长" * 5001}, "content"),
        ({"region_id": "南京"}, "region_id"),
        ({"region_id": 999999}, "region_id"),
        ({"category_code": "12ab"}, "category_code"),
        ({"category_code": "999999"}, "category_code"),
        ({"category_code": None}, "category_code"),
        ({"citizen_phone": "<b>138</b>"}, "citizen_phone"),
        ({"urgency": "asap"}, "urgency"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_invalid_intake_names_field_and_changes_nothing(app, client, override, field):
    agent = ApiUser(client, "nj_agent")
    before = table_counts(app)
    response = agent.post("/appeals", json=appeal_body(app, **override))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["fields"]
    assert table_counts(app) == before


def test_department_region_rejected(app, client):
    response = ApiUser(client, "nj_agent").post("/appeals", json=appeal_body(app, region_id=unit_id(app, "JS-NJ-城市管理局")))
    assert response.status_code == 422
    assert "region_id" in response.get_json()["fields"]


def test_invalid_triage_changes_nothing(app, client):
    agent = ApiUser(client, "nj_agent")
    before = table_counts(app)
    body = appeal_body(app, appeal_type="consultation", triage={"resolution": "direct_answer"})
    response = agent.post("/appeals", json=body)
    assert response.status_code == 422
    assert "triage.answer" in response.get_json()["fields"]

    complaint = agent.post("/appeals", json=appeal_body(app, triage={"resolution": "dispatch"}))
    assert complaint.status_code == 422
    assert "triage" in complaint.get_json()["fields"]
    assert table_counts(app) == before


def test_only_intake_roles_register(app, client):
    response = ApiUser(client, "nj_cgj_handler").post("/appeals", json=appeal_body(app))
    assert response.status_code == 403


def test_body_must_be_json_object(app, client):
    agent = ApiUser(client, "nj_agent")
    response = agent.client.post("/api/v1/appeals", data="not json", headers=agent.headers)
    assert response.status_code == 422
    assert "(body)" in response.get_json()["fields"]


def test_every_sample_appeal_goes_through_intake(app, client):
    agent = ApiUser(client, "js_agent")
    registered, rejected = [], []
    for row in read_sample_appeals():
        body = {
            "appeal_type": APPEAL_TYPES[row["appeal_type"]],
            "channel": CHANNELS[row["channel"]],
            "category_code": row["category_code"],
            "region_id": unit_id(app, "JS-NJ"),
            "content": row["content"],
            "urgency": URGENCIES[row["urgency"]],
            "confidential": row["confidential"],
            "enterprise": row["enterprise"],
        }
        response = agent.post("/appeals", json=body)
        if response.status_code == 201:
            stored = agent.get(f"/appeals/{response.get_json()['number']}").get_json()
            assert stored["content"] == row["content"].strip()
            registered.append(row["id"])
        else:
            assert response.status_code == 422
            rejected.append((row["id"], response.get_json()["fields"]))

    assert len(registered) == 59
    assert rejected == [("A031", {"content": "Must not be empty or only whitespace; record what the citizen asked."})]


def test_hostile_text_shown_as_text(app, client):
    agent = ApiUser(client, "nj_agent")
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">\'; DROP TABLE appeal; --=cmd|\' /C calc\'!A0'
    number = agent.post("/appeals", json=appeal_body(app, content=hostile, citizen_name="<b>x</b>")).get_json()["number"]
    assert agent.get(f"/appeals/{number}").get_json()["content"] == hostile

    client.post("/login", data={"username": "nj_agent", "password": "demo12345"})
    page = client.get(f"/appeals/{number}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>x</b>" not in page
    listing = client.get("/appeals").get_data(as_text=True)
    assert "<script>alert(1)" not in listing


def test_confidential_read_is_audited(app, client):
    agent = ApiUser(client, "nj_agent")
    number = agent.post("/appeals", json=appeal_body(app, confidential=True)).get_json()["number"]
    agent.get(f"/appeals/{number}")
    history = agent.get(f"/appeals/{number}").get_json()["history"]
    assert [event["event"] for event in history].count("appeal.confidential_read") == 2


def test_openapi_document_lists_endpoints(app, client):
    import re

    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule in ("/api/v1/openapi.json", "/api/v1/docs"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        assert path in document["paths"], path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in document["paths"][path], (method, path)
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/api/v1/tasks/{task_id}/complete" in page
    assert "http://" not in page.replace("http://www.w3.org", "")


def test_org_unit_lookup(app, client):
    agent = ApiUser(client, "nj_agent")
    items = agent.get("/org-units?kind=district&name=鼓楼区").get_json()["items"]
    assert [item["id"] for item in items] == [unit_id(app, "JS-NJ-鼓楼区")]
    response = agent.get("/org-units?kind=planet")
    assert response.status_code == 422
    assert "kind" in response.get_json()["fields"]


def test_concurrent_requests_with_one_key_create_one_appeal(app):
    from concurrent.futures import ThreadPoolExecutor

    body = appeal_body(app)
    users = [ApiUser(app.test_client(), "nj_agent") for _ in range(6)]

    def send(user):
        response = user.post("/appeals", json=body, headers={"Idempotency-Key": "concurrent-key-1"})
        return response.status_code, response.get_json()["number"]

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(send, users))

    assert sorted(status for status, _ in results) == [200, 200, 200, 200, 200, 201]
    assert len({number for _, number in results}) == 1


def test_agent_keeps_sight_of_other_city_appeal(app, client):
    agent = ApiUser(client, "nj_agent")
    body = appeal_body(app, region_id=unit_id(app, "JS-SZ"))
    number = agent.post("/appeals", json=body).get_json()["number"]
    appeal = agent.get(f"/appeals/{number}").get_json()
    assert appeal["centre"]["name"] == "苏州市"
    assert ApiUser(client, "sz_dispatcher").get(f"/appeals/{number}").status_code == 200
    assert ApiUser(client, "nj_dispatcher").get(f"/appeals/{number}").status_code == 404
