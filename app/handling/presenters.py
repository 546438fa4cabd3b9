"""Read models for pages and the API: the dispatch path, returns, extensions and task context."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..audit.services import appeal_history, event_detail
from ..core.db import utcnow
from ..extensions import db
from ..orgs.models import OrgUnit
from ..tasks.models import HumanTask
from .models import ExtensionRequest, ReturnRequest
from .services import REPLY_CLOCK_KINDS, running_clock


@dataclass(frozen=True)
class Hop:
    """One step of an appeal's way down the org tree."""

    kind: str
    from_unit: str
    to_unit: str
    to_unit_kind: str
    assisting_units: tuple
    actor: str
    at: datetime


def _unit_names(unit_ids):
    unit_ids = {unit_id for unit_id in unit_ids if unit_id}
    if not unit_ids:
        return {}
    return dict(db.session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(unit_ids))).all())


def dispatch_path(appeal, history=None):
    """Return the Hops of an appeal in order, from its audit history."""
    rows = [row for row in (history if history is not None else appeal_history(appeal.id)) if row.event == "dispatch.routed"]
    details = [event_detail(row) for row in rows]
    names = _unit_names(
        unit_id
        for detail in details
        for unit_id in (detail.get("from_unit_id"), detail.get("to_unit_id"), *detail.get("assisting_unit_ids", []))
    )
    return [
        Hop(
            kind=detail.get("hop", "dispatch"),
            from_unit=names.get(detail.get("from_unit_id"), ""),
            to_unit=names.get(detail.get("to_unit_id"), ""),
            to_unit_kind=detail.get("to_unit_kind") or "",
            assisting_units=tuple(names.get(unit_id, "") for unit_id in detail.get("assisting_unit_ids", [])),
            actor=row.actor.display_name if row.actor else "",
            at=row.created_at,
        )
        for row, detail in zip(rows, details)
    ]


def appeal_returns(appeal_id):
    """Return the appeal's ReturnRequests, oldest first."""
    return db.session.scalars(select(ReturnRequest).where(ReturnRequest.appeal_id == appeal_id).order_by(ReturnRequest.id)).all()


def appeal_extensions(appeal_id):
    """Return the appeal's ExtensionRequests, oldest first."""
    query = select(ExtensionRequest).where(ExtensionRequest.appeal_id == appeal_id).order_by(ExtensionRequest.id)
    return db.session.scalars(query).all()


def _completed(history, task_name):
    return [row for row in history if row.event == "task.completed" and row.task_name == task_name]


def assist_replies(history):
    """Return [(unit name, opinion, time)] of the assisting departments' completed replies in an appeal's history."""
    rows = _completed(history, "assist_reply")
    task_ids = [event_detail(row).get("task_id") for row in rows]
    units = dict(db.session.execute(select(HumanTask.id, HumanTask.candidate_org_id).where(HumanTask.id.in_(task_ids))).all())
    names = _unit_names(units.values())
    return [
        (names.get(units.get(task_id), ""), (event_detail(row).get("form") or {}).get("opinion", ""), row.created_at)
        for row, task_id in zip(rows, task_ids)
    ]


@dataclass(frozen=True)
class TaskActions:
    """Whether a department may return the task or ask for an extension now, and until when."""

    can_return: bool
    return_deadline: datetime | None
    can_request_extension: bool
    reply_deadline: datetime | None
    pending_extension: ExtensionRequest | None


def task_actions(task):
    """Return the TaskActions of an open department task."""
    now = utcnow()
    if task.status not in ("open", "claimed") or task.role != "handler":
        return TaskActions(False, None, False, None, None)
    window = running_clock(task.id, ("return",)) if "return" in task.clock_classes.split(",") else None
    reply = running_clock(task.id, REPLY_CLOCK_KINDS)
    pending = db.session.scalars(
        select(ExtensionRequest).where(ExtensionRequest.appeal_id == task.appeal_id, ExtensionRequest.status == "pending")
    ).first()
    return TaskActions(
        can_return=window is not None and window.deadline_at is not None and window.deadline_at > now,
        return_deadline=window.deadline_at if window else None,
        can_request_extension=reply is not None and reply.deadline_at is not None and reply.deadline_at > now and pending is None,
        reply_deadline=reply.deadline_at if reply else None,
        pending_extension=pending,
    )


REPLY_TASKS = {"review": "reply", "rework_review": "rework"}


def latest_reply(history, reply_task_name):
    """Return (form name, form values, unit name, time) of the latest completed reply task in a history, or None."""
    rows = _completed(history, reply_task_name)
    if not rows:
        return None
    detail = event_detail(rows[-1])
    unit_id = db.session.scalar(select(HumanTask.candidate_org_id).where(HumanTask.id == detail.get("task_id")))
    return detail.get("form_name", ""), detail.get("form") or {}, _unit_names([unit_id]).get(unit_id, ""), rows[-1].created_at


def task_context(task):
    """Return what a task's page shows besides the form: the request it decides, replies to combine or review."""
    context = {}
    if task.name in REPLY_TASKS or task.name == "reply":
        history = appeal_history(task.appeal_id)
        context["assist_replies"] = assist_replies(history)
        if task.name in REPLY_TASKS:
            context["reply"] = latest_reply(history, REPLY_TASKS[task.name])
    if task.name in ("return_review", "decide_owner", "reply"):
        context["returns"] = appeal_returns(task.appeal_id)
    if task.name == "extension_review":
        context["extensions"] = [request for request in appeal_extensions(task.appeal_id) if request.status == "pending"]
    return {key: value for key, value in context.items() if value}
