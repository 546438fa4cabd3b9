"""Clock colours and countdowns in task lists and appeal pages, and the calendar admin page, in Chromium."""

import re
from datetime import timedelta

from sqlalchemy import delete, select, update

from app.core.db import utcnow
from app.extensions import db
from app.sla.clocks import refresh_task_due
from app.sla.models import CalendarYear, SlaClock
from tests.helpers import ApiUser, appeal_body, unit_id
from tests.web.test_browser import sign_in

YEAR_2029 = """\
year: 2029
source: 浏览器测试用2029年节假日安排
holidays:
  - {name: 元旦, from: 2029-01-01, to: 2029-01-01}
"""


def _dispatched(app, client):
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    dispatcher.complete(number, "dispatch", {"unit_id": unit_id(app, "JS-NJ-城市管理局")})
    return number, ApiUser(client, "nj_cgj_handler").open_task(number, "reply")


def _shift_task_clocks(app, task_id, yellow_hours_ago, deadline_hours_ago):
    now = utcnow()
    with app.app_context():
        values = {}
        if yellow_hours_ago is not None:
            values["yellow_at"] = now - timedelta(hours=yellow_hours_ago)
        if deadline_hours_ago is not None:
            values["deadline_at"] = now - timedelta(hours=deadline_hours_ago)
        db.session.execute(update(SlaClock).where(SlaClock.human_task_id == task_id, SlaClock.status == "running").values(**values))
        refresh_task_due([task_id])
        db.session.commit()
        db.session.remove()


def test_task_list_shows_colours_and_countdowns(app, client, live_server, page):
    green_number, green_task = _dispatched(app, client)
    yellow_number, yellow_task = _dispatched(app, client)
    red_number, red_task = _dispatched(app, client)
    _shift_task_clocks(app, yellow_task, yellow_hours_ago=1, deadline_hours_ago=None)
    _shift_task_clocks(app, red_task, yellow_hours_ago=30, deadline_hours_ago=26)

    sign_in(page, live_server, "nj_cgj_handler")
    page.goto(f"{live_server}/tasks?sort=due")
    levels = {}
    for number in (green_number, yellow_number, red_number):
        badge = page.locator(f"tr[data-appeal='{number}'] .clock")
        levels[number] = (badge.get_attribute("data-level"), badge.inner_text())

    assert levels[green_number][0] == "green"
    assert re.fullmatch(r"剩余 (\d+ 个工作日 )?\d+ 小时 \d+ 分", levels[green_number][1])
    assert levels[yellow_number][0] == "yellow"
    assert levels[red_number][0] == "red"
    assert re.fullmatch(r"超时 (\d+ 个工作日 )?\d+ 小时 \d+ 分", levels[red_number][1])
    assert page.locator(f"tr[data-appeal='{red_number}'] .clock").evaluate("node => getComputedStyle(node).backgroundColor") == "rgb(253, 226, 224)"

    # Sorted by deadline, the overdue task comes before the others (other tests' tasks may sit in between).
    order = page.locator("#task-table tbody tr").evaluate_all("rows => rows.map(row => row.dataset.appeal)")
    assert order.index(red_number) < order.index(green_number)
    assert order.index(red_number) < order.index(yellow_number)

    page.goto(f"{live_server}/appeals/{red_number}")
    kinds = page.locator("#clock-table tbody tr")
    assert sorted(kinds.nth(index).get_attribute("data-clock-kind") for index in range(kinds.count())) == ["claim", "dispatch", "overall", "reply", "return"]
    assert page.locator("#clock-table tr[data-clock-kind='claim']").get_attribute("data-level") == "red"


def test_admin_loads_a_year_in_the_browser(app, live_server, page, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("year: 2029\nholidays:\n  - {name: 元旦, from: 2029-01-01, to: 2029-01-01}\nmakeup_workdays: [2029-01-03]\n", encoding="utf-8")
    good = tmp_path / "2029.yaml"
    good.write_text(YEAR_2029, encoding="utf-8")

    sign_in(page, live_server, "admin")
    page.click("#nav-calendar")
    page.set_input_files("#schedule-file", str(bad))
    page.click("#preview-schedule")
    problems = page.inner_text("#upload-problems")
    assert page.locator("#upload-problems li").count() == 2
    assert "source" in problems
    assert "2029-01-03" in problems

    page.set_input_files("#schedule-file", str(good))
    page.click("#preview-schedule")
    assert "2029-01-01" in page.inner_text("#changed-days")
    page.click("#apply-schedule")
    page.wait_for_selector("#calendar-years")
    assert "浏览器测试用2029年节假日安排" in page.inner_text("#calendar-years")

    with app.app_context():
        assert db.session.scalar(select(CalendarYear.source).where(CalendarYear.year == 2029)) == "浏览器测试用2029年节假日安排"
        db.session.execute(delete(CalendarYear).where(CalendarYear.year == 2029))
        from app.sla.provider import bump_revision

        bump_revision()
        db.session.commit()
        db.session.remove()


def test_calendar_page_is_admin_only(live_server, page):
    sign_in(page, live_server, "nj_agent")
    response = page.goto(f"{live_server}/admin/calendar")
    assert response.status == 403
