"""The process designer in headless Chromium: edit, lint, save and deploy a diagram; uploads; roles.

Every edit clicks the palette, context pad, popup menu or properties panel as a designer
would. The tests read positions and results from the bpmn-js services through page.evaluate,
because the diagram is SVG and its coordinates depend on the zoom.
"""

import json
import re

from playwright.sync_api import expect

from tests.helpers import ApiUser, appeal_body, unit_id
from tests.web.test_browser import sign_in

HOSTILE_NAME = "<img src=x onerror=alert(1)>"
NEW_FORM = "extra_check.json"


def sign_in_english(page, base_url, username):
    page.goto(f"{base_url}/language/en?next=/login")
    sign_in(page, base_url, username)


def open_designer(page, base_url, process_id):
    page.goto(f"{base_url}/designer/processes/{process_id}")
    page.wait_for_selector(".djs-element[data-element-id]")


def canvas_point(page, x, y):
    """Return the page coordinates of a point in diagram coordinates."""
    return page.evaluate(
        """([x, y]) => {
          const canvas = window.hotlineModeler.get('canvas');
          const box = canvas.getContainer().getBoundingClientRect();
          const viewbox = canvas.viewbox();
          return [box.left + (x - viewbox.x) * viewbox.scale, box.top + (y - viewbox.y) * viewbox.scale];
        }""",
        [x, y],
    )


def point_on_flow(page, flow_id, share):
    """Return the diagram coordinates of the point at `share` (0 to 1) of a flow's longest segment."""
    return page.evaluate(
        """([id, share]) => {
          const points = window.hotlineModeler.get('elementRegistry').get(id).waypoints;
          let best = null;
          for (let i = 1; i < points.length; i++) {
            const [start, end] = [points[i - 1], points[i]];
            const length = Math.hypot(end.x - start.x, end.y - start.y);
            if (!best || length > best.length) {
              best = { length, x: start.x + (end.x - start.x) * share, y: start.y + (end.y - start.y) * share };
            }
          }
          return [best.x, best.y];
        }""",
        [flow_id, share],
    )


def flow_target(page, flow_id):
    return page.evaluate("(id) => { const flow = window.hotlineModeler.get('elementRegistry').get(id); return [flow.target.id, flow.target.type]; }", flow_id)


def drop_on_flow(page, palette_action, flow_id):
    """Drag a new element from the palette onto the middle of a flow; return the new element's id and type.

    bpmn-js splits the flow: the old flow ends at the new element and a new flow leaves it.
    """
    page.click(f".djs-palette [data-action='{palette_action}']")
    x, y = canvas_point(page, *point_on_flow(page, flow_id, 0.5))
    page.mouse.move(x - 60, y + 60, steps=5)
    page.mouse.move(x, y, steps=10)
    page.mouse.click(x, y)
    element_id, element_type = flow_target(page, flow_id)

    # diagram-js 15 ignores canvas clicks for 400 ms after a drop (its ghost-click trap in
    # Dragging.js), so the next click must come later. This waits for the library, not the app.
    page.wait_for_timeout(450)
    # bpmn-js opens the label editor on a new task; leave it so the name comes from the panel.
    if page.evaluate("() => window.hotlineModeler.get('directEditing').isActive()"):
        page.keyboard.press("Escape")
    return element_id, element_type


def outgoing_flow(page, element_id):
    return page.evaluate("(id) => window.hotlineModeler.get('elementRegistry').get(id).outgoing.map((flow) => flow.id)", element_id)


def select_flow(page, flow_id):
    """Click the middle of a flow's longest segment, where a new flow has no label."""
    page.mouse.click(*canvas_point(page, *point_on_flow(page, flow_id, 0.5)))
    assert page.evaluate("() => window.hotlineModeler.get('selection').get().map((e) => e.id)") == [flow_id]


