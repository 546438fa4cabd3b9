"""Dispatch down the org tree: province → city → district → department, each hop with its own clock."""

from sqlalchemy import select

from app.extensions import db
from app.sla.models import SlaClock
from tests.helpers import ApiUser, appeal_body, table_counts, unit_id


def dispatch_task(user, number):
    task_id = user.open_task(number, "dispatch")
    return user.get(f"/tasks/{task_id}").get_json()


def test_province_to_district_department(app, client):
    js_agent, js_dispatcher = ApiUser(client, "js_agent"), ApiUser(client, "js_dispatcher")
    nj_dispatcher, gl_dispatcher = ApiUser(client, "nj_dispatcher"), ApiUser(client, "gl_dispatcher")
    handler = ApiUser(client, "gl_jd_handler")
    province, city, district = unit_id(app, "JS"), unit_id(app, "JS-NJ"), unit_id(app, "JS-NJ-鼓楼区")
    office = unit_id(app, "JS-NJ-鼓楼区-街道")

    number = js_agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    appeal = js_agent.get(f"/appeals/{number}").get_json()
    assert appeal["centre"]["id"] == province

    # The best department is under Nanjing, which has dispatchers, so the suggestion is the Nanjing centre.
    task = dispatch_task(js_dispatcher, number)
    assert task["candidate_org_id"] == province
    assert task["suggestion"]["unit_id"] == city
    assert "lower centre" in task["suggestion"]["reason"]
    choices = {choice["id"]: choice["kind"] for choice in task["choices"]["unit_id"]}
    assert choices[city] == "centre"
    assert choices[office] == "department"
    js_dispatcher.complete(number, "dispatch", {"unit_id": city, "instructions": "请南京市中心转办"})

    task = dispatch_task(nj_dispatcher, number)
    assert task["candidate_org_id"] == city
    assert province not in {choice["id"] for choice in task["choices"]["unit_id"]}
    nj_dispatcher.complete(number, "dispatch", {"unit_id": district})

    task = dispatch_task(gl_dispatcher, number)
    assert task["candidate_org_id"] == district
    gl_dispatcher.complete(number, "dispatch", {"unit_id": office})

    handler.complete(number, "reply", {"result": "街道已组织城管队员现场处置。", "outcome": "resolved"}, claim=True)
    js_dispatcher.complete(number, "review", {"decision": "accept"})
    js_agent.complete(number, "callback", {"satisfaction": "satisfied", "resolved": True})

    appeal = js_agent.get(f"/appeals/{number}").get_json()
    assert appeal["status"] == "archived"
    hops = [(hop["kind"], hop["from_unit"], hop["to_unit"], hop["to_unit_kind"]) for hop in appeal["dispatch_path"]]
    assert hops == [
        ("dispatch", "江苏省", "南京市", "centre"),
        ("dispatch", "南京市", "鼓楼区", "centre"),
        ("dispatch", "鼓楼区", "鼓楼区属地街道办事处", "department"),
    ]

    with app.app_context():
        dispatch_clocks = db.session.execute(
            select(SlaClock.org_unit_id, SlaClock.status, SlaClock.outcome)
            .where(SlaClock.appeal_id == appeal_id(app, number), SlaClock.kind == "dispatch")
            .order_by(SlaClock.id)
        ).all()
        db.session.remove()
    assert dispatch_clocks == [(province, "stopped", "met"), (city, "stopped", "met"), (district, "stopped", "met")]


def appeal_id(app, number):
    from app.appeals.models import Appeal

    with app.app_context():
        return db.session.scalar(select(Appeal.id).where(Appeal.number == number))


def test_dispatch_outside_subtree_is_rejected(app, client):
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    task_id = dispatcher.open_task(number, "dispatch")
    before = table_counts(app)

    cases = {
        "another city's department": ({"unit_id": unit_id(app, "JS-SZ-城市管理局")}, "unit_id"),
        "the dispatching centre itself": ({"unit_id": unit_id(app, "JS-NJ")}, "unit_id"),
        "the province above": ({"unit_id": unit_id(app, "JS")}, "unit_id"),
        "assisting with a centre as lead": (
            {"unit_id": unit_id(app, "JS-NJ-鼓楼区"), "assisting_unit_ids": [unit_id(app, "JS-NJ-住房和城乡建设局")]},
            "assisting_unit_ids",
        ),
        "lead also assisting": (
            {"unit_id": unit_id(app, "JS-NJ-城市管理局"), "assisting_unit_ids": [unit_id(app, "JS-NJ-城市管理局")]},
            "assisting_unit_ids",
        ),
        "assisting centre": (
            {"unit_id": unit_id(app, "JS-NJ-城市管理局"), "assisting_unit_ids": [unit_id(app, "JS-NJ-鼓楼区")]},
            "assisting_unit_ids",
        ),
        "spoofed unit kind": ({"unit_id": unit_id(app, "JS-NJ-城市管理局"), "unit_kind": "centre"}, "unit_kind"),
    }
    for case, (data, field) in cases.items():
        response = dispatcher.post(f"/tasks/{task_id}/complete", json={"data": data})
        assert response.status_code == 422, case
        assert field in response.get_json()["fields"], (case, response.get_json())
    assert table_counts(app) == before
