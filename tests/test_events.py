"""BPMN timers fired by the scheduler job, and messages queued until their catch event waits."""

import os
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.appeals.models import Appeal
from app.appeals.services import next_public_number
from app.audit.services import appeal_history
from app.core.db import utcnow, write_transaction
from app.extensions import db
from app.orgs.models import OrgUnit, User
from app.processes import events, services
from app.processes.models import WorkflowInstance
from app.tasks import services as tasks
from app.tasks.models import HumanTask
from app.tasks.sync import sync_tasks

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "timer_message.bpmn")


def start_fixture_appeal(process_id):
    """Deploy the fixture process and start it for a new Nanjing appeal; return the appeal."""
    with open(FIXTURE, "rb") as handle:
        documents = {"timer_message.bpmn": handle.read()}
    agent = db.session.scalar(select(User).where(User.username == "nj_agent"))
    centre = db.session.scalar(select(OrgUnit).where(OrgUnit.code == "JS-NJ"))

    with write_transaction():
        version = services.deploy(documents, process_id, note="test fixture")
        now = utcnow()
        appeal = Appeal(
            number=next_public_number(now),
            appeal_type="complaint",
            channel="web",
            region_id=centre.id,
            centre_id=centre.id,
            content="测试计时器与消息",
            registered_by_id=agent.id,
            created_at=now,
        )
        db.session.add(appeal)
        db.session.flush()
        instance, workflow = services.start_instance(appeal, version, {"centre_id": centre.id})
        sync_tasks(appeal, workflow, set(), now)
    return appeal


def instance_of(appeal):
    db.session.expire_all()
    return db.session.scalar(select(WorkflowInstance).where(WorkflowInstance.appeal_id == appeal.id))


def test_boundary_timer_fires_once(app_context):
    appeal = start_fixture_appeal("timer_test")
    due = instance_of(appeal).next_timer_due
    assert due is not None
    assert timedelta(0) < due - utcnow() <= timedelta(seconds=1)

    assert events.fire_due_timers(now=due - timedelta(milliseconds=500)) == 0
    time.sleep(max(0.0, (due - utcnow()).total_seconds()) + 0.05)
    assert events.fire_due_timers() >= 1
    assert events.fire_due_timers() == 0

    db.session.expire_all()
    appeal = db.session.get(Appeal, appeal.id)
    assert appeal.status == "archived"
    assert appeal.closure == "timer"
    statuses = db.session.scalars(select(HumanTask.status).where(HumanTask.appeal_id == appeal.id)).all()
    assert statuses == ["cancelled"]
    assert [event.event for event in appeal_history(appeal.id)].count("timer.fired") == 1
    assert instance_of(appeal).next_timer_due is None


def test_early_message_is_queued_then_delivered(app_context):
    appeal = start_fixture_appeal("message_test")

    assert events.send_message(appeal, "citizen_update", {"note": "补充材料"}) is False
    assert instance_of(appeal).pending_messages == 1

    agent = db.session.scalar(select(User).where(User.username == "nj_agent"))
    first = db.session.scalar(select(HumanTask).where(HumanTask.appeal_id == appeal.id, HumanTask.name == "first"))
    tasks.complete_task(agent, first.id, {"satisfaction": "satisfied", "resolved": True})

    assert instance_of(appeal).pending_messages == 0
    open_names = db.session.scalars(
        select(HumanTask.name).where(HumanTask.appeal_id == appeal.id, HumanTask.status == "open")
    ).all()
    assert open_names == ["second"]
    assert [event.event for event in appeal_history(appeal.id)] == ["message.queued", "task.completed"]


def test_message_consumed_when_waiting(app_context):
    appeal = start_fixture_appeal("message_test")
    agent = db.session.scalar(select(User).where(User.username == "nj_agent"))
    first = db.session.scalar(select(HumanTask).where(HumanTask.appeal_id == appeal.id, HumanTask.name == "first"))
    tasks.complete_task(agent, first.id, {"satisfaction": "satisfied", "resolved": True})

    assert events.send_message(appeal, "citizen_update") is True
    assert instance_of(appeal).pending_messages == 0


@pytest.fixture(autouse=True)
def _keep_shipped_versions_active(app):
    """Deploying fixtures must not deactivate the shipped processes (they have other process ids)."""
    yield
    with app.app_context():
        from app.processes.services import active_version

        assert active_version("complaint") is not None
        assert active_version("consultation") is not None