def insert_user_task_on_flow(page, flow_id):
    """Drop a task from the palette onto a flow, turn it into a user task and return its id."""
    task_id, task_type = drop_on_flow(page, "create.task", flow_id)
    assert task_type == "bpmn:Task", "the task was not dropped onto the flow"

    page.click(".djs-context-pad [data-action='replace']")
    page.click(".djs-popup [data-id='replace-with-user-task']")
    assert flow_target(page, flow_id) == [task_id, "bpmn:UserTask"]
    return task_id


def open_group(page, group_id):
    header = page.locator(f"[data-group-id='group-{group_id}'] .bio-properties-panel-group-header")
    if "open" not in (header.get_attribute("class") or ""):
        header.click()


def spiff_properties(page, element_id):
    return page.evaluate(
        """(id) => {
          const element = window.hotlineModeler.get('elementRegistry').get(id);
          const extensions = (element.businessObject.extensionElements || { values: [] }).values;
          const properties = {};
          for (const container of extensions) {
            for (const property of container.values || []) properties[property.name] = property.value;
          }
          return properties;
        }""",
        element_id,
    )


def create_form_in_editor(page, task_id):
    """Create NEW_FORM from the task's form select, check its preview, and accept it."""
    page.select_option("#bio-properties-panel-hotline-form", "::new-form")
    expect(page.locator("#panel-forms")).to_be_visible()
    assert page.input_value("#form-name") == f"{task_id}.json"

    schema = json.loads(page.input_value("#form-schema"))
    schema["title"] = "Extra check"
    schema["required"] = ["checked"]
    schema["properties"] = {
        "checked": {"type": "boolean"},
        "comment": {"type": "string", "maxLength": 500, "x-widget": "textarea"},
    }
    schema["x-labels"] = {"zh_CN": {"checked": "已核实", "comment": "核实说明"}, "en": {"checked": HOSTILE_NAME, "comment": "Notes"}}
    page.fill("#form-name", NEW_FORM)
    page.fill("#form-schema", json.dumps(schema, ensure_ascii=False, indent=2))

    # The preview is the task page's field template, rendered by the server.
    preview = page.frame_locator("#form-preview")
    expect(preview.locator("[data-field='checked'] .field-label")).to_have_text(HOSTILE_NAME + " *")
    expect(preview.locator("input#checked-true")).to_be_visible()
    expect(preview.locator("textarea#comment")).to_be_visible()
    assert preview.locator("[data-field='checked'] img").count() == 0

    page.click("#form-accept")
    expect(page.locator("#panel-diagram")).to_be_visible()
    assert spiff_properties(page, task_id)["form"] == NEW_FORM


def start_appeal_waiting_at_review(app, client):
    """Register a complaint and drive it to the review task; return its number."""
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    handler = ApiUser(client, "nj_cgj_handler")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    dispatcher.complete(number, "dispatch", {"unit_id": unit_id(app, "JS-NJ-城市管理局")})
    handler.complete(number, "reply", {"result": "已现场整改。", "outcome": "resolved"}, claim=True)
    return number


def finish_after_review(client, number, extra_task=None):
    """Accept the reply, complete the extra task if given, call back; return the task names in order."""
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    dispatcher.complete(number, "review", {"decision": "accept"})
    if extra_task:
        # The task takes the role of the lane it was dropped into.
        (role,) = [task["role"] for task in agent.get(f"/appeals/{number}").get_json()["tasks"] if task["name"] == extra_task]
        {"agent": agent, "dispatcher": dispatcher}[role].complete(number, extra_task, {"checked": True, "comment": "已电话核实"})
    agent.complete(number, "callback", {"satisfaction": "satisfied", "resolved": True})

    appeal = agent.get(f"/appeals/{number}").get_json()
    assert appeal["status"] == "archived"
    return [event["task_name"] for event in appeal["history"] if event["event"] == "task.completed"]


def active_complaint_version(designer):
    processes = designer.get("/designer/processes").get_json()["processes"]
    return next(process for process in processes if process["process_id"] == "complaint")["active_version"]["version"]


