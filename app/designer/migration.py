"""Moving running appeals to another version of their process."""

import logging

from flask_babel import gettext
from sqlalchemy import select

from ..appeals.models import Appeal
from ..audit.services import record_event
from ..core.db import apply_update, utcnow, write_transaction
from ..core.errors import InvalidInput
from ..engine import migration, runner
from ..extensions import db
from ..processes import services as processes
from ..processes.models import ProcessVersion, WorkflowInstance
from .services import get_version

log = logging.getLogger(__name__)

# NOTE: each listed appeal is loaded and compared with the target spec, about 0.4 ms per appeal
# in bench/designer_rejections.py on a 2-vCPU machine. The list stops at this count, so
# migrate in batches when more appeals wait.
MAX_LISTED = 500
MAX_MIGRATED = 500


def _reason(blockers):
    if not blockers:
        return None
    return "; ".join(gettext(blocker.template) % blocker.params for blocker in blockers)


def _running_instances(process_id, target, appeal_ids=None):
    query = (
        select(WorkflowInstance, Appeal.number, ProcessVersion.version)
        .join(Appeal, Appeal.id == WorkflowInstance.appeal_id)
        .join(ProcessVersion, ProcessVersion.id == WorkflowInstance.process_version_id)
        .where(
            ProcessVersion.process_id == process_id,
            WorkflowInstance.completed.is_(False),
            WorkflowInstance.process_version_id != target.id,
        )
        .order_by(WorkflowInstance.appeal_id)
    )
    if appeal_ids is not None:
        query = query.where(WorkflowInstance.appeal_id.in_(appeal_ids))
    return db.session.execute(query.limit(MAX_LISTED)).all()


def migration_candidates(process_id, number):
    """Return the running appeals on other versions of a process, each saying whether it can move to this one."""
    target = get_version(process_id, number)
    spec, subprocess_specs = processes.SPEC_CACHE.get(target.content_hash)

    appeals = []
    for instance, appeal_number, from_version in _running_instances(process_id, target):
        workflow = processes.load_workflow(instance)
        check = migration.check_migration(workflow, spec, subprocess_specs)
        appeals.append(
            {
                "appeal_id": instance.appeal_id,
                "number": appeal_number,
                "from_version": from_version,
                "waiting_at": check.waiting_at,
                "safe": check.safe,
                "reason": _reason(check.blockers),
                "errored": instance.errored,
            }
        )
    return appeals


def _checked_ids(appeal_ids):
    valid = isinstance(appeal_ids, list) and 0 < len(appeal_ids) <= MAX_MIGRATED
    if not valid or not all(isinstance(value, int) and not isinstance(value, bool) for value in appeal_ids):
        raise InvalidInput(
            "invalid appeal_ids",
            {"appeal_ids": f"Send a list of 1 to {MAX_MIGRATED} appeal ids from the migration list."},
        )
    return list(dict.fromkeys(appeal_ids))


def migrate_appeals(user, process_id, number, appeal_ids):
    """Move the chosen appeals to a version, each in its own transaction; return (migrated ids, refusals)."""
    from ..tasks.sync import sync_tasks

    appeal_ids = _checked_ids(appeal_ids)
    target = get_version(process_id, number)
    spec, subprocess_specs = processes.SPEC_CACHE.get(target.content_hash)
    running = {
        instance.appeal_id: (instance.id, from_version)
        for instance, _, from_version in _running_instances(process_id, target, appeal_ids)
    }

    migrated, refused = [], []
    for appeal_id in appeal_ids:
        if appeal_id not in running:
            refused.append({"appeal_id": appeal_id, "reason": gettext("the appeal is not running on another version of this process")})
            continue
        try:
            with write_transaction():
                instance_id, from_version = running[appeal_id]
                instance = processes.lock_instance(instance_id)
                if instance.completed or instance.process_version_id == target.id:
                    refused.append({"appeal_id": appeal_id, "reason": gettext("the appeal finished or moved while the request ran")})
                    continue
                workflow = processes.load_workflow(instance)
                known = {str(task.id) for task in runner.ready_user_tasks(workflow)}
                moved = migration.migrate(workflow, spec, subprocess_specs, target.content_hash, runner.SCRIPT_ENGINE)

                instance.spec_hash = target.content_hash
                apply_update(instance, process_version_id=target.id)
                processes.save_instance(instance, moved)
                appeal = db.session.get(Appeal, appeal_id)
                sync_tasks(appeal, moved, known, utcnow())
                record_event(
                    "appeal.migrated",
                    appeal_id,
                    user.id,
                    process_id=process_id,
                    from_version=from_version,
                    to_version=target.version,
                )
        except migration.MigrationRejected as exc:
            refused.append({"appeal_id": appeal_id, "reason": _reason(exc.check.blockers)})
            continue
        migrated.append(appeal_id)
        log.info("appeal.migrated appeal_id=%s process_id=%s to_version=%s", appeal_id, process_id, target.version)
    return migrated, refused
