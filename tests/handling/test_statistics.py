"""Return and extension counts per unit, and the return rate per category, on the page and in CSV."""

import csv
import io

from sqlalchemy import select

from app.extensions import db
from app.orgs.models import User
from app.sla.stats import category_returns, unit_statistics
from tests.handling.test_returns import REASON
from tests.helpers import ApiUser, appeal_body, unit_id

CATEGORY = "010201"


def test_returns_and_extensions_are_counted(app, client):
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    wjw = ApiUser(client, "nj_wjw_handler")
    health = unit_id(app, "JS-NJ-卫生健康委员会")
    with app.app_context():
        supervisor = db.session.scalar(select(User).where(User.username == "nj_supervisor"))
        before = {row.unit_id: row for row in unit_statistics(supervisor)}.get(health)
        db.session.remove()

    # One appeal returned and accepted, one returned and rejected, one extension approved.
    numbers = [agent.post("/appeals", json=appeal_body(app, category_code=CATEGORY)).get_json()["number"] for _ in range(2)]
    for number in numbers:
        dispatcher.complete(number, "dispatch", {"unit_id": health})
        assert wjw.post(f"/tasks/{wjw.open_task(number, 'reply')}/return", json=REASON).status_code == 200
    dispatcher.complete(numbers[0], "return_review", {"decision": "accept", "unit_id": unit_id(app, "JS-NJ-城市管理局")})
    dispatcher.complete(numbers[1], "return_review", {"decision": "reject", "reason": "属于卫健部门职责。"})
    task_id = wjw.open_task(numbers[1], "reply")
    assert wjw.post(f"/tasks/{task_id}/extension", json={"days": 1, "grounds": "需要现场检测，等待检测报告。"}).status_code == 201
    dispatcher.complete(numbers[1], "extension_review", {"decision": "approve"})

    with app.app_context():
        supervisor = db.session.scalar(select(User).where(User.username == "nj_supervisor"))
        row = {row.unit_id: row for row in unit_statistics(supervisor)}[health]
        categories = {item.code: item for item in category_returns(supervisor)}
        db.session.remove()
    base = lambda name: getattr(before, name) if before else 0  # noqa: E731
    assert row.returned - base("returned") == 2
    assert row.returns_accepted - base("returns_accepted") == 1
    assert row.extensions_requested - base("extensions_requested") == 1
    assert row.extensions_approved - base("extensions_approved") == 1
    assert row.lead_received - base("lead_received") == 3
    assert categories[CATEGORY].returned >= 2
    assert categories[CATEGORY].received >= 2

    client.post("/login", data={"username": "nj_supervisor", "password": "demo12345"})
    page = client.get("/stats/units").get_data(as_text=True)
    assert f'data-category="{CATEGORY}"' in page
    units_csv = list(csv.reader(io.StringIO(client.get("/stats/units.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert units_csv[0][4:9] == ["退回数", "同意退回数", "退回率", "申请延期数", "批准延期数"]
    (health_row,) = [line for line in units_csv if line[0] == "南京市卫生健康委员会"]
    assert health_row[4] == str(row.returned)
    category_csv = client.get("/stats/categories.csv").get_data(as_text=True)
    assert CATEGORY in category_csv
