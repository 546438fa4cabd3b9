"""Co-handling: assisting departments reply in parallel on their own clocks, then the lead replies once."""

from datetime import timedelta

from sqlalchemy import select, update

from app.core.db import utcnow
from app.extensions import db
from app.sla.clocks import refresh_task_due
from app.sla.models import SlaClock
from app.tasks.models import HumanTask
from tests.helpers import ApiUser, appeal_body, unit_id
from tests.sla.test_sweep import run_sweep


def make_overdue(app, task_id):
    past = utcnow() - timedelta(hours=1)
    with app.app_context():
        db.session.execute(
            update(SlaClock)
            .where(SlaClock.human_task_id == task_id, SlaClock.status == "running")
            .values(yellow_at=past, deadline_at=past, next_check_at=past)
        )
        refresh_task_due([task_id])
        db.session.commit()
        db.session.remove()


def open_tasks(app, number):
    from app.appeals.models import Appeal

    with app.app_context():
        rows = db.session.execute(
            select(HumanTask.name, HumanTask.candidate_org_id)
            .join(Appeal, Appeal.id == HumanTask.appeal_id)
            .where(Appeal.number == number, HumanTask.status.in_(("open", "claimed")))
            .order_by(HumanTask.id)
        ).all()
        db.session.remove()
    return rows


def test_lead_replies_after_every_assisting_reply(app, client):
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    cgj, zjj, scjgj = ApiUser(client, "nj_cgj_handler"), ApiUser(client, "nj_zjj_handler"), ApiUser(client, "nj_scjgj_handler")
    lead, housing, market = unit_id(app, "JS-NJ-城市管理局"), unit_id(app, "JS-NJ-住房和城乡建设局"), unit_id(app, "JS-NJ-市场监督管理局")

    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    dispatcher.complete(number, "dispatch", {"unit_id": lead, "assisting_unit_ids": [housing, market]})
    assert agent.get(f"/appeals/{number}").get_json()["status"] == "co_handling"
    assert open_tasks(app, number) == [("assist_reply", housing), ("assist_reply", market)]

    # The housing bureau's clock goes red; supervision opens, and the market bureau can still reply.
    housing_task = zjj.open_task(number, "assist_reply", housing)
    assert zjj.get(f"/tasks/{housing_task}").get_json()["clock"]["kind"] == "assist"
    make_overdue(app, housing_task)
    run_sweep(app, utcnow())
    assert ("supervise", unit_id(app, "JS-NJ")) in open_tasks(app, number)

    scjgj.complete(number, "assist_reply", {"opinion": "经营主体证照齐全，已督促规范经营。"}, org_id=market)
    assert [name for name, _ in open_tasks(app, number)] == ["assist_reply", "supervise"]

    zjj.complete(number, "assist_reply", {"opinion": "该区域为小区公共部位，物业已承诺整改。"}, claim=True, org_id=housing)
    assert [name for name, _ in open_tasks(app, number)] == ["supervise", "reply"]

    reply = cgj.get(f"/tasks/{cgj.open_task(number, 'reply')}").get_json()
    assert reply["candidate_org_id"] == lead
    opinions = {item["unit"]: item["opinion"] for item in reply["context"]["assist_replies"]}
    assert opinions == {
        "南京市市场监督管理局": "经营主体证照齐全，已督促规范经营。",
        "南京市住房和城乡建设局": "该区域为小区公共部位，物业已承诺整改。",
    }
    cgj.complete(number, "reply", {"result": "会同住建、市场监管部门联合整治，已办结。", "outcome": "resolved"})

    appeal = agent.get(f"/appeals/{number}").get_json()
    assert [task["name"] for task in appeal["tasks"] if task["name"] == "review"] == ["review"]
    review = dispatcher.get(f"/tasks/{dispatcher.open_task(number, 'review')}").get_json()
    assert review["context"]["reply"]["unit"] == "南京市城市管理局"
    assert review["context"]["reply"]["form"]["result"] == "会同住建、市场监管部门联合整治，已办结。"
    assert len(review["context"]["assist_replies"]) == 2
    dispatcher.complete(number, "review", {"decision": "accept"})
    assert agent.get(f"/appeals/{number}").get_json()["status"] == "awaiting_callback"
    (hop,) = agent.get(f"/appeals/{number}").get_json()["dispatch_path"]
    assert hop["assisting_units"] == ["南京市住房和城乡建设局", "南京市市场监督管理局"]
