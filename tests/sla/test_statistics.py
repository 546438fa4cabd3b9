"""Per-unit time-limit statistics as a page and as CSV with formula cells neutralised."""

from app.orgs.importer import import_org_units
from app.extensions import db
from tests.helpers import ApiUser, appeal_body, unit_id


def test_statistics_count_claims_and_replies(app, client, frozen):
    frozen.set("2026-03-23T09:00:00+08:00")
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    handler = ApiUser(client, "nj_cgj_handler")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    dispatcher.complete(number, "dispatch", {"unit_id": unit_id(app, "JS-NJ-城市管理局")})
    handler.complete(number, "reply", {"result": "已整改完毕。", "outcome": "resolved"}, claim=True)

    client.post("/login", data={"username": "nj_supervisor", "password": "demo12345"})
    page = client.get("/stats/units").get_data(as_text=True)
    assert f'data-unit="{unit_id(app, "JS-NJ-城市管理局")}"' in page

    with app.app_context():
        from app.sla.stats import unit_statistics
        from app.orgs.models import User
        from sqlalchemy import select

        supervisor = db.session.scalar(select(User).where(User.username == "nj_supervisor"))
        rows = {row.unit_id: row for row in unit_statistics(supervisor)}
        db.session.remove()
    bureau = rows[unit_id(app, "JS-NJ-城市管理局")]
    assert bureau.received >= 1
    assert bureau.claimed_on_time >= 1
    assert bureau.replied_on_time >= 1
    assert bureau.claimed_on_time <= bureau.claimed


def test_statistics_csv_neutralises_formulas(app, client):
    content = "code,name,kind,parent_code,department_type\nJS-NJ-FORMULA,=HYPERLINK(\"x\"),department,JS-NJ,城市管理局\n"
    with app.app_context():
        assert import_org_units(content.encode("utf-8"), actor_id=None).problems == []
        db.session.remove()
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    dispatcher.complete(number, "dispatch", {"unit_id": unit_id(app, "JS-NJ-FORMULA")})

    client.post("/login", data={"username": "nj_supervisor", "password": "demo12345"})
    csv_text = client.get("/stats/units.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv_text
    assert "\n=HYPERLINK" not in csv_text


def test_statistics_need_centre_role(client):
    client.post("/login", data={"username": "nj_cgj_handler", "password": "demo12345"})
    assert client.get("/stats/units").status_code == 403
    assert client.get("/stats/units.csv").status_code == 403
