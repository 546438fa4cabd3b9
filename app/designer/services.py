"""Process models in the designer: listing, creating, drafts, deploying and activating versions."""

import json
import logging
import re
from xml.sax.saxutils import escape

from flask import current_app
from sqlalchemy import select

from ..audit.services import record_event
from ..core.db import utcnow, write_transaction
from ..core.errors import InvalidInput
from ..extensions import db
from ..handling.services import MESSAGE_SAMPLES
from ..orgs.models import User
from ..processes import services as processes
from ..processes.models import ProcessVersion
from ..processes.version_forms import version_forms
from ..web.labels import APPEAL_STATUS_LABELS
from .checks import CheckSettings, check_process
from .errors import DraftChanged, DraftMissing, ProcessExists, ProcessNotFound, ProcessRejected, VersionNotFound
from .models import ProcessDraft

log = logging.getLogger(__name__)

# Lane names are role codes; designers and admins do not work on appeals.
LANE_ROLES = frozenset({"agent", "dispatcher", "handler", "supervisor", "commissioner"})
# BPMN ids are XML NCNames; 100 characters fit the process_id columns.
PROCESS_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,99}$")
MAX_NAME_CHARS = 200
MAX_NOTE_CHARS = 500

_BLANK_DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="definitions_{process_id}" targetNamespace="https://12345-hotline.example/bpmn">
  <bpmn:process id="{process_id}" name="{name}" isExecutable="true">
    <bpmn:startEvent id="start">
      <bpmn:outgoing>flow_start_to_end</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:endEvent id="end">
      <bpmn:incoming>flow_start_to_end</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="flow_start_to_end" sourceRef="start" targetRef="end"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram_{process_id}">
    <bpmndi:BPMNPlane id="plane_{process_id}" bpmnElement="{process_id}">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start">
        <dc:Bounds x="180" y="160" width="36" height="36"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_di" bpmnElement="end">
        <dc:Bounds x="320" y="160" width="36" height="36"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="flow_start_to_end_di" bpmnElement="flow_start_to_end">
        <di:waypoint x="216" y="178"/>
        <di:waypoint x="320" y="178"/>
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def sample_start_data():
    """Return sample start data with the keys intake gives a new appeal's workflow, for dry runs."""
    config = current_app.config
    return {
        "centre_id": 1,
        "appeal_type": "complaint",
        "urgency": "normal",
        "category_code": "010103",
        "reprocessing_round": 0,
        "max_reprocessing_rounds": config["MAX_REPROCESSING_ROUNDS"],
        "max_returns": config["MAX_RETURNS"],
        "callback_timeout": config["CALLBACK_TIMEOUT"],
    }


def folder_forms():
    """Return {name: schema} of the forms in the shipped forms folder."""
    registry = current_app.extensions["hotline.forms"]
    return {name: registry.get(name).schema for name in registry.names()}


def check_settings():
    """Build the validation settings from the application's roles, forms and configuration."""
    return CheckSettings(
        roles=LANE_ROLES,
        folder_forms=folder_forms(),
        start_data=sample_start_data(),
        appeal_statuses=frozenset(APPEAL_STATUS_LABELS),
        clock_classes=frozenset(current_app.config["SLA_STAGE_DAYS"]),
        message_payloads=MESSAGE_SAMPLES,
    )


def validate(process_id, files, forms):
    """Run the validation chain; raise ProcessRejected with every problem, else return the CheckOutcome."""
    outcome = check_process(process_id, files, forms, check_settings())
    if not outcome.ok:
        log.info("designer.rejected process_id=%s problems=%s", process_id, len(outcome.problems))
        raise ProcessRejected(outcome.problems)
    return outcome


def _draft(process_id, lock=False):
    query = select(ProcessDraft).where(ProcessDraft.process_id == process_id)
    if lock:
        # Reload the row's values too: the session may hold the draft as read before the lock.
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def _process_exists(process_id):
    version = db.session.scalar(select(ProcessVersion.id).where(ProcessVersion.process_id == process_id).limit(1))
    return version is not None or _draft(process_id) is not None


def _username(user_id):
    if user_id is None:
        return None
    return db.session.scalar(select(User.username).where(User.id == user_id))


def version_summary(version):
    """Return the JSON-ready metadata of a version."""
    return {
        "version": version.version,
        "content_hash": version.content_hash,
        "created_at": version.created_at.isoformat(),
        "created_by": _username(version.created_by_id),
        "note": version.note,
        "active": version.active,
        "name": version.name,
    }


def list_processes():
    """Return every process with a deployed version or a draft, with its active version and draft."""
    active = {version.process_id: version for version in db.session.scalars(select(ProcessVersion).where(ProcessVersion.active.is_(True)))}
    by_draft = {draft.process_id: draft for draft in db.session.scalars(select(ProcessDraft))}
    deployed = set(db.session.scalars(select(ProcessVersion.process_id).distinct()))

    processes_list = []
    for process_id in sorted(deployed | set(by_draft)):
        version, draft = active.get(process_id), by_draft.get(process_id)
        name = process_id
        if version is not None and version.name:
            name = version.name
        if draft is not None and draft.name:
            name = draft.name
        processes_list.append(
            {
                "process_id": process_id,
                "name": name,
                "active_version": version_summary(version) if version else None,
                "draft": {"updated_at": draft.updated_at.isoformat(), "updated_by": _username(draft.updated_by_id)} if draft else None,
            }
        )
    return processes_list


