"""The complaint lifecycle clicked through the web UI in headless Chromium."""

import re

from app.demo.loader import DEMO_PASSWORD
from tests.helpers import unit_id

HOSTILE = '夜间烧烤油烟扰民<script>alert("xss")</script><img src=x onerror=alert(2)>'


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#sign-in")
    page.wait_for_url(re.compile(r".*/tasks.*"))


def sign_out(page):
    page.click("header form button")
    page.wait_for_url(re.compile(r".*/login"))


def open_task(page, base_url, number, task_name):
    page.goto(f"{base_url}/tasks")
    row = page.locator(f"tr[data-appeal='{number}']")
    assert row.count() == 1, f"expected one {task_name} task row for {number}"
    row.locator("a.task-link").click()
    page.wait_for_selector("#task-status")


def test_complaint_path_in_browser(app, live_server, page, tmp_path):
    sign_in(page, live_server, "nj_agent")

    # Intake
    page.click("#nav-intake")
    page.select_option("#appeal_type", "complaint")
    page.select_option("#channel", "phone_12345")
    page.select_option("#region_id", str(unit_id(app, "JS-NJ-鼓楼区")))
    page.select_option("#category_code", "010103")
    page.fill("#citizen_name", "王先生")
    page.fill("#citizen_phone", "13900001234")
    page.fill("#content", HOSTILE)
    page.click("#register")
    page.wait_for_selector("#appeal-number")
    number = page.inner_text("#appeal-number")
    assert re.fullmatch(r"\d{14}", number)
    assert page.get_attribute("#appeal-status", "data-status") == "awaiting_dispatch"
    assert page.inner_text("#appeal-content") == HOSTILE
    assert page.dialogs == []
    sign_out(page)

    # Dispatch to the city's urban management bureau
    sign_in(page, live_server, "nj_dispatcher")
    open_task(page, live_server, number, "dispatch")
    assert page.inner_text("[data-field='unit_id'] .field-label").startswith("承办单位")
    page.select_option("#unit_id", label="南京市城市管理局")
    page.click("#complete")
    page.wait_for_selector("#appeal-status[data-status='dispatched']")
    sign_out(page)

    # The department signs for it; an empty reply is rejected with a field message first
    sign_in(page, live_server, "nj_cgj_handler")
    open_task(page, live_server, number, "reply")
    page.click("#claim")
    page.wait_for_selector("#task-status[data-status='claimed']")
    page.click("#complete")
    assert page.locator("#error-result").is_visible()
    assert page.locator("#error-outcome").is_visible()
    page.fill("#result", "已现场核查，烧烤摊已取缔，油烟问题已整改。")
    page.check("#outcome-resolved")
    page.click("#complete")
    page.wait_for_selector("#appeal-status[data-status='awaiting_review']")
    sign_out(page)

    # Review
    sign_in(page, live_server, "nj_dispatcher")
    open_task(page, live_server, number, "review")
    page.check("#decision-accept")
    page.click("#complete")
    page.wait_for_selector("#appeal-status[data-status='awaiting_callback']")
    sign_out(page)

    # Callback, satisfied
    sign_in(page, live_server, "nj_agent")
    open_task(page, live_server, number, "callback")
    page.check("#satisfaction-satisfied")
    page.check("#resolved-true")
    page.click("#complete")
    page.wait_for_selector("#appeal-status[data-status='archived']")

    events = page.locator("#timeline li")
    assert events.count() == 8
    tasks = [events.nth(index).get_attribute("data-task") for index in range(8)]
    assert tasks == ["", "dispatch", "dispatch", "reply", "reply", "review", "callback", ""]
    assert events.nth(2).get_attribute("data-event") == "dispatch.routed"
    assert events.nth(7).get_attribute("data-event") == "appeal.archived"
    assert "满意度" in events.nth(6).inner_text()
    assert page.inner_text("#dispatch-path .hop-to") == "南京市城市管理局"
    assert page.dialogs == []
    page.screenshot(path=str(tmp_path / "archived.png"), full_page=True)
    page.screenshot(path="/tmp/archived.png", full_page=True)


def test_language_switch_to_english(live_server, page):
    sign_in(page, live_server, "nj_agent")
    assert page.get_attribute("html", "lang") == "zh-CN"
    page.click("#lang-en")
    page.wait_for_url(re.compile(r".*/tasks$"))
    assert page.inner_text("#nav-tasks") == "My tasks"
    assert page.get_attribute("html", "lang") == "en"

    # After a rejected form the language link returns to the form page, not to the POST URL.
    page.goto(f"{live_server}/appeals/new")
    page.evaluate("document.getElementById('intake-form').noValidate = true")
    page.click("#register")
    assert page.locator("#error-content").is_visible()
    page.click("#lang-zh")
    page.wait_for_url(re.compile(r".*/appeals/new$"))
    assert page.inner_text("#nav-tasks") == "我的任务"
