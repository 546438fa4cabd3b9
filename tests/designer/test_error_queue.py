"""A script that fails at run time stops only its own appeal; an admin retries it after a fix."""

import time
from datetime import timedelta

from sqlalchemy import select

from app.appeals.models import Appeal
from app.audit.services import appeal_history
from app.core.db import utcnow
from app.extensions import db
from app.processes import events
from app.processes.models import PendingMessage, WorkflowError, WorkflowInstance
from tests.designer.conftest import appeal_flow, deploy, new_process_id
from tests.designer.test_api_appeals import CALLBACK, REPLY, dispatch, register

# Only normal appeals have a closure in this table, so the sample run passes and urgent appeals fail.
CLOSE_BY_URGENCY = 'closure = {"normal": callback["satisfaction"]}[urgency]'
UNREACHABLE_BY_URGENCY = 'closure = {"normal": "callback_unreachable"}[urgency]'


def state(app, number):
    """Return (appeal, instance, open errors) of an appeal, read fresh from the database."""
    with app.app_context():
        appeal = db.session.scalar(select(Appeal).where(Appeal.number == number))
        instance = db.session.scalar(select(WorkflowInstance).where(WorkflowInstance.appeal_id == appeal.id))
        errors = db.session.scalars(
            select(WorkflowError).where(WorkflowError.appeal_id == appeal.id, WorkflowError.resolved_at.is_(None))
        ).all()
        db.session.remove()
    return appeal, instance, errors


def to_callback(app, staff, number):
    dispatch(app, staff, number)
    staff["handler"].complete(number, "reply", REPLY, claim=True)


def fix_and_migrate(designer, process_id, appeal_id, **scripts):
    version = deploy(designer, process_id, appeal_flow(process_id, **scripts), note="fix")
    response = designer.post(f"/designer/processes/{process_id}/versions/{version}/migration", json={"appeal_ids": [appeal_id]})
    assert response.get_json()["migrated"] == [appeal_id], response.get_json()


def test_failed_completion_queued_and_retried(app, designer, admin, staff, route_suggestions):
    process_id = new_process_id()
    deploy(designer, process_id, appeal_flow(process_id, close_script=CLOSE_BY_URGENCY))
    route_suggestions(process_id)
    normal, urgent = register(app, staff["agent"]), register(app, staff["agent"], urgency="urgent")
    for number in (normal, urgent):
        to_callback(app, staff, number)

    staff["agent"].complete(normal, "callback", CALLBACK)
    task_id = staff["agent"].open_task(urgent, "callback")
    response = staff["agent"].post(f"/tasks/{task_id}/complete", json={"data": CALLBACK})

    assert response.status_code == 500
    assert response.get_json()["error"] == "workflow_failed"
    assert "workflow error" in response.get_json()["message"]
    normal_appeal, normal_instance, normal_errors = state(app, normal)
    assert normal_appeal.status == "archived"
    assert normal_errors == []
    assert not normal_instance.errored
    urgent_appeal, urgent_instance, (error,) = state(app, urgent)
    assert urgent_appeal.status == "awaiting_callback"
    assert urgent_instance.errored
    assert (error.source, error.task_spec, error.human_task_id) == ("task_completion", "close", task_id)
    assert "KeyError" in error.message
    assert staff["agent"].open_task(urgent, "callback") == task_id

    # The user trying again counts as another attempt of the same error.
    assert staff["agent"].post(f"/tasks/{task_id}/complete", json={"data": CALLBACK}).status_code == 500
    queue = admin.get("/admin/workflow-errors").get_json()["items"]
    listed = [item for item in queue if item["appeal_number"] == urgent]
    assert [(item["id"], item["attempts"], item["process_id"], item["version"]) for item in listed] == [(error.id, 2, process_id, 1)]

    # Timers skip the errored instance.
    with app.app_context():
        due = events.due_timer_instances(utcnow() + timedelta(days=30), 10_000)
        db.session.remove()
    assert urgent_instance.id not in due

    # A retry before the fix fails again and changes nothing else.
    again = admin.post(f"/admin/workflow-errors/{error.id}/retry")
    assert again.status_code == 409
    assert again.get_json()["error"] == "retry_failed"
    assert state(app, urgent)[2][0].attempts == 3

    fix_and_migrate(designer, process_id, urgent_appeal.id, close_script='closure = callback["satisfaction"]')
    retried = admin.post(f"/admin/workflow-errors/{error.id}/retry")

    assert retried.status_code == 200, retried.get_json()
    assert retried.get_json()["outcome"] == "completed"
    urgent_appeal, urgent_instance, open_errors = state(app, urgent)
    assert (urgent_appeal.status, urgent_appeal.closure) == ("archived", "satisfied")
    assert not urgent_instance.errored
    assert open_errors == []
    with app.app_context():
        history = [(row.event, row.actor.username if row.actor else None) for row in appeal_history(urgent_appeal.id)]
        db.session.remove()
    assert ("task.completed", "nj_agent") in history
    assert ("workflow_error.retried", "admin") in history
    assert history.index(("appeal.migrated", "designer")) < history.index(("workflow_error.retried", "admin"))
    assert admin.post(f"/admin/workflow-errors/{error.id}/retry").status_code == 409


