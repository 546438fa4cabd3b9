"""Copying the engine's READY user tasks into the human_task queue after each run."""

from sqlalchemy import insert, update

from ..audit.services import record_event
from ..core.db import apply_update
from ..engine import runner
from ..extensions import db
from ..sla import clocks
from .models import HumanTask


def _candidate_org_id(value):
    # Candidate expressions come from diagrams; anything but a positive int means "nobody".
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return value


def sync_tasks(appeal, workflow, known_task_ids, now):
    """Insert rows for new READY user tasks and cancel rows whose task went away.

    ``known_task_ids`` are the engine ids that already have open or claimed rows
    (the READY user tasks before the run), so no query is needed here.
    Returns the list of UserTaskInfo now READY.
    """
    ready = [runner.describe_user_task(task) for task in runner.ready_user_tasks(workflow)]
    ready_ids = {info.task_id for info in ready}

    new_tasks = [info for info in ready if info.task_id not in known_task_ids]
    if new_tasks:
        _insert_tasks(appeal, new_tasks, now)

    vanished = [task_id for task_id in known_task_ids if task_id not in ready_ids]
    if vanished:
        vanished_rows = db.session.execute(
            update(HumanTask)
            .where(HumanTask.engine_task_id.in_(vanished), HumanTask.status.in_(("open", "claimed")))
            .values(status="cancelled", completed_at=now)
            .returning(HumanTask.id)
        ).scalars().all()
        clocks.stop_task_clocks(vanished_rows, now)

    _update_appeal_status(appeal, workflow, ready, now)
    return ready


def _insert_tasks(appeal, new_tasks, now):
    """Insert the task rows with their stage clocks; each task is due at its earliest enforced deadline."""
    rows, clock_rows = [], []
    for info in new_tasks:
        org_unit_id = _candidate_org_id(info.candidate_org)
        task_clocks = clocks.stage_clock_rows(appeal, info.clock_classes, org_unit_id, now)
        enforced_deadlines = [row["deadline_at"] for row in task_clocks if row["enforced"]]
        rows.append(
            {
                "appeal_id": appeal.id,
                "engine_task_id": info.task_id,
                "name": info.name,
                "title": info.title,
                "form": info.form,
                "role": info.lane,
                "candidate_org_id": org_unit_id,
                "status": "open",
                "clock_classes": ",".join(info.clock_classes),
                "due_at": min(enforced_deadlines) if enforced_deadlines else None,
                "created_at": now,
            }
        )
        clock_rows.append(task_clocks)

    if not any(clock_rows):
        db.session.execute(insert(HumanTask), rows)
        return

    # RETURNING gives the new ids in insertion order (SQLAlchemy sorts "insertmanyvalues" results).
    result = db.session.execute(insert(HumanTask).returning(HumanTask.id, sort_by_parameter_order=True), rows)
    for task_id, task_clocks in zip(result.scalars().all(), clock_rows):
        for row in task_clocks:
            row["human_task_id"] = task_id
    clocks.insert_clocks([row for task_clocks in clock_rows for row in task_clocks])


def _update_appeal_status(appeal, workflow, ready, now):
    if workflow.is_completed():
        closure = str(runner.workflow_data(workflow).get("closure") or "completed")[:40]
        apply_update(appeal, status="archived", closure=closure, closed_at=now)
        clocks.stop_appeal_clocks(appeal.id, now)
        record_event("appeal.archived", appeal.id, None, closure=closure)
        return

    statuses = [info.appeal_status for info in ready if info.appeal_status]
    status = statuses[0] if statuses else "in_progress"
    if status != appeal.status:
        apply_update(appeal, status=status)