def test_designer_edit_lint_deploy(app, client, live_server, page):
    designer = ApiUser(client, "designer")
    old_version = active_complaint_version(designer)
    old_appeal = start_appeal_waiting_at_review(app, client)
    migrated_appeal = start_appeal_waiting_at_review(app, client)

    sign_in_english(page, live_server, "designer")
    page.click("#nav-designer")
    page.click("tr[data-process='complaint'] a.open-process")
    page.wait_for_selector(".djs-element[data-element-id='callback']")

    # A new user task on the flow into the callback, with a hostile name.
    into_callback = page.evaluate("() => window.hotlineModeler.get('elementRegistry').get('callback').incoming.find((flow) => flow.type === 'bpmn:SequenceFlow').id")
    task_id = insert_user_task_on_flow(page, into_callback)
    open_group(page, "general")
    page.fill("#bio-properties-panel-name", HOSTILE_NAME)
    open_group(page, "hotline-task")
    create_form_in_editor(page, task_id)
    page.fill("#bio-properties-panel-hotline-candidate-org", "centre_id")
    page.select_option("#bio-properties-panel-hotline-appeal-status", "awaiting_callback")
    expect(page.locator(f".djs-element[data-element-id='{task_id}'] text")).to_have_text(re.compile(r"<img src=x"))

    page.click("#designer-save")
    expect(page.locator("#designer-status.status-success")).to_have_text("Draft saved.")
    expect(page.locator("#designer-problems")).to_be_hidden()

    # An exclusive gateway after the new task: its flow to the callback has no condition and is
    # not the default, which is a lint error that blocks the deploy.
    [task_out] = outgoing_flow(page, task_id)
    gateway_id, gateway_type = drop_on_flow(page, "create.exclusive-gateway", task_out)
    assert gateway_type == "bpmn:ExclusiveGateway", "the gateway was not dropped onto the flow"
    [gateway_out] = outgoing_flow(page, gateway_id)
    expect(page.locator(".bjsl-button.bjsl-button-error")).to_be_visible()
    expect(page.locator(".djs-overlay-container .bjsl-overlay").first).to_be_visible()
    page.click("#designer-deploy")
    expect(page.locator("#designer-problems")).to_contain_text("Fix the lint errors")

    # Making that flow the gateway's default fixes it.
    select_flow(page, gateway_out)
    open_group(page, "hotline-condition")
    page.check("#bio-properties-panel-hotline-default-flow")
    expect(page.locator(".bjsl-button.bjsl-button-success")).to_be_visible()
    page.fill("#deploy-note", "Add an extra check before the callback")
    page.click("#designer-deploy")
    expect(page.locator("#designer-status.status-success")).to_have_text(f"Deployed version {old_version + 1}.")
    assert page.dialogs == []

    new_version = old_version + 1
    try:
        # A new appeal runs on the new version.
        new_appeal = start_appeal_waiting_at_review(app, client)
        assert finish_after_review(client, new_appeal, extra_task=task_id) == ["dispatch", "reply", "review", task_id, "callback"]

        # The versions page shows the added task and migrates one of the older appeals.
        page.click("#designer-versions-link")
        page.wait_for_selector(f"#version-table tr[data-version='{new_version}'] .active-version")
        page.select_option("#diff-from", str(old_version))
        page.select_option("#diff-to", str(new_version))
        page.click("#diff-show")
        expect(page.locator(".diff-tasks li", has_text=task_id)).to_be_visible()
        page.click(f"#version-table tr[data-version='{new_version}'] .show-migration")
        expect(page.locator(f"#migration-table tr[data-appeal='{old_appeal}']")).to_be_visible()
        page.check(f"#migration-table tr[data-appeal='{migrated_appeal}'] input[type=checkbox]")
        page.click("#migrate-selected")
        expect(page.locator("#designer-status.status-success")).to_have_text("Migrated 1 appeal(s); refused 0.")
        expect(page.locator(f"#migration-table tr[data-appeal='{migrated_appeal}']")).to_have_count(0)
        assert finish_after_review(client, migrated_appeal, extra_task=task_id) == ["dispatch", "reply", "review", task_id, "callback"]

        # The appeal started before the deploy finishes on the old version.
        assert finish_after_review(client, old_appeal) == ["dispatch", "reply", "review", "callback"]

        # Rollback: the old version becomes active again.
        page.click(f"#version-table tr[data-version='{old_version}'] .activate")
        expect(page.locator(f"#version-table tr[data-version='{old_version}'] .active-version")).to_be_visible()
        assert active_complaint_version(designer) == old_version
        assert page.dialogs == []
    finally:
        # Later tests in this run expect the shipped complaint diagram, even after a failure.
        response = designer.post(f"/designer/processes/complaint/versions/{old_version}/activate")
        assert response.status_code == 200, response.get_json()


