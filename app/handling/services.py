"""Returning a wrongly dispatched appeal and asking for more working time.

Both run in one write transaction: lock the appeal's workflow instance, check
the task and the rule, store the request, deliver the BPMN message that starts
the matching path of the diagram, save and sync the task queue.
"""

import logging
from decimal import Decimal, InvalidOperation

from flask import current_app
from SpiffWorkflow.exceptions import WorkflowException
from sqlalchemy import select

from ..audit.services import record_event
from ..core.db import apply_update, utcnow, write_transaction
from ..core.errors import InvalidInput, WorkflowFailed
from ..engine import runner
from ..engine.errors import EngineError
from ..extensions import db
from ..processes import services as processes
from ..processes.events import finish_run
from ..sla import clocks
from ..sla.models import SlaClock
from ..tasks import services as tasks
from .effects import withdraw_pending_extension
from .errors import ExtensionAfterDeadline, ExtensionPending, NotExtendable, NotReturnable, ReturnWindowClosed
from .models import ExtensionRequest, ReturnRequest

log = logging.getLogger(__name__)

REPLY_CLOCK_KINDS = ("reply", "assist", "rework")
# Payloads of the messages this module sends, with sample values, for the designer's dry run.
MESSAGE_SAMPLES = {
    "appeal_returned": {"return_id": 0, "unit_id": 1, "reason_code": "other"},
    "extension_requested": {"extension_id": 0, "human_task_id": 0, "reviewer_unit_id": 1, "unit_id": 1, "days": "1"},
    "extension_withdrawn": {},
}
MAX_REASON_TEXT = 1000
MAX_GROUNDS = 2000


def return_reasons():
    """Return the standard return reasons, code → label."""
    return current_app.config["RETURN_REASONS"]


def check_return_input(reason_code, reason_text):
    """Raise InvalidInput naming each bad field of a return."""
    fields = {}
    if reason_code not in return_reasons():
        fields["reason_code"] = f"Must be one of: {', '.join(return_reasons())}."
    text = (reason_text or "").strip()
    if len(text) < 2:
        fields["reason_text"] = "Describe why the appeal is not your unit's (at least 2 characters)."
    elif len(text) > MAX_REASON_TEXT:
        fields["reason_text"] = f"Must have at most {MAX_REASON_TEXT} characters."
    if fields:
        raise InvalidInput("the return has invalid fields", fields)
    return text


def check_extension_input(days, grounds):
    """Raise InvalidInput naming each bad field of an extension request; return (days text, grounds)."""
    fields = {}
    maximum = Decimal(current_app.config["EXTENSION_MAX_DAYS"])
    try:
        value = Decimal(str(days).strip())
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite() or value <= 0 or value > maximum or value != value.quantize(Decimal("0.1")):
        fields["days"] = f"Must be a number of working days above 0 and at most {maximum}, with at most one decimal place."
    text = (grounds or "").strip()
    if len(text) < 5:
        fields["grounds"] = "Give the grounds for the extension (at least 5 characters)."
    elif len(text) > MAX_GROUNDS:
        fields["grounds"] = f"Must have at most {MAX_GROUNDS} characters."
    if fields:
        raise InvalidInput("the extension request has invalid fields", fields)
    return format(value.normalize(), "f"), text


def running_clock(task_id, kinds):
    """Return the task's first running clock of these kinds, or None."""
    query = select(SlaClock).where(SlaClock.human_task_id == task_id, SlaClock.kind.in_(kinds), SlaClock.status == "running")
    return db.session.scalars(query.order_by(SlaClock.id)).first()


def _deliver(workflow, name, payload, task):
    try:
        return runner.deliver_message(workflow, name, payload)
    except (WorkflowException, EngineError) as exc:
        log.warning("message.failed name=%s task_id=%s appeal_id=%s error=%s", name, task.id, task.appeal_id, exc)
        raise WorkflowFailed(f"the process could not continue after message {name} on task {task.id}: {exc}") from exc


