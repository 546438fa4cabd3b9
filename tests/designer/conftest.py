"""Fixtures for the designer tests: fixture diagrams, unique process ids and API callers."""

import io
import itertools
import json
import os
import uuid

import pytest

from app.designer.checks import CheckSettings
from app.handling.services import MESSAGE_SAMPLES
from app.engine.dryrun import DryRunLimits
from tests.helpers import ApiUser, table_counts

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "designer")
FORMS = os.path.join(ROOT, "forms")
DESIGNER_TABLES = ("process_draft", "process_version", "audit_event", "workflow_error", "workflow_instance", "human_task")
START_DATA = {
    "centre_id": 1,
    "appeal_type": "complaint",
    "urgency": "normal",
    "category_code": "010103",
    "reprocessing_round": 0,
    "max_reprocessing_rounds": 2,
    "max_returns": 2,
    "callback_timeout": "P3D",
}

_counter = itertools.count(1)


def fixture_text(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as handle:
        return handle.read()


def shipped_forms():
    forms = {}
    for name in sorted(os.listdir(FORMS)):
        with open(os.path.join(FORMS, name), encoding="utf-8") as handle:
            forms[name] = json.load(handle)
    return forms


def new_process_id(prefix="designer_test"):
    """Return a process id no other test uses, since the test database lives for the whole run."""
    return f"{prefix}_{next(_counter)}_{uuid.uuid4().hex[:6]}"


def appeal_flow(process_id, close_script=None, unreachable_script=None):
    """Return the appeal_flow fixture under another process id, optionally with other close scripts."""
    text = fixture_text("appeal_flow.bpmn").replace("designer_appeal", process_id)
    if close_script is not None:
        text = text.replace('closure = callback["satisfaction"]', close_script)
    if unreachable_script is not None:
        text = text.replace('closure = "callback_unreachable"', unreachable_script)
    return text


def settings(**overrides):
    values = {
        "roles": frozenset({"agent", "dispatcher", "handler", "supervisor", "commissioner"}),
        "folder_forms": shipped_forms(),
        "start_data": dict(START_DATA),
        "appeal_statuses": None,
        "clock_classes": None,
        "message_payloads": MESSAGE_SAMPLES,
        "limits": DryRunLimits(),
    }
    values.update(overrides)
    return CheckSettings(**values)


class DesignerApi(ApiUser):
    """An ApiUser that can also PUT JSON and upload files."""

    def put(self, path, json=None):
        return self.client.put("/api/v1" + path, json=json, headers=self.headers)

    def upload(self, path, filename, content):
        data = {"file": (io.BytesIO(content if isinstance(content, bytes) else content.encode("utf-8")), filename)}
        return self.client.post("/api/v1" + path, data=data, headers=self.headers, content_type="multipart/form-data")


@pytest.fixture()
def designer(client):
    return DesignerApi(client, "designer")


@pytest.fixture()
def admin(client):
    return DesignerApi(client, "admin")


def designer_counts(app):
    """Return row counts of the tables the designer writes, to show a request changed nothing."""
    return table_counts(app, DESIGNER_TABLES)


def deploy(designer, process_id, text, forms=None, note=""):
    """Create the process if needed, save the diagram as its draft and deploy it; return the version number."""
    designer.post("/designer/processes", json={"process_id": process_id, "name": process_id})
    saved = designer.put(f"/designer/processes/{process_id}/draft", json={"files": {f"{process_id}.bpmn": text}, "forms": forms or {}})
    assert saved.status_code == 200, saved.get_json()
    deployed = designer.post(f"/designer/processes/{process_id}/versions", json={"note": note})
    assert deployed.status_code == 201, deployed.get_json()
    return deployed.get_json()["version"]["version"]


@pytest.fixture()
def staff(client):
    """The Nanjing users who work on an appeal from dispatch to callback."""
    return {
        "agent": ApiUser(client, "nj_agent"),
        "dispatcher": ApiUser(client, "nj_dispatcher"),
        "handler": ApiUser(client, "nj_cgj_handler"),
    }


@pytest.fixture()
def route_suggestions(monkeypatch):
    """Return a function that makes new suggestion appeals start a given process, for this test only."""
    from app.config import PROCESS_BY_APPEAL_TYPE

    def route(process_id):
        monkeypatch.setitem(PROCESS_BY_APPEAL_TYPE, "suggestion", process_id)

    return route
