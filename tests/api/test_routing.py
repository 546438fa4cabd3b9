"""Dispatch suggestions: the most specific rule wins, else the category's default department; overrides are recorded."""

from sqlalchemy import delete

from app.core.db import utcnow
from app.extensions import db
from app.orgs.models import RoutingRule
from tests.helpers import ApiUser, appeal_body, unit_id


def add_rule(app, category_prefix, region_code, unit_code):
    with app.app_context():
        rule = RoutingRule(
            category_prefix=category_prefix,
            region_id=unit_id(app, region_code) if region_code else None,
            unit_id=unit_id(app, unit_code),
            created_at=utcnow(),
        )
        db.session.add(rule)
        db.session.commit()
        rule_id = rule.id
        db.session.remove()
    return rule_id


def clear_rules(app):
    with app.app_context():
        db.session.execute(delete(RoutingRule))
        db.session.commit()
        db.session.remove()


def dispatch_task(app, client, **overrides):
    number = ApiUser(client, "nj_agent").post("/appeals", json=appeal_body(app, **overrides)).get_json()["number"]
    dispatcher = ApiUser(client, "nj_dispatcher")
    task_id = dispatcher.open_task(number, "dispatch")
    return number, task_id, dispatcher.get(f"/tasks/{task_id}").get_json()


def test_default_department_by_category(app, client):
    clear_rules(app)
    _, _, task = dispatch_task(app, client)
    assert task["suggestion"]["unit_id"] == unit_id(app, "JS-NJ-城市管理局")
    assert "城市管理局" in task["suggestion"]["reason"]


def test_most_specific_rule_wins(app, client):
    clear_rules(app)
    try:
        add_rule(app, "", None, "JS-NJ-生态环境局")
        add_rule(app, "01", "JS-NJ", "JS-NJ-市场监督管理局")
        specific = add_rule(app, "0101", "JS-NJ-鼓楼区", "JS-NJ-鼓楼区-街道")
        _, _, task = dispatch_task(app, client)
        # The office sits under 鼓楼区, whose centre has a dispatcher, so Nanjing passes it to that centre.
        assert task["suggestion"]["unit_id"] == unit_id(app, "JS-NJ-鼓楼区")
        assert task["suggestion"]["reason"].startswith(f"routing rule {specific}")
        assert "lower centre 鼓楼区" in task["suggestion"]["reason"]

        _, _, elsewhere = dispatch_task(app, client, region_id=unit_id(app, "JS-NJ-江宁区"))
        assert elsewhere["suggestion"]["unit_id"] == unit_id(app, "JS-NJ-市场监督管理局")
        _, _, other_category = dispatch_task(app, client, category_code="020101")
        assert other_category["suggestion"]["unit_id"] == unit_id(app, "JS-NJ-生态环境局")
    finally:
        clear_rules(app)


def test_override_is_recorded(app, client):
    clear_rules(app)
    number, task_id, _ = dispatch_task(app, client)
    dispatcher = ApiUser(client, "nj_dispatcher")
    chosen = unit_id(app, "JS-NJ-市场监督管理局")
    assert dispatcher.post(f"/tasks/{task_id}/complete", json={"data": {"unit_id": chosen}}).status_code == 200

    history = dispatcher.get(f"/appeals/{number}").get_json()["history"]
    overrides = [event for event in history if event["event"] == "dispatch.override"]
    assert len(overrides) == 1
    assert overrides[0]["detail"]["suggested_unit_id"] == unit_id(app, "JS-NJ-城市管理局")
    assert overrides[0]["detail"]["chosen_unit_id"] == chosen


def test_following_suggestion_records_no_override(app, client):
    clear_rules(app)
    number, task_id, task = dispatch_task(app, client)
    dispatcher = ApiUser(client, "nj_dispatcher")
    dispatcher.post(f"/tasks/{task_id}/complete", json={"data": {"unit_id": task["suggestion"]["unit_id"]}})
    history = dispatcher.get(f"/appeals/{number}").get_json()["history"]
    assert [event["event"] for event in history].count("dispatch.override") == 0
