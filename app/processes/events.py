"""Timers and BPMN messages: advancing instances outside of user task completions."""

import json
import logging

from SpiffWorkflow.exceptions import WorkflowException
from sqlalchemy import delete, select

from ..audit.services import record_event
from ..core.db import utcnow, write_transaction
from ..core.errors import AppealNotFound
from ..engine import runner
from ..engine.errors import EngineError
from ..extensions import db
from . import failures, services
from .models import PendingMessage, WorkflowInstance

log = logging.getLogger(__name__)


def deliver_pending_messages(instance, workflow):
    """Retry queued messages against the instance's current waiting events; return how many were consumed."""
    if not instance.pending_messages:
        return 0

    queued = db.session.scalars(
        select(PendingMessage).where(PendingMessage.instance_id == instance.id).order_by(PendingMessage.id)
    ).all()
    consumed = 0
    for message in queued:
        if runner.deliver_message(workflow, message.name, json.loads(message.payload)):
            db.session.execute(delete(PendingMessage).where(PendingMessage.id == message.id))
            consumed += 1
    instance.pending_messages -= consumed
    return consumed


def finish_run(instance, workflow, appeal, known_task_ids, now):
    """Deliver queued messages, save the state and sync the task queue after any engine run."""
    from ..tasks.sync import sync_tasks

    deliver_pending_messages(instance, workflow)
    services.save_instance(instance, workflow)
    sync_tasks(appeal, workflow, known_task_ids, now)


def _ready_ids(workflow):
    return {str(task.id) for task in runner.ready_user_tasks(workflow)}


def due_timer_instances(now, limit):
    """Return ids of unfinished instances whose next timer is due, oldest first."""
    query = (
        select(WorkflowInstance.id)
        .where(
            WorkflowInstance.next_timer_due <= now,
            WorkflowInstance.completed.is_(False),
            WorkflowInstance.errored.is_(False),
        )
        .order_by(WorkflowInstance.next_timer_due)
        .limit(limit)
    )
    return db.session.scalars(query).all()


def fire_due_timers(now=None, limit=500):
    """Fire the due timers of every waiting instance; return the number of instances advanced.

    Safe to run from several processes at once: each instance is re-checked
    under its row lock, so a timer another process fired is skipped. An
    instance whose run fails in the engine is queued as a workflow error and
    skipped from then on, so one broken appeal does not stop the others.
    """
    from ..appeals.models import Appeal

    now = now or utcnow()
    fired = 0
    for instance_id in due_timer_instances(now, limit):
        with write_transaction():
            instance = services.lock_instance(instance_id)
            if instance is None or instance.errored or instance.next_timer_due is None or instance.next_timer_due > now:
                continue

            workflow = services.load_workflow(instance)
            known = _ready_ids(workflow)
            appeal = db.session.get(Appeal, instance.appeal_id)
            try:
                with db.session.begin_nested():
                    runner.fire_due_timers(workflow)
                    finish_run(instance, workflow, appeal, known, now)
                    record_event("timer.fired", appeal.id, None, due=str(now))
            except (WorkflowException, EngineError) as exc:
                failures.record_failure(failures.instance_failure(exc, instance, "timer"))
                continue
            fired += 1

    if fired:
        log.info("timers.fired instances=%s", fired)
    return fired


def send_message(appeal, name, payload=None, actor_id=None):
    """Deliver a BPMN message to an appeal's workflow, or queue it until a catch event waits for it.

    Returns True when it was consumed now, False when it was queued.
    """
    with write_transaction():
        return send_message_in_transaction(appeal, name, payload, actor_id)


def send_message_in_transaction(appeal, name, payload=None, actor_id=None):
    """Do the work of send_message inside the caller's write transaction, locking the instance first."""
    instance_id = db.session.scalar(select(WorkflowInstance.id).where(WorkflowInstance.appeal_id == appeal.id))
    if instance_id is None:
        raise AppealNotFound(appeal.number)

    instance = services.lock_instance(instance_id)
    now = utcnow()
    if instance.errored:
        # Held back until an administrator retries the instance's error; the retry delivers it.
        _queue_message(instance, name, payload, now)
        record_event("message.queued", appeal.id, actor_id, message=name)
        return False

    workflow = services.load_workflow(instance)
    known = _ready_ids(workflow)
    try:
        with db.session.begin_nested():
            consumed = runner.deliver_message(workflow, name, payload or {})
            if not consumed:
                _queue_message(instance, name, payload, now)
            finish_run(instance, workflow, appeal, known, now)
    except (WorkflowException, EngineError) as exc:
        db.session.refresh(instance)
        _queue_message(instance, name, payload, now)
        failures.record_failure(failures.instance_failure(exc, instance, "message"))
        consumed = False
    record_event("message.received" if consumed else "message.queued", appeal.id, actor_id, message=name)
    return consumed


def _queue_message(instance, name, payload, now):
    db.session.add(
        PendingMessage(
            instance_id=instance.id,
            name=name,
            payload=json.dumps(payload or {}, ensure_ascii=False),
            created_at=now,
        )
    )
    instance.pending_messages += 1
