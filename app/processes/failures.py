"""The workflow error queue: engine failures of single instances, and retrying them.

A script or condition that fails stops only its own appeal. A failed task
completion is rolled back and reported to the user as before, and is also
recorded here in a transaction of its own. A timer or message run by the
scheduler is recorded here and its instance marked errored, so the jobs skip
the instance instead of failing on it again every few seconds. An administrator
retries an error after fixing its cause, for example after migrating the
appeal to a corrected version.
"""

import json
import logging
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select, update
from SpiffWorkflow.exceptions import WorkflowException

from ..audit.services import record_event
from ..core.db import apply_update, utcnow, write_transaction
from ..core.errors import Conflict, InvalidInput, NotFound, WorkflowFailed
from ..engine import runner
from ..engine.errors import EngineError, describe_engine_error
from ..extensions import db
from .models import ProcessVersion, WorkflowError, WorkflowInstance

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
SOURCES = ("task_completion", "timer", "message")


class WorkflowErrorNotFound(NotFound):
    code = "workflow_error_not_found"

    def __init__(self, error_id):
        super().__init__(f"workflow error {error_id} not found")


class WorkflowErrorResolved(Conflict):
    code = "workflow_error_resolved"

    def __init__(self, error_id):
        super().__init__(f"workflow error {error_id} is already resolved")


class RetryFailed(Conflict):
    code = "retry_failed"


@dataclass(frozen=True)
class Failure:
    """An engine failure: the instance, the failing element, the work that ran and the engine's message."""

    instance_id: int
    appeal_id: int
    process_version_id: int
    source: str
    task_spec: str
    message: str
    human_task_id: int | None = None
    actor_id: int | None = None
    form_data: dict | None = None


def failed_element(exc):
    """Return the BPMN id of the element an engine exception names, or ''."""
    task_spec = getattr(exc, "task_spec", None)
    if task_spec is None:
        return ""
    return (getattr(task_spec, "bpmn_id", None) or task_spec.name)[:100]


def engine_message(exc):
    """Return an engine exception as one line of text for the queue."""
    return describe_engine_error(exc)[:MAX_MESSAGE_CHARS]


def instance_failure(exc, instance, source):
    """Describe an engine failure of a timer or message run."""
    return Failure(instance.id, instance.appeal_id, instance.process_version_id, source, failed_element(exc), engine_message(exc))


def completion_failure(exc, instance, task, user, form_data):
    """Describe an engine failure while completing a human task, keeping the data for a retry."""
    return Failure(
        instance.id,
        instance.appeal_id,
        instance.process_version_id,
        "task_completion",
        failed_element(exc),
        engine_message(exc),
        human_task_id=task.id,
        actor_id=user.id,
        form_data=form_data,
    )


def record_failure(failure):
    """Queue a failure in the caller's transaction and mark its instance errored; return the WorkflowError.

    A repeat of an unresolved error (same instance, source and task) counts as
    another attempt of the same entry.
    """
    now = utcnow()
    error = db.session.scalar(
        select(WorkflowError).where(
            WorkflowError.instance_id == failure.instance_id,
            WorkflowError.source == failure.source,
            WorkflowError.human_task_id.is_(None) if failure.human_task_id is None else WorkflowError.human_task_id == failure.human_task_id,
            WorkflowError.resolved_at.is_(None),
        )
    )
    form_data = json.dumps(failure.form_data, ensure_ascii=False) if failure.form_data is not None else None
    if error is None:
        error = WorkflowError(
            instance_id=failure.instance_id,
            appeal_id=failure.appeal_id,
            process_version_id=failure.process_version_id,
            source=failure.source,
            task_spec=failure.task_spec,
            human_task_id=failure.human_task_id,
            actor_id=failure.actor_id,
            form_data=form_data,
            message=failure.message,
            attempts=1,
            occurred_at=now,
        )
        db.session.add(error)
    else:
        error.attempts += 1
        error.message, error.task_spec, error.occurred_at = failure.message, failure.task_spec, now
        error.process_version_id = failure.process_version_id
        if form_data is not None:
            error.form_data, error.actor_id = form_data, failure.actor_id

    db.session.execute(update(WorkflowInstance).where(WorkflowInstance.id == failure.instance_id).values(errored=True))
    db.session.flush()
    record_event("workflow.failed", failure.appeal_id, failure.actor_id, error_id=error.id, source=failure.source, task_spec=failure.task_spec)
    log.warning(
        "workflow.failed error_id=%s appeal_id=%s source=%s task_spec=%s error=%s",
        error.id,
        failure.appeal_id,
        failure.source,
        failure.task_spec,
        failure.message,
    )
    return error


@contextmanager
def recording_failures():
    """Queue a WorkflowFailed raised in the block in a transaction of its own, then raise it again.

    Put it outside the block's write transaction, so that transaction has
    rolled back before the failure is recorded.
    """
    try:
        yield
    except WorkflowFailed as exc:
        failure = getattr(exc, "failure", None)
        if failure is None:
            raise
        with write_transaction():
            error = record_failure(failure)
        exc.message = f"{exc.message.rstrip('. ')}. Nothing was saved; an administrator can retry it as workflow error {error.id}"
        raise


