"""Side effects of completing a dispatch-path task, besides the workflow.

A user task names its effect in the diagram (the ``effect`` property): ``route``
and ``owner_decision`` record a hop of the dispatch path, ``return_review``
settles a return, ``extension_review`` settles an extension request and moves
the clocks. All run inside the completing transaction.
"""

import logging
from decimal import Decimal

from sqlalchemy import select

from ..audit.services import record_event
from ..core.errors import InvalidInput
from ..engine import runner
from ..extensions import db
from ..processes.forms import FieldError
from ..sla import clocks
from .models import DispatchedUnit, ExtensionRequest, ReturnRequest

log = logging.getLogger(__name__)


def read_context(engine_task):
    """Return (effect, ids) of a READY task before it runs: its effect and the request it decides."""
    effect = runner.task_property(engine_task, "effect")
    data = engine_task.data
    ids = {
        "return_id": (data.get("return_request") or {}).get("return_id"),
        "extension_id": (data.get("extension_request") or {}).get("extension_id"),
    }
    return effect, ids


def _record_route(user, task, form_data, hop, now):
    if form_data.get("unit_kind") == "department":
        _add_dispatched_units(task.appeal_id, [form_data["unit_id"]], "lead", now)
        _add_dispatched_units(task.appeal_id, form_data.get("assisting_unit_ids", []), "assisting", now)
    record_event(
        "dispatch.routed",
        task.appeal_id,
        user.id,
        task.name,
        hop=hop,
        from_unit_id=task.candidate_org_id,
        to_unit_id=form_data.get("unit_id"),
        to_unit_kind=form_data.get("unit_kind"),
        assisting_unit_ids=form_data.get("assisting_unit_ids", []),
    )


def _add_dispatched_units(appeal_id, unit_ids, role, now):
    if not unit_ids:
        return
    known = set(
        db.session.scalars(
            select(DispatchedUnit.unit_id).where(
                DispatchedUnit.appeal_id == appeal_id, DispatchedUnit.role == role, DispatchedUnit.unit_id.in_(unit_ids)
            )
        )
    )
    for unit_id in unit_ids:
        if unit_id not in known:
            db.session.add(DispatchedUnit(appeal_id=appeal_id, unit_id=unit_id, role=role, created_at=now))


def _decided(model, request_id, user, now, reason):
    """Load a return or extension request and record who decided it, when and why."""
    request = db.session.get(model, request_id)
    request.decided_by_id = user.id
    request.decided_at = now
    request.decision_reason = reason
    return request


def _settle_return(user, task, return_id, form_data, now):
    request = _decided(ReturnRequest, return_id, user, now, form_data.get("reason", ""))
    accepted = form_data.get("decision") == "accept"
    request.status = "accepted" if accepted else "rejected"
    request.new_unit_id = form_data.get("unit_id") if accepted else None
    record_event("return.accepted" if accepted else "return.rejected", task.appeal_id, user.id, task.name, return_id=return_id)
    if accepted:
        _record_route(user, task, form_data, "redispatch", now)


def _decide_owner(user, task, return_id, form_data, now):
    request = _decided(ReturnRequest, return_id, user, now, form_data.get("note", ""))
    request.new_unit_id = form_data.get("unit_id")
    _record_route(user, task, form_data, "owner_decision", now)


def _settle_extension(user, task, extension_id, form_data, now):
    request = _decided(ExtensionRequest, extension_id, user, now, form_data.get("reason", ""))
    if form_data.get("decision") != "approve":
        request.status = "rejected"
        record_event("extension.rejected", task.appeal_id, user.id, task.name, extension_id=extension_id)
        return

    request.status = "approved"
    moved = clocks.extend_task_clocks(request.human_task_id, task.appeal_id, Decimal(request.days), now)
    request.new_deadline = moved.get("task")
    record_event(
        "extension.approved",
        task.appeal_id,
        user.id,
        task.name,
        extension_id=extension_id,
        days=request.days,
        old_deadline=request.old_deadline.isoformat() if request.old_deadline else None,
        new_deadline=request.new_deadline.isoformat() if request.new_deadline else None,
    )


def check_decision(effect, ids, form_data):
    """Raise InvalidInput when accepting a return would send the appeal back to the unit that returned it."""
    if effect != "return_review" or not ids["return_id"] or form_data.get("decision") != "accept":
        return
    request = db.session.get(ReturnRequest, ids["return_id"])
    if request is not None and form_data.get("unit_id") == request.unit_id:
        error = FieldError("unit_id", "returning_unit", "Choose another unit: this one returned the appeal; reject the return to send it back.")
        raise InvalidInput("the new unit is the unit that returned the appeal", {"unit_id": error.message}, {"unit_id": error})


def apply_effect(user, task, effect, ids, form_data, now):
    """Apply a completed task's effect to our tables."""
    if effect == "route":
        _record_route(user, task, form_data, "dispatch", now)
    elif effect == "return_review" and ids["return_id"]:
        _settle_return(user, task, ids["return_id"], form_data, now)
    elif effect == "owner_decision" and ids["return_id"]:
        _decide_owner(user, task, ids["return_id"], form_data, now)
    elif effect == "extension_review" and ids["extension_id"]:
        _settle_extension(user, task, ids["extension_id"], form_data, now)


def withdraw_pending_extension(user, task, workflow, now):
    """Withdraw the waiting extension request of a task that is finishing, in the workflow and in our table.

    The check runs on the loaded workflow, so completions without a pending
    request cost no query.
    """
    for ready in runner.ready_user_tasks(workflow):
        if runner.task_property(ready, "effect") != "extension_review":
            continue
        request_data = ready.data.get("extension_request") or {}
        if request_data.get("human_task_id") != task.id:
            continue
        runner.deliver_message(workflow, "extension_withdrawn", {})
        request = db.session.get(ExtensionRequest, request_data.get("extension_id"))
        if request is not None and request.status == "pending":
            request.status = "withdrawn"
            request.decided_at = now
        record_event("extension.withdrawn", task.appeal_id, user.id, task.name, extension_id=request_data.get("extension_id"))
        log.info("extension.withdrawn task_id=%s appeal_id=%s", task.id, task.appeal_id)
        return True
    return False