def _checked_process_id(process_id):
    if not PROCESS_ID.match(process_id or ""):
        raise InvalidInput(
            "invalid process id",
            {"process_id": "Start with a letter or _, then use letters, digits, _, - or .; at most 100 characters."},
        )
    return process_id


def create_process(user, process_id, name):
    """Create a new process model whose draft is a blank diagram with one start and one end event."""
    _checked_process_id(process_id)
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME_CHARS:
        raise InvalidInput("invalid process name", {"name": f"Give a name of 1 to {MAX_NAME_CHARS} characters."})
    if _process_exists(process_id):
        raise ProcessExists(process_id)

    xml_name = escape(name, {'"': "&quot;"})
    files = {f"{process_id}.bpmn": _BLANK_DIAGRAM.format(process_id=process_id, name=xml_name)}
    return save_draft(user, process_id, files, {}, created=True)


def process_source(process_id):
    """Return the files and forms a designer edits: the draft if there is one, else the active version."""
    draft = _draft(process_id)
    if draft is not None:
        return {
            "process_id": process_id,
            "source": "draft",
            "version": None,
            "files": json.loads(draft.files),
            "forms": json.loads(draft.forms),
        }

    version = processes.active_version(process_id)
    if version is None:
        raise ProcessNotFound(process_id)
    return {
        "process_id": process_id,
        "source": "version",
        "version": version.version,
        "files": json.loads(version.documents),
        "forms": version_forms(version),
    }


def available_forms(process_id=None):
    """Return {name: schema} of the forms folder, overlaid with a process's active version and draft forms."""
    forms = folder_forms()
    if not process_id:
        return forms

    version = processes.active_version(process_id)
    if version is not None:
        forms.update(version_forms(version))
    draft = _draft(process_id)
    if draft is not None:
        forms.update(json.loads(draft.forms))
    return forms


def save_draft(user, process_id, files, forms, created=False):
    """Validate a process model and store it as the process's draft; invalid input stores nothing."""
    _checked_process_id(process_id)
    outcome = validate(process_id, files, forms)

    with write_transaction():
        draft = _draft(process_id, lock=True)
        if draft is None:
            draft = ProcessDraft(process_id=process_id)
            db.session.add(draft)
        draft.name = outcome.process_name[:MAX_NAME_CHARS]
        draft.files = json.dumps(files, ensure_ascii=False)
        draft.forms = json.dumps(forms, ensure_ascii=False)
        draft.updated_by_id = user.id
        draft.updated_at = utcnow()
        record_event(
            "process.created" if created else "process.draft_saved",
            None,
            user.id,
            process_id=process_id,
            files=sorted(files),
            forms=sorted(forms),
        )
    return draft, outcome


def upload_file(user, process_id, filename, content):
    """Validate one uploaded .bpmn file merged over the current source, and store the result as the draft."""
    source = process_source(process_id)
    files = dict(source["files"])
    files[filename] = content
    return save_draft(user, process_id, files, source["forms"])


def deploy_draft(user, process_id, note):
    """Deploy the process's draft as a new active version and remove the draft; return the version."""
    note = (note or "").strip()
    if len(note) > MAX_NOTE_CHARS:
        raise InvalidInput("note is too long", {"note": f"Use at most {MAX_NOTE_CHARS} characters."})
    draft = _draft(process_id)
    if draft is None:
        raise DraftMissing(process_id)

    # Validated again: the rules, the forms folder or the configuration may have changed since the save.
    files, forms, saved_at = json.loads(draft.files), json.loads(draft.forms), draft.updated_at
    validate(process_id, files, forms)

    with write_transaction():
        draft = _draft(process_id, lock=True)
        if draft is None or draft.updated_at != saved_at:
            raise DraftChanged(process_id)
        previous = processes.active_version(process_id)
        version = processes.deploy(files, process_id, author_id=user.id, note=note, forms=forms)
        if not version.created:
            _record_activation(user, version, previous, reason="identical content deployed again")
        db.session.delete(draft)
    return version


def list_versions(process_id):
    """Return the metadata of every version of a process, newest first."""
    versions = db.session.scalars(
        select(ProcessVersion).where(ProcessVersion.process_id == process_id).order_by(ProcessVersion.version.desc())
    ).all()
    if not versions and _draft(process_id) is None:
        raise ProcessNotFound(process_id)
    return [version_summary(version) for version in versions]


def get_version(process_id, number):
    """Return a version's row, or raise VersionNotFound."""
    version = db.session.scalar(
        select(ProcessVersion).where(ProcessVersion.process_id == process_id, ProcessVersion.version == number)
    )
    if version is None:
        raise VersionNotFound(process_id, number)
    return version


def version_document(process_id, number):
    """Return a version's metadata with its files and forms."""
    version = get_version(process_id, number)
    document = version_summary(version)
    document.update(process_id=process_id, files=json.loads(version.documents), forms=version_forms(version))
    return document


def _record_activation(user, version, previous, reason=None):
    rollback = previous is not None and previous.version > version.version
    record_event(
        "process.rolled_back" if rollback else "process.activated",
        None,
        user.id,
        process_id=version.process_id,
        version=version.version,
        previous_version=previous.version if previous else None,
        reason=reason,
    )


def activate_version(user, process_id, number):
    """Make a version the one new appeals start on; activating an older version is a rollback."""
    with write_transaction():
        version = get_version(process_id, number)
        previous = processes.active_version(process_id)
        if previous is not None and previous.id == version.id:
            return version
        processes.activate_version(version)
        _record_activation(user, version, previous)
    log.info("process.activated process_id=%s version=%s", process_id, number)
    return version