def list_errors(status="open", limit=200):
    """Return (WorkflowError, appeal number, process id, version) rows, newest first."""
    from ..appeals.models import Appeal

    query = (
        select(WorkflowError, Appeal.number, ProcessVersion.process_id, ProcessVersion.version)
        .join(Appeal, Appeal.id == WorkflowError.appeal_id)
        .join(ProcessVersion, ProcessVersion.id == WorkflowError.process_version_id)
    )
    if status == "open":
        query = query.where(WorkflowError.resolved_at.is_(None))
    elif status == "resolved":
        query = query.where(WorkflowError.resolved_at.is_not(None))
    return db.session.execute(query.order_by(WorkflowError.id.desc()).limit(limit)).all()


def _replay(error, instance):
    """Run the failed work again on the instance; return what was done ('completed', 'form_changed' or 'resumed')."""
    from ..appeals.models import Appeal
    from ..orgs.models import User
    from ..tasks.models import HumanTask
    from ..tasks.services import ACTIVE_STATUSES, check_form, complete_loaded
    from . import services
    from .events import finish_run

    workflow = services.load_workflow(instance)
    known = {str(task.id) for task in runner.ready_user_tasks(workflow)}
    appeal = db.session.get(Appeal, instance.appeal_id)

    outcome = "resumed"
    task = db.session.get(HumanTask, error.human_task_id) if error.human_task_id else None
    if task is not None and task.status in ACTIVE_STATUSES and task.engine_task_id in known:
        form_data = json.loads(error.form_data or "{}")
        try:
            check_form(task.form, form_data, task.candidate_org, spec_hash=instance.spec_hash)
        except InvalidInput:
            # The form changed with a migration: the task stays open for its user to complete again.
            outcome = "form_changed"
        else:
            complete_loaded(db.session.get(User, error.actor_id), task, instance, workflow, form_data)
            return "completed"

    runner.fire_due_timers(workflow)
    finish_run(instance, workflow, appeal, known, utcnow())
    return outcome


def resolve_for_completed_task(instance, task, user):
    """Resolve the queued errors of a task its user has now completed, so no retry runs it twice.

    Called only for instances marked errored, so other completions cost no query.
    """
    now = utcnow()
    db.session.execute(
        update(WorkflowError)
        .where(WorkflowError.instance_id == instance.id, WorkflowError.human_task_id == task.id, WorkflowError.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by_id=user.id, resolution="completed_by_user")
        .execution_options(synchronize_session=False)
    )
    others = db.session.scalar(
        select(WorkflowError.id).where(WorkflowError.instance_id == instance.id, WorkflowError.resolved_at.is_(None)).limit(1)
    )
    if others is None:
        apply_update(instance, errored=False)


def _resolve(error, instance, admin, outcome):
    error.resolved_at = utcnow()
    error.resolved_by_id = admin.id
    error.resolution = outcome
    others = db.session.scalar(
        select(WorkflowError.id).where(
            WorkflowError.instance_id == instance.id, WorkflowError.resolved_at.is_(None), WorkflowError.id != error.id
        ).limit(1)
    )
    if others is None:
        apply_update(instance, errored=False)


def retry_error(admin, error_id):
    """Run a queued error's work again; resolve it on success, count another attempt on failure."""
    from . import services

    error = db.session.get(WorkflowError, error_id)
    if error is None:
        raise WorkflowErrorNotFound(error_id)

    try:
        with write_transaction():
            instance = services.lock_instance(error.instance_id)
            db.session.refresh(error)
            if error.resolved_at is not None:
                raise WorkflowErrorResolved(error_id)
            outcome = _replay(error, instance)
            _resolve(error, instance, admin, outcome)
            record_event("workflow_error.retried", error.appeal_id, admin.id, error_id=error.id, outcome=outcome)
    except WorkflowFailed as exc:
        failure = getattr(exc, "failure", None)
        _record_retry_failure(failure, exc)
        raise RetryFailed(f"the retry of workflow error {error_id} failed again: {exc.message}") from exc
    except (WorkflowException, EngineError) as exc:
        failure = Failure(
            error.instance_id,
            error.appeal_id,
            error.process_version_id,
            error.source,
            failed_element(exc),
            engine_message(exc),
            human_task_id=error.human_task_id,
        )
        _record_retry_failure(failure, exc)
        raise RetryFailed(f"the retry of workflow error {error_id} failed again: {engine_message(exc)}") from exc

    log.info("workflow_error.retried error_id=%s appeal_id=%s outcome=%s", error.id, error.appeal_id, outcome)
    return error, outcome


def _record_retry_failure(failure, exc):
    if failure is None:
        log.warning("workflow_error.retry_failed error=%s", exc)
        return
    with write_transaction():
        record_failure(failure)