def test_upload_doctype_rejected_in_page(live_server, page):
    sign_in_english(page, live_server, "designer")
    page.goto(f"{live_server}/designer/")
    page.fill("#new-process-id", "designer_upload_page")
    page.fill("#new-process-name", "Upload check")
    page.click("#create-process")
    page.wait_for_url(re.compile(r".*/designer/processes/designer_upload_page$"))
    page.wait_for_selector(".djs-element[data-element-id]")

    evil = b'<?xml version="1.0"?>\n<!DOCTYPE definitions [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n<definitions>&secret;</definitions>\n'
    page.set_input_files("#designer-upload", files=[{"name": "designer_upload_page.bpmn", "mimeType": "application/xml", "buffer": evil}])
    expect(page.locator("#designer-problems")).to_contain_text("DOCTYPE")
    assert page.input_value("#designer-upload") == ""

    # The page still works: the diagram is there, the properties panel follows selection,
    # and the unchanged draft saves.
    start = page.evaluate("() => window.hotlineModeler.get('elementRegistry').filter((e) => e.type === 'bpmn:StartEvent')[0].id")
    page.click(f".djs-element[data-element-id='{start}']")
    open_group(page, "general")
    expect(page.locator("#bio-properties-panel-id")).to_have_value(start)
    page.click("#designer-save")
    expect(page.locator("#designer-status.status-success")).to_have_text("Draft saved.")
    assert page.dialogs == []


def test_hostile_names_shown_as_text(live_server, page):
    sign_in(page, live_server, "designer")
    open_designer(page, live_server, "complaint")
    page.click(".djs-element[data-element-id='callback']")
    open_group(page, "general")
    page.fill("#bio-properties-panel-name", HOSTILE_NAME)
    expect(page.locator(".djs-element[data-element-id='callback'] text")).to_have_text(re.compile(r"<img src=x"))
    assert page.locator("#designer img, .djs-container img").count() == 0

    # A rejected upload names the file in its message, which is shown as text.
    page.set_input_files("#designer-upload", files=[{"name": f"{HOSTILE_NAME}.bpmn", "mimeType": "application/xml", "buffer": b"<x"}])
    expect(page.locator("#designer-problems li").first).to_be_visible()
    assert page.locator("#designer-problems img").count() == 0
    assert page.dialogs == []


