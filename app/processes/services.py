"""Deploying process versions and loading, running and saving workflow instances."""

import json
import logging
import os

from flask import current_app
from sqlalchemy import func, select, update

from ..audit.services import record_event
from ..core.db import apply_update, utcnow
from ..engine import runner
from ..engine.serialization import (
    STATE_FORMAT,
    deserialize_specs,
    dump_state,
    load_state,
    read_envelope,
    serialize_specs,
)
from ..engine.specs import SpecCache, bundle_for, content_hash, parse_bundle
from ..extensions import db
from .models import ProcessVersion, WorkflowInstance
from .version_forms import snapshot_forms

log = logging.getLogger(__name__)


def _load_spec_from_database(spec_hash):
    text = db.session.execute(
        select(ProcessVersion.spec).where(ProcessVersion.content_hash == spec_hash)
    ).scalar_one()
    return deserialize_specs(text)


SPEC_CACHE = SpecCache(_load_spec_from_database)


def read_bpmn_folder(folder):
    """Return {filename: bytes} for every .bpmn file in a folder."""
    documents = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith(".bpmn"):
            with open(os.path.join(folder, name), "rb") as handle:
                documents[name] = handle.read()
    return documents


def deploy(documents, process_id, author_id=None, note="", forms=None):
    """Store a new active version of a process unless identical content is already deployed.

    The version stores the schema of every form its user tasks name: from
    ``forms`` ({name: schema}) when given there, else from the forms folder.
    Returns the ProcessVersion, with ``created`` False when identical content
    was deployed before and is only activated again. The caller owns the transaction.
    """
    bundle = parse_bundle(bundle_for(documents, process_id), process_id)
    stored_forms = snapshot_forms(bundle, forms or {}, current_app.extensions["hotline.forms"])
    version_hash = content_hash(bundle.documents, process_id, stored_forms)
    existing = db.session.scalar(
        select(ProcessVersion).where(ProcessVersion.content_hash == version_hash)
    )
    if existing is not None:
        activate_version(existing)
        existing.created = False
        return existing

    last = db.session.scalar(
        select(func.max(ProcessVersion.version)).where(ProcessVersion.process_id == process_id)
    )
    texts = {name: data if isinstance(data, str) else data.decode("utf-8") for name, data in bundle.documents.items()}
    version = ProcessVersion(
        process_id=process_id,
        version=(last or 0) + 1,
        content_hash=version_hash,
        documents=json.dumps(texts, ensure_ascii=False),
        spec=serialize_specs(bundle.spec, bundle.subprocess_specs),
        name=(bundle.spec.description or "")[:200],
        forms=json.dumps(stored_forms, ensure_ascii=False),
        note=note,
        created_by_id=author_id,
        created_at=utcnow(),
    )
    db.session.add(version)
    db.session.flush()
    activate_version(version)
    version.created = True
    SPEC_CACHE.put(version_hash, bundle.spec, bundle.subprocess_specs)
    record_event("process.deployed", None, author_id, process_id=process_id, version=version.version, content_hash=version_hash)
    log.info("process.deployed process_id=%s version=%s hash=%s", process_id, version.version, version_hash[:12])
    return version


def activate_version(version):
    """Make a version the active one of its process; the caller owns the transaction."""
    db.session.execute(
        update(ProcessVersion)
        .where(ProcessVersion.process_id == version.process_id, ProcessVersion.id != version.id)
        .values(active=False)
    )
    version.active = True


def active_version(process_id):
    """Return the active ProcessVersion of a process, or None when it was never deployed."""
    return db.session.scalar(
        select(ProcessVersion).where(ProcessVersion.process_id == process_id, ProcessVersion.active.is_(True))
    )


def start_instance(appeal, version, data):
    """Create the workflow instance of an appeal and run it to its first waiting point."""
    spec, subprocess_specs = SPEC_CACHE.get(version.content_hash)
    workflow = runner.start_workflow(spec, subprocess_specs, data)
    instance = WorkflowInstance(appeal_id=appeal.id, process_version_id=version.id, **_state_values(workflow, version.content_hash))
    instance.spec_hash = version.content_hash
    db.session.add(instance)
    db.session.flush()
    return instance, workflow


def _locked_instance(query):
    """Run an instance query with a row lock (PostgreSQL) and attach the spec hash to the result."""
    row = db.session.execute(
        query.add_columns(ProcessVersion.content_hash)
        .join(ProcessVersion, ProcessVersion.id == WorkflowInstance.process_version_id)
        .with_for_update(of=WorkflowInstance)
    ).first()
    if row is None:
        return None
    instance, spec_hash = row
    instance.spec_hash = spec_hash
    return instance


def lock_instance(instance_id):
    """Lock and return a workflow instance by id, or None."""
    return _locked_instance(select(WorkflowInstance).where(WorkflowInstance.id == instance_id))


def lock_instance_for_task(task_id):
    """Lock and return the instance that owns a human task, or None."""
    from ..tasks.models import HumanTask

    query = (
        select(WorkflowInstance)
        .join(HumanTask, HumanTask.appeal_id == WorkflowInstance.appeal_id)
        .where(HumanTask.id == task_id)
    )
    return _locked_instance(query)


def load_workflow(instance):
    """Deserialize an instance's workflow using the shared spec cache."""
    return load_state(instance.state, SPEC_CACHE, runner.SCRIPT_ENGINE)


def _state_values(workflow, spec_hash):
    return {
        "state": dump_state(workflow, spec_hash),
        "state_format": STATE_FORMAT,
        "completed": workflow.is_completed(),
        "next_timer_due": runner.next_timer_due(workflow),
        "updated_at": utcnow(),
    }


def save_instance(instance, workflow):
    """Write the workflow's state, completion and next timer due time to the instance row."""
    values = _state_values(workflow, instance.spec_hash)
    values["pending_messages"] = instance.pending_messages
    apply_update(instance, **values)


def read_stored_state(instance):
    """Return the instance's stored envelope as a dict, for diagnostics and tests."""
    return read_envelope(instance.state)

