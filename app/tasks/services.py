"""Task queues: list, claim, release and complete human tasks."""

import logging

from flask import current_app
from SpiffWorkflow.exceptions import WorkflowException
from sqlalchemy import case, select, update
from sqlalchemy.orm import selectinload

from ..appeals.models import Appeal
from ..audit.services import record_event
from ..core.db import apply_update, utcnow, write_transaction
from ..core.errors import (
    Forbidden,
    InvalidInput,
    TaskAlreadyClaimed,
    TaskNotClaimed,
    TaskNotFound,
    TaskNotOpen,
    WorkflowFailed,
)
from ..engine import runner
from ..engine.errors import EngineError
from ..extensions import db
from ..orgs.models import OrgUnit
from ..processes import services as processes
from ..processes import failures, version_forms
from ..processes.events import finish_run
from ..processes.forms import FieldError, validate_form
from ..sla import clocks
from ..handling.effects import apply_effect, check_decision, read_context, withdraw_pending_extension
from ..handling.units import check_unit_fields, has_unit_fields
from .models import HumanTask

log = logging.getLogger(__name__)

ACTIVE_STATUSES = ("open", "claimed")
URGENCY_ORDER = case({"very_urgent": 0, "urgent": 1}, value=Appeal.urgency, else_=2)
SORTS = {
    "created": HumanTask.created_at.asc(),
    "-created": HumanTask.created_at.desc(),
    "urgency": URGENCY_ORDER,
    "due": HumanTask.due_at.asc().nulls_last(),
}
SCOPES = ("all", "mine", "claimable")


def form_registry():
    """Return the application's form registry."""
    return current_app.extensions["hotline.forms"]


def task_form(task, spec_hash=None):
    """Return the Form a task names: its process version's copy, else the forms folder's."""
    spec_hash = spec_hash or version_forms.appeal_spec_hash(task.appeal_id)
    return version_forms.version_form(spec_hash, task.form, form_registry())


def _visible_condition(user):
    return OrgUnit.path.like(user.org_unit.path + "%")


def can_act(user, task):
    """Return True when the user's role and unit match the task's lane and candidate unit."""
    return user.has_role(task.role) and task.candidate_org_id == user.org_unit_id


def has_paused_clocks(task):
    """Return True when the task has clocks paused while waiting for the citizen."""
    from ..sla.models import SlaClock

    query = select(SlaClock.id).where(SlaClock.human_task_id == task.id, SlaClock.status == "paused").limit(1)
    return db.session.scalar(query) is not None


def list_tasks(user, scope="all", appeal_type=None, category=None, urgency=None, status=None, sort="created", limit=200):
    """Return the user's tasks: claimed by them, claimable by their org and role, or both."""
    mine = (HumanTask.assignee_id == user.id) & (HumanTask.status == "claimed")
    claimable = (
        (HumanTask.status == "open")
        & (HumanTask.candidate_org_id == user.org_unit_id)
        & HumanTask.role.in_(sorted(user.roles))
    )
    condition = {"mine": mine, "claimable": claimable}.get(scope, mine | claimable)

    query = select(HumanTask).join(Appeal, Appeal.id == HumanTask.appeal_id).where(condition)
    if appeal_type:
        query = query.where(Appeal.appeal_type == appeal_type)
    if category:
        query = query.where(Appeal.category_code.startswith(category))
    if urgency:
        query = query.where(Appeal.urgency == urgency)
    if status:
        query = query.where(HumanTask.status == status)

    query = query.options(selectinload(HumanTask.assignee)).order_by(SORTS.get(sort, SORTS["created"]), HumanTask.id).limit(limit)
    return db.session.scalars(query).unique().all()


def get_visible_task(user, task_id, lock=False):
    """Return a task the user may see, or raise TaskNotFound (also for tasks outside their subtree)."""
    query = (
        select(HumanTask)
        .join(OrgUnit, OrgUnit.id == HumanTask.candidate_org_id)
        .where(HumanTask.id == task_id, _visible_condition(user))
    )
    task = db.session.scalars(query).unique().first()
    if task is None:
        raise TaskNotFound(task_id)
    return task


def check_can_act(user, task):
    """Raise Forbidden unless the user's role and unit match the task."""
    if not can_act(user, task):
        raise Forbidden(f"task {task.id} is for role '{task.role}' in another unit; you may view it but not act on it")


