"""Task queue endpoints of the JSON API."""

from flask import jsonify, request
from flask_login import current_user

from ..api import api_bp, json_body, load_with, require_user
from ..handling.presenters import task_actions, task_context
from ..handling.schemas import ExtensionSchema, ReturnSchema
from ..handling.units import choices_for
from . import services
from ..core.db import utcnow
from ..sla import services as sla_services
from ..sla.presenters import task_clocks
from .schemas import CompleteTaskSchema, PauseClocksSchema, TaskQuerySchema, TaskSchema


def clock_document(clock_view):
    """Build the API representation of a task's first-due clock, or None."""
    if clock_view is None:
        return None
    return {
        "kind": clock_view.kind,
        "level": clock_view.level,
        "deadline": clock_view.deadline_at.isoformat() if clock_view.deadline_at else None,
        "provisional": clock_view.provisional,
        "remaining_working_minutes": clock_view.remaining_minutes,
    }


def task_document(task, with_form=False, clock_view=None):
    """Build the API representation of a human task."""
    document = {
        "id": task.id,
        "appeal_number": task.appeal.number,
        "appeal_type": task.appeal.appeal_type,
        "urgency": task.appeal.urgency,
        "category_code": task.appeal.category_code,
        "name": task.name,
        "title": task.title,
        "form": task.form,
        "role": task.role,
        "candidate_org_id": task.candidate_org_id,
        "assignee": task.assignee.username if task.assignee else None,
        "status": task.status,
        "created_at": task.created_at,
        "due_at": task.due_at,
        "claimed_at": task.claimed_at,
        "completed_at": task.completed_at,
        "clock": clock_document(clock_view),
    }
    if with_form:
        form = services.task_form(task)
        document["form_schema"] = form.schema
        document["choices"] = task_choices(task, form)
        suggestion = services.dispatch_suggestion(task, form)
        document["suggestion"] = (
            {"unit_id": suggestion.unit_id, "name": suggestion.unit_name, "reason": suggestion.reason} if suggestion else None
        )
        document["actions"] = actions_document(task_actions(task))
        document["context"] = context_document(task_context(task))
    return TaskSchema().dump(document)


def actions_document(actions):
    """Build the API representation of what a department may do besides completing the task."""
    return {
        "can_return": actions.can_return,
        "return_deadline": actions.return_deadline.isoformat() if actions.return_deadline else None,
        "can_request_extension": actions.can_request_extension,
        "reply_deadline": actions.reply_deadline.isoformat() if actions.reply_deadline else None,
        "pending_extension_id": actions.pending_extension.id if actions.pending_extension else None,
    }


def context_document(context):
    """Build the API representation of what a task decides or combines."""
    document = {}
    if "returns" in context:
        document["returns"] = ReturnSchema(many=True).dump(context["returns"])
    if "extensions" in context:
        document["extensions"] = ExtensionSchema(many=True).dump(context["extensions"])
    if "reply" in context:
        form_name, values, unit_name, replied_at = context["reply"]
        document["reply"] = {"unit": unit_name, "replied_at": replied_at.isoformat(), "form_name": form_name, "form": values}
    if "assist_replies" in context:
        document["assist_replies"] = [
            {"unit": unit_name, "opinion": opinion, "replied_at": replied_at.isoformat()}
            for unit_name, opinion, replied_at in context["assist_replies"]
        ]
    return document


def task_choices(task, form):
    """Return the allowed values of fields whose options come from the database."""
    return choices_for(form, task.candidate_org)


@api_bp.get("/tasks")
@require_user
def list_tasks():
    query = load_with(TaskQuerySchema(), request.args.to_dict())
    tasks = services.list_tasks(current_user, **query)
    clocks = task_clocks(tasks, utcnow())
    return jsonify({"items": [task_document(task, clock_view=clocks.get(task.id)) for task in tasks]})


@api_bp.get("/tasks/<int:task_id>")
@require_user
def get_task(task_id):
    task = services.get_visible_task(current_user, task_id)
    clock_view = task_clocks([task], utcnow()).get(task.id)
    return jsonify(task_document(task, with_form=True, clock_view=clock_view))


def _with_clock(task):
    return jsonify(task_document(task, clock_view=task_clocks([task], utcnow()).get(task.id)))


@api_bp.post("/tasks/<int:task_id>/claim")
@require_user
def claim_task(task_id):
    return _with_clock(services.claim_task(current_user, task_id))


@api_bp.post("/tasks/<int:task_id>/release")
@require_user
def release_task(task_id):
    return _with_clock(services.release_task(current_user, task_id))


@api_bp.post("/tasks/<int:task_id>/pause-clocks")
@require_user
def pause_task_clocks(task_id):
    body = load_with(PauseClocksSchema(), json_body())
    clocks = sla_services.pause_task_clocks(current_user, task_id, body["reason"])
    return jsonify({"paused": [clock.id for clock in clocks]})


@api_bp.post("/tasks/<int:task_id>/resume-clocks")
@require_user
def resume_task_clocks(task_id):
    clocks = sla_services.resume_task_clocks(current_user, task_id)
    return jsonify({"resumed": [clock.id for clock in clocks]})


@api_bp.get("/notices")
@require_user
def list_notices():
    rows = sla_services.notices_for(current_user)
    items = [
        {"appeal_number": number, "clock_kind": kind, "level": alert.level, "deliver_at": alert.deliver_at.isoformat()}
        for alert, kind, number in rows
    ]
    return jsonify({"items": items})


@api_bp.post("/tasks/<int:task_id>/complete")
@require_user
def complete_task(task_id):
    body = load_with(CompleteTaskSchema(), json_body())
    task = services.complete_task(current_user, task_id, body["data"])
    return jsonify(task_document(task))