def test_lane_and_timer_edits_linted(live_server, page):
    sign_in_english(page, live_server, "designer")
    open_designer(page, live_server, "complaint")

    # The timer's duration is a Python expression, so a bare ISO 8601 duration is an error.
    page.click(".djs-element[data-element-id='callback_timeout_timer']")
    open_group(page, "hotline-timer")
    expect(page.locator("#bio-properties-panel-hotline-timer-expression")).to_have_value("callback_timeout")
    page.fill("#bio-properties-panel-hotline-timer-expression", "P3D")
    expect(page.locator(".bjsl-button.bjsl-button-error")).to_be_visible()
    # The error count and markers need a colour of their own; without it they were white on nothing.
    colour = page.eval_on_selector(".bjsl-button.bjsl-button-error", "button => getComputedStyle(button).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent", "")
    page.fill("#bio-properties-panel-hotline-timer-expression", '"P3D"')
    expect(page.locator(".bjsl-button.bjsl-button-success")).to_be_visible()

    # The lane's role comes from the role codes; a name that is no role is an error.
    # An empty spot inside the lane, left of its shapes.
    page.mouse.click(*canvas_point(page, 200, 800))
    assert page.evaluate("() => window.hotlineModeler.get('selection').get().map((e) => e.id)") == ["lane_supervisor"]
    open_group(page, "hotline-lane")
    expect(page.locator("#bio-properties-panel-hotline-lane-role")).to_have_value("supervisor")
    open_group(page, "general")
    page.fill("#bio-properties-panel-name", "citizen")
    expect(page.locator(".bjsl-button.bjsl-button-error")).to_be_visible()
    expect(page.locator("#bio-properties-panel-hotline-lane-role")).to_have_value("citizen")
    page.select_option("#bio-properties-panel-hotline-lane-role", "dispatcher")
    expect(page.locator(".bjsl-button.bjsl-button-success")).to_be_visible()
    assert page.evaluate("() => window.hotlineModeler.get('elementRegistry').get('lane_supervisor').businessObject.name") == "dispatcher"


def test_server_problem_selects_element(live_server, page):
    sign_in_english(page, live_server, "designer")
    open_designer(page, live_server, "complaint")
    shipped = page.evaluate("() => window.hotlineModeler.saveXML().then((result) => result.xml)")
    broken = shipped.replace('<spiffworkflow:property name="form" value="callback.json" />', "")
    assert broken != shipped

    page.set_input_files("#designer-upload", files=[{"name": "complaint.bpmn", "mimeType": "application/xml", "buffer": broken.encode("utf-8")}])
    problem = page.locator("#designer-problems li[data-element-id='callback'] .problem-link")
    expect(problem).to_be_visible()
    problem.click()
    assert page.evaluate("() => window.hotlineModeler.get('selection').get().map((e) => e.id)") == ["callback"]

    # The bundle's other files open from the file list.
    page.select_option("#designer-file", "reprocessing.bpmn")
    page.wait_for_selector(".djs-element[data-element-id='judgment']")
    page.select_option("#designer-file", "complaint.bpmn")
    page.wait_for_selector(".djs-element[data-element-id='callback']")


def test_designer_page_in_chinese(live_server, page):
    sign_in(page, live_server, "designer")
    open_designer(page, live_server, "complaint")
    assert page.inner_text("#designer-save") == "保存草稿"
    assert page.get_attribute(".djs-palette [data-action='create.task']", "aria-label") == "创建任务"
    expect(page.locator(".bjsl-button")).to_contain_text("没有问题")


def test_designer_pages_forbidden_to_handler(client):
    client.post("/login", data={"username": "nj_cgj_handler", "password": "demo12345"})
    assert client.get("/designer/").status_code == 403
    assert client.get("/designer/processes/complaint").status_code == 403
    assert client.get("/designer/processes/complaint/versions").status_code == 403
    assert client.post("/designer/forms/preview", json={"schema": {"type": "object"}}).status_code == 403
    assert 'id="nav-designer"' not in client.get("/tasks").get_data(as_text=True)


def test_form_preview_escapes_and_checks(client):
    client.post("/login", data={"username": "designer", "password": "demo12345"})
    schema = {
        "type": "object",
        "title": HOSTILE_NAME,
        "properties": {"decision": {"type": "string", "enum": ["yes", "no"]}},
        "x-labels": {"en": {"decision": HOSTILE_NAME}, "zh_CN": {"decision": HOSTILE_NAME}},
    }
    page = client.post("/designer/forms/preview", json={"schema": schema})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert HOSTILE_NAME not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'id="decision-yes"' in html

    remote = client.post("/designer/forms/preview", json={"schema": {"type": "object", "$ref": "https://example.org/x.json"}})
    assert remote.status_code == 422
    assert remote.get_json()["problems"][0]["keyword"] == "$ref"
    assert client.post("/designer/forms/preview", data="not json").status_code == 422