def claim_task(user, task_id):
    """Sign for a task; exactly one of many concurrent claims succeeds."""
    with write_transaction():
        task = get_visible_task(user, task_id)
        check_can_act(user, task)
        if task.status not in ACTIVE_STATUSES:
            raise TaskNotOpen(task_id, task.status)

        now = utcnow()
        result = db.session.execute(
            update(HumanTask)
            .where(HumanTask.id == task_id, HumanTask.status == "open")
            .values(status="claimed", assignee_id=user.id, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            db.session.refresh(task)
            raise TaskAlreadyClaimed(task_id, by_requester=task.assignee_id == user.id)

        if "claim" in task.clock_classes.split(","):
            clocks.stop_task_clocks([task.id], now, kinds=("claim",))
            clocks.refresh_task_due([task.id])
        record_event("task.claimed", task.appeal_id, user.id, task.name, task_id=task.id)

    db.session.refresh(task)
    return task


def release_task(user, task_id):
    """Give a claimed task back to its org's queue."""
    with write_transaction():
        task = get_visible_task(user, task_id)
        if task.status == "open":
            raise TaskNotClaimed(task_id)
        if task.status != "claimed":
            raise TaskNotOpen(task_id, task.status)
        if task.assignee_id != user.id:
            raise Forbidden(f"task {task_id} is claimed by another user; only they can release it")

        task.status = "open"
        task.assignee_id = None
        task.claimed_at = None
        record_event("task.released", task.appeal_id, user.id, task.name, task_id=task.id)
    return task


def lock_acting_task(user, task_id):
    """Lock the task's workflow instance and return (instance, task) when the user may act on the open task.

    Runs inside the caller's write transaction; raises TaskNotFound, Forbidden,
    TaskNotOpen or TaskAlreadyClaimed otherwise.
    """
    instance = processes.lock_instance_for_task(task_id)
    task = get_visible_task(user, task_id)
    if instance is None:
        raise TaskNotFound(task_id)
    check_can_act(user, task)
    if task.status not in ACTIVE_STATUSES:
        raise TaskNotOpen(task_id, task.status)
    if task.status == "claimed" and task.assignee_id != user.id:
        raise TaskAlreadyClaimed(task_id)
    return instance, task


def complete_task(user, task_id, form_data):
    """Validate the form and complete the task in one transaction; any failure changes nothing.

    An engine failure is also queued for an administrator, in a transaction of its own.
    """
    with failures.recording_failures(), write_transaction():
        instance, task = lock_acting_task(user, task_id)
        form = task_form(task, instance.spec_hash)
        picks_units = has_unit_fields(form)
        check_form(task.form, form_data, task.candidate_org if picks_units else None, spec_hash=instance.spec_hash)
        if picks_units:
            _record_override(user, task, form, form_data)
        workflow = processes.load_workflow(instance)
        complete_loaded(user, task, instance, workflow, form_data)
    return task


def returned_unit_ids(appeal_id):
    """Return the ids of the units that returned an appeal, so suggestions skip them."""
    from ..handling.models import ReturnRequest

    return set(db.session.scalars(select(ReturnRequest.unit_id).where(ReturnRequest.appeal_id == appeal_id)))


def dispatch_suggestion(task, form):
    """Return the routing Suggestion for a task whose form picks a unit, or None."""
    from ..orgs.routing import suggest_unit

    if not has_unit_fields(form) or task.candidate_org is None:
        return None
    return suggest_unit(task.appeal, task.candidate_org, returned_unit_ids(task.appeal_id))


def _record_override(user, task, form, form_data):
    """Audit a dispatch that differs from the suggested unit, with both units and the reason."""
    suggestion = dispatch_suggestion(task, form)
    if suggestion is None:
        return
    for name, field in form.fields.items():
        if field.get("x-widget") in ("unit", "department") and name in form_data and form_data[name] != suggestion.unit_id:
            record_event(
                "dispatch.override",
                task.appeal_id,
                user.id,
                task.name,
                suggested_unit_id=suggestion.unit_id,
                suggested_unit=suggestion.unit_name,
                chosen_unit_id=form_data.get(name),
                reason=suggestion.reason,
            )


def check_form(form_name, form_data, dispatching_unit=None, prefix="", spec_hash=None):
    """Raise InvalidInput naming every invalid field of a form submission.

    ``spec_hash`` names the process version whose stored forms come first.
    Unit fields are checked against ``dispatching_unit`` and, when valid, gain
    their derived kind fields in ``form_data``.
    """
    form = version_forms.version_form(spec_hash, form_name, form_registry())
    errors = validate_form(form, form_data)
    if not errors and dispatching_unit is not None and has_unit_fields(form):
        errors = check_unit_fields(form, form_data, dispatching_unit)
    if errors:
        raise InvalidInput(
            f"form {form_name} has {len(errors)} invalid field(s)",
            {prefix + error.field: error.message for error in errors},
            {prefix + error.field: error for error in errors},
        )


def complete_loaded(user, task, instance, workflow, form_data):
    """Complete a checked task on a loaded workflow, save it and sync the queue.

    Runs inside the caller's write transaction, after the form was validated.
    """
    known = {str(ready.id) for ready in runner.ready_user_tasks(workflow)}
    try:
        engine_task = runner.find_ready_task(workflow, task.engine_task_id)
        effect, effect_ids = read_context(engine_task)
        check_decision(effect, effect_ids, form_data)
        runner.complete_ready_task(workflow, engine_task, form_data)
        withdraw_pending_extension(user, task, workflow, utcnow())
    except (WorkflowException, EngineError) as exc:
        raise _workflow_failed(exc, user, task, instance, form_data) from exc

    now = utcnow()
    values = {"status": "completed", "completed_at": now, "completed_by_id": user.id}
    claimed_on_completion = task.assignee_id is None
    if claimed_on_completion:
        values.update(assignee_id=user.id, claimed_at=now)
    apply_update(task, **values)
    if task.clock_classes:
        clocks.stop_task_clocks([task.id], now)
    record_event(
        "task.completed",
        task.appeal_id,
        user.id,
        task.name,
        task_id=task.id,
        form_name=task.form,
        form=form_data,
        claimed_on_completion=claimed_on_completion,
    )
    if instance.errored:
        failures.resolve_for_completed_task(instance, task, user)
    apply_effect(user, task, effect, effect_ids, form_data, now)
    # After the completion event, so an archive event written by the sync follows it.
    try:
        finish_run(instance, workflow, task.appeal, known - {task.engine_task_id}, now)
    except (WorkflowException, EngineError) as exc:
        raise _workflow_failed(exc, user, task, instance, form_data) from exc


def _workflow_failed(exc, user, task, instance, form_data):
    """Return the WorkflowFailed for an engine error during a completion, with what a retry needs."""
    log.warning("task.complete_failed task_id=%s appeal_id=%s error=%s", task.id, task.appeal_id, exc)
    failed = WorkflowFailed(f"the process could not continue after task {task.id}: {exc}")
    failed.failure = failures.completion_failure(exc, instance, task, user, form_data)
    return failed