def return_task(user, task_id, reason_code, reason_text):
    """Return the appeal of a reply task to its dispatcher with a standard reason and free text."""
    text = check_return_input(reason_code, reason_text)
    with write_transaction():
        instance, task = tasks.lock_acting_task(user, task_id)
        if "return" not in task.clock_classes.split(","):
            raise NotReturnable(task_id)
        now = utcnow()
        window = running_clock(task.id, ("return",))
        if window is None or window.deadline_at is None or window.deadline_at <= now:
            raise ReturnWindowClosed(task_id, window.deadline_at if window else None)

        appeal = task.appeal
        request = ReturnRequest(
            appeal_id=appeal.id,
            human_task_id=task.id,
            unit_id=task.candidate_org_id,
            category_code=appeal.category_code,
            reason_code=reason_code,
            reason_text=text,
            returned_by_id=user.id,
            returned_at=now,
            status="pending",
        )
        db.session.add(request)
        db.session.flush()

        workflow = processes.load_workflow(instance)
        known = {str(ready.id) for ready in runner.ready_user_tasks(workflow)}
        withdraw_pending_extension(user, task, workflow, now)
        payload = {"return_id": request.id, "unit_id": task.candidate_org_id, "reason_code": reason_code}
        if not _deliver(workflow, "appeal_returned", payload, task):
            raise NotReturnable(task_id)

        if any(runner.task_property(ready, "effect") == "owner_decision" for ready in runner.ready_user_tasks(workflow)):
            request.status = "escalated"
        apply_update(task, status="returned", completed_at=now, completed_by_id=user.id)
        clocks.stop_task_clocks([task.id], now)
        record_event(
            "task.returned",
            appeal.id,
            user.id,
            task.name,
            task_id=task.id,
            return_id=request.id,
            unit_id=task.candidate_org_id,
            reason_code=reason_code,
            reason_text=text,
            escalated=request.status == "escalated",
        )
        finish_run(instance, workflow, appeal, known - {task.engine_task_id}, now)
    log.info("task.returned task_id=%s appeal_id=%s return_id=%s", task_id, task.appeal_id, request.id)
    return request


def request_extension(user, task_id, days, grounds):
    """Ask the dispatching unit for more working time on a task, before its reply deadline."""
    days_text, grounds_text = check_extension_input(days, grounds)
    with write_transaction():
        instance, task = tasks.lock_acting_task(user, task_id)
        clock = running_clock(task.id, REPLY_CLOCK_KINDS)
        if clock is None:
            raise NotExtendable(task_id)
        now = utcnow()
        if clock.deadline_at <= now:
            raise ExtensionAfterDeadline(task_id, clock.deadline_at)
        pending = select(ExtensionRequest.id).where(ExtensionRequest.appeal_id == task.appeal_id, ExtensionRequest.status == "pending")
        if db.session.scalar(pending.limit(1)) is not None:
            raise ExtensionPending(task_id)

        workflow = processes.load_workflow(instance)
        known = {str(ready.id) for ready in runner.ready_user_tasks(workflow)}
        engine_task = runner.find_ready_task(workflow, task.engine_task_id)
        reviewer_unit_id = engine_task.data.get("dispatching_unit_id") or task.appeal.centre_id

        request = ExtensionRequest(
            appeal_id=task.appeal_id,
            human_task_id=task.id,
            unit_id=task.candidate_org_id,
            days=days_text,
            grounds=grounds_text,
            requested_by_id=user.id,
            requested_at=now,
            status="pending",
            old_deadline=clock.deadline_at,
        )
        db.session.add(request)
        db.session.flush()
        payload = {
            "extension_id": request.id,
            "human_task_id": task.id,
            "reviewer_unit_id": reviewer_unit_id,
            "unit_id": task.candidate_org_id,
            "days": days_text,
        }
        if not _deliver(workflow, "extension_requested", payload, task):
            raise NotExtendable(task_id)
        record_event(
            "extension.requested",
            task.appeal_id,
            user.id,
            task.name,
            task_id=task.id,
            extension_id=request.id,
            days=days_text,
            grounds=grounds_text,
            deadline=clock.deadline_at.isoformat(),
        )
        finish_run(instance, workflow, task.appeal, known, now)
    log.info("extension.requested task_id=%s appeal_id=%s extension_id=%s", task_id, task.appeal_id, request.id)
    return request