def test_failed_timer_queued_and_skipped(app, designer, admin, staff, route_suggestions, monkeypatch):
    process_id = new_process_id()
    deploy(designer, process_id, appeal_flow(process_id, unreachable_script=UNREACHABLE_BY_URGENCY))
    route_suggestions(process_id)
    # The callback timer is due a second after the callback task opens.
    monkeypatch.setitem(app.config, "CALLBACK_TIMEOUT", "PT1S")
    normal, urgent = register(app, staff["agent"]), register(app, staff["agent"], urgency="urgent")
    for number in (normal, urgent):
        to_callback(app, staff, number)
    due = max(state(app, number)[1].next_timer_due for number in (normal, urgent))
    time.sleep(max(0.0, (due - utcnow()).total_seconds()) + 0.05)

    with app.app_context():
        events.fire_due_timers()
        db.session.remove()

    assert state(app, normal)[0].closure == "callback_unreachable"
    urgent_appeal, urgent_instance, (error,) = state(app, urgent)
    assert urgent_appeal.status == "awaiting_callback"
    assert urgent_instance.errored
    assert (error.source, error.task_spec, error.attempts) == ("timer", "close_unreachable", 1)

    # The scheduler's next runs leave it alone, and messages wait in the queue.
    with app.app_context():
        events.fire_due_timers()
        consumed = events.send_message(db.session.get(Appeal, urgent_appeal.id), "sla_overdue")
        queued = db.session.scalars(select(PendingMessage.name).where(PendingMessage.instance_id == urgent_instance.id)).all()
        db.session.remove()
    assert consumed is False
    assert queued == ["sla_overdue"]
    assert state(app, urgent)[2][0].attempts == 1

    fix_and_migrate(designer, process_id, urgent_appeal.id)
    retried = admin.post(f"/admin/workflow-errors/{error.id}/retry")

    assert retried.status_code == 200, retried.get_json()
    assert retried.get_json()["outcome"] == "resumed"
    urgent_appeal, urgent_instance, open_errors = state(app, urgent)
    assert (urgent_appeal.status, urgent_appeal.closure) == ("archived", "callback_unreachable")
    assert open_errors == []


def test_error_queue_filters(admin):
    assert admin.get("/admin/workflow-errors?status=resolved").status_code == 200
    assert admin.get("/admin/workflow-errors?status=all").status_code == 200
    assert admin.get("/admin/workflow-errors?status=stuck").status_code == 422
    assert admin.post("/admin/workflow-errors/999999/retry").status_code == 404


def with_overdue_note(text, script):
    """Add a message-started event subprocess whose script runs when the appeal is overdue."""
    subprocess = f"""<bpmn:subProcess id="overdue" triggeredByEvent="true">
      <bpmn:startEvent id="overdue_start" isInterrupting="false">
        <bpmn:outgoing>flow_overdue_start</bpmn:outgoing>
        <bpmn:messageEventDefinition messageRef="message_sla_overdue"/>
      </bpmn:startEvent>
      <bpmn:scriptTask id="note_overdue">
        <bpmn:incoming>flow_overdue_start</bpmn:incoming>
        <bpmn:outgoing>flow_overdue_end</bpmn:outgoing>
        <bpmn:script>{script}</bpmn:script>
      </bpmn:scriptTask>
      <bpmn:endEvent id="overdue_end">
        <bpmn:incoming>flow_overdue_end</bpmn:incoming>
      </bpmn:endEvent>
      <bpmn:sequenceFlow id="flow_overdue_start" sourceRef="overdue_start" targetRef="note_overdue"/>
      <bpmn:sequenceFlow id="flow_overdue_end" sourceRef="note_overdue" targetRef="overdue_end"/>
    </bpmn:subProcess>
  </bpmn:process>
  <bpmn:message id="message_sla_overdue" name="sla_overdue"/>"""
    return text.replace("</bpmn:process>", subprocess)


