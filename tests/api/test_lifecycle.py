"""End-to-end appeal lifecycles through the JSON API as demo users."""

from tests.helpers import ApiUser, appeal_body, unit_id


def test_complaint_path_to_archive(app, client):
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    handler = ApiUser(client, "nj_cgj_handler")

    response = agent.post("/appeals", json=appeal_body(app))
    assert response.status_code == 201
    number = response.get_json()["number"]
    assert response.get_json()["status"] == "awaiting_dispatch"

    department = unit_id(app, "JS-NJ-城市管理局")
    dispatcher.complete(number, "dispatch", {"unit_id": department, "instructions": "请核查"})
    assert agent.get(f"/appeals/{number}").get_json()["status"] == "dispatched"

    handler.complete(number, "reply", {"result": "已现场整改，烧烤摊已取缔。", "outcome": "resolved"}, claim=True)
    dispatcher.complete(number, "review", {"decision": "accept"})
    agent.complete(number, "callback", {"satisfaction": "satisfied", "resolved": True})

    appeal = agent.get(f"/appeals/{number}").get_json()
    assert appeal["status"] == "archived"
    assert appeal["closure"] == "satisfied"
    assert appeal["closed_at"] is not None

    steps = [(event["event"], event["task_name"], event["actor"]) for event in appeal["history"]]
    assert steps == [
        ("appeal.registered", None, "nj_agent"),
        ("task.completed", "dispatch", "nj_dispatcher"),
        ("dispatch.routed", "dispatch", "nj_dispatcher"),
        ("task.claimed", "reply", "nj_cgj_handler"),
        ("task.completed", "reply", "nj_cgj_handler"),
        ("task.completed", "review", "nj_dispatcher"),
        ("task.completed", "callback", "nj_agent"),
        ("appeal.archived", None, None),
    ]
    assert all(event["created_at"] for event in appeal["history"])


def test_review_send_back_returns_to_department(app, client):
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    handler = ApiUser(client, "nj_cgj_handler")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]

    dispatcher.complete(number, "dispatch", {"unit_id": unit_id(app, "JS-NJ-城市管理局")})
    handler.complete(number, "reply", {"result": "已告知当事人。", "outcome": "explained"}, claim=True)
    dispatcher.complete(number, "review", {"decision": "send_back", "comment": "未说明整改时限"})

    appeal = agent.get(f"/appeals/{number}").get_json()
    assert appeal["status"] == "dispatched"
    assert appeal["send_back_count"] == 1
    open_replies = [task for task in appeal["tasks"] if task["name"] == "reply" and task["status"] == "open"]
    assert len(open_replies) == 1


def test_consultation_answered_at_intake(app, client):
    agent = ApiUser(client, "nj_agent")
    body = appeal_body(
        app,
        appeal_type="consultation",
        category_code="020501",
        content="咨询租房提取公积金的条件。",
        triage={"resolution": "direct_answer", "answer": "连续缴存满3个月且本市无房可提取。"},
    )
    response = agent.post("/appeals", json=body)
    assert response.status_code == 201
    appeal = response.get_json()
    assert appeal["status"] == "archived"
    assert appeal["closure"] == "direct_answer"
    assert [task["status"] for task in appeal["tasks"]] == ["completed"]
    assert [event["event"] for event in appeal["history"]] == ["appeal.registered", "task.completed", "appeal.archived"]
    assert appeal["history"][1]["detail"]["form"]["answer"].startswith("连续缴存")


def test_dissatisfied_callback_goes_through_reprocessing(app, client):
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    handler, supervisor = ApiUser(client, "nj_cgj_handler"), ApiUser(client, "nj_supervisor")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]

    dispatcher.complete(number, "dispatch", {"unit_id": unit_id(app, "JS-NJ-城市管理局")})
    handler.complete(number, "reply", {"result": "已劝离摊贩。", "outcome": "resolved"}, claim=True)
    dispatcher.complete(number, "review", {"decision": "accept"})
    agent.complete(number, "callback", {"satisfaction": "dissatisfied", "resolved": False, "note": "第二天又来了"})
    assert agent.get(f"/appeals/{number}").get_json()["status"] == "awaiting_judgment"

    supervisor.complete(number, "judgment", {"reasonable": True, "reason": "问题反复出现，应长效治理"})
    handler.complete(number, "rework", {"result": "已设置固定巡查点，连续一周无摊贩。", "outcome": "resolved"}, claim=True)
    dispatcher.complete(number, "rework_review", {"decision": "accept"})
    agent.complete(number, "rework_callback", {"satisfaction": "satisfied", "resolved": True})

    appeal = agent.get(f"/appeals/{number}").get_json()
    assert appeal["status"] == "archived"
    assert appeal["closure"] == "satisfied"
    completed = [event["task_name"] for event in appeal["history"] if event["event"] == "task.completed"]
    assert completed == ["dispatch", "reply", "review", "callback", "judgment", "rework", "rework_review", "rework_callback"]


def test_unreasonable_dissatisfaction_is_archived_with_judgment(app, client):
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    handler, supervisor = ApiUser(client, "nj_cgj_handler"), ApiUser(client, "nj_supervisor")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]

    dispatcher.complete(number, "dispatch", {"unit_id": unit_id(app, "JS-NJ-城市管理局")})
    handler.complete(number, "reply", {"result": "已依法处理。", "outcome": "resolved"}, claim=True)
    dispatcher.complete(number, "review", {"decision": "accept"})
    agent.complete(number, "callback", {"satisfaction": "dissatisfied", "resolved": True})
    supervisor.complete(number, "judgment", {"reasonable": False, "reason": "诉求超出政策范围"})

    appeal = agent.get(f"/appeals/{number}").get_json()
    assert appeal["status"] == "archived"
    assert appeal["closure"] == "dissatisfaction_unreasonable"
    judgment = [event for event in appeal["history"] if event["task_name"] == "judgment"][0]
    assert judgment["detail"]["form"]["reason"] == "诉求超出政策范围"


def test_reprocessing_rounds_are_capped(app, client):
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    handler, supervisor = ApiUser(client, "nj_cgj_handler"), ApiUser(client, "nj_supervisor")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]

    dispatcher.complete(number, "dispatch", {"unit_id": unit_id(app, "JS-NJ-城市管理局")})
    handler.complete(number, "reply", {"result": "已处理完毕。", "outcome": "resolved"}, claim=True)
    dispatcher.complete(number, "review", {"decision": "accept"})
    agent.complete(number, "callback", {"satisfaction": "dissatisfied", "resolved": False})

    for round_number in (1, 2):
        supervisor.complete(number, "judgment", {"reasonable": True, "reason": f"第{round_number}轮仍未解决"})
        handler.complete(number, "rework", {"result": "再次处理，已整改。", "outcome": "resolved"}, claim=True)
        dispatcher.complete(number, "rework_review", {"decision": "accept"})
        agent.complete(number, "rework_callback", {"satisfaction": "dissatisfied", "resolved": False})

    appeal = agent.get(f"/appeals/{number}").get_json()
    assert appeal["status"] == "archived"
    assert appeal["closure"] == "unresolved"
    assert len([event for event in appeal["history"] if event["task_name"] == "rework"]) == 4
