"""Dispatch down the tree, returns and their review, clicked through the web UI in headless Chromium."""

from tests.api.test_routing import add_rule, clear_rules
from tests.helpers import ApiUser, appeal_body, unit_id
from tests.web.test_browser import open_task, sign_in, sign_out

HOSTILE_REASON = '不归我局<img src=x onerror=alert("return")>'


def test_province_city_district_in_browser(app, client, live_server, page):
    number = ApiUser(client, "js_agent").post("/appeals", json=appeal_body(app)).get_json()["number"]

    sign_in(page, live_server, "js_dispatcher")
    open_task(page, live_server, number, "dispatch")
    # The suggestion (the Nanjing centre) is preselected and marked as a lower centre.
    assert page.get_attribute("#dispatch-suggestion", "data-unit") == str(unit_id(app, "JS-NJ"))
    assert page.eval_on_selector("#unit_id", "select => select.selectedOptions[0].dataset.kind") == "centre"
    page.click("#complete")
    page.wait_for_selector("#appeal-status[data-status='awaiting_dispatch']")
    sign_out(page)

    sign_in(page, live_server, "nj_dispatcher")
    open_task(page, live_server, number, "dispatch")
    page.select_option("#unit_id", str(unit_id(app, "JS-NJ-鼓楼区")))
    page.click("#complete")
    page.wait_for_selector("#dispatch-path")
    sign_out(page)

    sign_in(page, live_server, "gl_dispatcher")
    open_task(page, live_server, number, "dispatch")
    page.select_option("#unit_id", str(unit_id(app, "JS-NJ-鼓楼区-街道")))
    page.click("#complete")
    page.wait_for_selector("#appeal-status[data-status='dispatched']")

    hops = page.locator("#dispatch-path .hop")
    assert hops.count() == 3
    assert [hops.nth(index).locator(".hop-to").inner_text() for index in range(3)] == ["南京市", "鼓楼区", "鼓楼区属地街道办事处"]
    assert [hops.nth(index).get_attribute("data-to-kind") for index in range(3)] == ["centre", "centre", "department"]
    assert page.dialogs == []


def test_returns_in_browser(app, client, live_server, page):
    clear_rules(app)
    add_rule(app, "0101", "JS-NJ-玄武区", "JS-NJ-城市管理局")
    add_rule(app, "", "JS-NJ-玄武区", "JS-NJ-住房和城乡建设局")
    try:
        number = ApiUser(client, "nj_agent").post("/appeals", json=appeal_body(app, region_id=unit_id(app, "JS-NJ-玄武区"))).get_json()["number"]
        ApiUser(client, "nj_dispatcher").complete(number, "dispatch", {"unit_id": unit_id(app, "JS-NJ-城市管理局")})

        # The bureau returns it: an empty form is refused first, then a reason with hostile text is sent.
        sign_in(page, live_server, "nj_cgj_handler")
        open_task(page, live_server, number, "reply")
        page.click("#return-panel summary")
        page.fill("#reason_text", "说明写了但没选原因")
        page.click("#return-submit")
        assert "请从列表中选择退回原因" in page.inner_text(".flash.error")
        # The panel stays open with the text typed so far.
        assert page.get_attribute("#return-panel", "open") is not None
        assert page.input_value("#reason_text") == "说明写了但没选原因"
        page.select_option("#reason_code", "not_our_duty")
        page.fill("#reason_text", HOSTILE_REASON)
        page.click("#return-submit")
        page.wait_for_selector("#task-status[data-status='returned']")
        sign_out(page)

        # The reason shows as text, and the dispatcher accepts with the preselected next suggestion.
        sign_in(page, live_server, "nj_dispatcher")
        open_task(page, live_server, number, "return_review")
        assert HOSTILE_REASON in page.inner_text("#returns")
        assert page.get_attribute("#dispatch-suggestion", "data-unit") == str(unit_id(app, "JS-NJ-住房和城乡建设局"))
        page.check("#decision-accept")
        page.click("#complete")
        page.wait_for_selector("#appeal-status[data-status='dispatched']")
        sign_out(page)

        # The housing bureau returns it too; the dispatcher rejects with a reason.
        sign_in(page, live_server, "nj_zjj_handler")
        open_task(page, live_server, number, "reply")
        page.click("#return-panel summary")
        page.select_option("#reason_code", "not_our_area")
        page.fill("#reason_text", "不在本局管理范围。")
        page.click("#return-submit")
        page.wait_for_selector("#task-status[data-status='returned']")
        sign_out(page)

        sign_in(page, live_server, "nj_dispatcher")
        open_task(page, live_server, number, "return_review")
        page.check("#decision-reject")
        page.click("#complete")
        assert page.locator("#error-reason").is_visible()
        page.check("#decision-reject")
        page.fill("#reason", "涉及小区公共部位，属住建部门职责。")
        page.click("#complete")
        page.wait_for_selector("#appeal-status[data-status='dispatched']")
        sign_out(page)

        # The rejection reason shows on the housing bureau's task; its third return goes to a supervisor.
        sign_in(page, live_server, "nj_zjj_handler")
        open_task(page, live_server, number, "reply")
        assert "涉及小区公共部位，属住建部门职责。" in page.inner_text("#returns")
        page.click("#return-panel summary")
        page.select_option("#reason_code", "other")
        page.fill("#reason_text", "仍认为不属于本局。")
        page.click("#return-submit")
        page.wait_for_selector("#task-status[data-status='returned']")
        sign_out(page)

        sign_in(page, live_server, "nj_supervisor")
        open_task(page, live_server, number, "decide_owner")
        assert page.locator("#returns .return-row").count() == 3
        page.select_option("#unit_id", str(unit_id(app, "JS-NJ-市场监督管理局")))
        page.fill("#note", "经协调由市场监管局牵头办理。")
        page.click("#complete")
        page.wait_for_selector("#appeal-status[data-status='dispatched']")
        assert page.locator("#dispatch-path .hop").count() == 3
        assert page.dialogs == []
        page.screenshot(path="/tmp/returns-appeal.png", full_page=True)
    finally:
        clear_rules(app)