def test_failed_message_queued_then_delivered(app, designer, admin, staff, route_suggestions):
    process_id = new_process_id()
    broken = with_overdue_note(appeal_flow(process_id), 'overdue_note = {"normal": "超时"}[urgency]')
    deploy(designer, process_id, broken)
    route_suggestions(process_id)
    normal, urgent = register(app, staff["agent"]), register(app, staff["agent"], urgency="urgent")

    with app.app_context():
        delivered = [events.send_message(db.session.get(Appeal, state(app, number)[0].id), "sla_overdue") for number in (normal, urgent)]
        db.session.remove()

    assert delivered == [True, False]
    urgent_appeal, urgent_instance, (error,) = state(app, urgent)
    assert (error.source, error.task_spec) == ("message", "note_overdue")
    assert urgent_instance.errored
    assert urgent_instance.pending_messages == 1
    assert state(app, normal)[2] == []

    fixed = with_overdue_note(appeal_flow(process_id), 'overdue_note = "超时"')
    version = deploy(designer, process_id, fixed)
    designer.post(f"/designer/processes/{process_id}/versions/{version}/migration", json={"appeal_ids": [urgent_appeal.id]})
    retried = admin.post(f"/admin/workflow-errors/{error.id}/retry")

    assert retried.status_code == 200, retried.get_json()
    urgent_appeal, urgent_instance, open_errors = state(app, urgent)
    assert urgent_instance.pending_messages == 0
    assert not urgent_instance.errored
    assert open_errors == []


def test_user_completion_resolves_queued_error(app, designer, admin, staff, route_suggestions):
    process_id = new_process_id()
    deploy(designer, process_id, appeal_flow(process_id, close_script=CLOSE_BY_URGENCY))
    route_suggestions(process_id)
    urgent = register(app, staff["agent"], urgency="urgent")
    to_callback(app, staff, urgent)
    task_id = staff["agent"].open_task(urgent, "callback")
    assert staff["agent"].post(f"/tasks/{task_id}/complete", json={"data": CALLBACK}).status_code == 500
    urgent_appeal, _, (error,) = state(app, urgent)

    # After a fix, the agent completes the task again; the queued error must not run it a second time.
    fix_and_migrate(designer, process_id, urgent_appeal.id, close_script='closure = callback["satisfaction"]')
    assert staff["agent"].post(f"/tasks/{task_id}/complete", json={"data": CALLBACK}).status_code == 200
    urgent_appeal, urgent_instance, open_errors = state(app, urgent)
    assert urgent_appeal.status == "archived"
    assert not urgent_instance.errored
    assert open_errors == []

    again = admin.post(f"/admin/workflow-errors/{error.id}/retry")
    assert again.status_code == 409
    assert again.get_json()["error"] == "workflow_error_resolved"
    with app.app_context():
        archived = [row.event for row in appeal_history(urgent_appeal.id)].count("appeal.archived")
        db.session.remove()
    assert archived == 1


def test_error_queue_page(app, client, designer, admin, staff, route_suggestions):
    from app.demo.loader import DEMO_PASSWORD

    process_id = new_process_id()
    deploy(designer, process_id, appeal_flow(process_id, close_script=CLOSE_BY_URGENCY))
    route_suggestions(process_id)
    urgent = register(app, staff["agent"], urgency="urgent")
    to_callback(app, staff, urgent)
    task_id = staff["agent"].open_task(urgent, "callback")
    assert staff["agent"].post(f"/tasks/{task_id}/complete", json={"data": CALLBACK}).status_code == 500
    urgent_appeal, _, (error,) = state(app, urgent)

    client.post("/login", data={"username": "nj_agent", "password": DEMO_PASSWORD})
    assert client.get("/admin/workflow-errors").status_code == 403
    client.post("/logout")
    client.post("/login", data={"username": "admin", "password": DEMO_PASSWORD})
    page = client.get("/admin/workflow-errors").get_data(as_text=True)
    assert f'data-error="{error.id}"' in page
    assert urgent in page

    # Before the fix the retry fails with an error notice; after it the appeal is archived.
    failed = client.post(f"/admin/workflow-errors/{error.id}/retry", follow_redirects=True).get_data(as_text=True)
    assert f'data-error="{error.id}"' in failed
    assert 'class="flash error"' in failed
    fix_and_migrate(designer, process_id, urgent_appeal.id, close_script='closure = callback["satisfaction"]')
    done = client.post(f"/admin/workflow-errors/{error.id}/retry", follow_redirects=True).get_data(as_text=True)
    assert f'data-error="{error.id}"' not in done
    assert state(app, urgent)[0].status == "archived"
