"""Administration endpoints of the JSON API for workflow instances: the error queue."""

from flask import jsonify, request
from flask_login import current_user

from ..api import api_bp, require_role
from ..core.errors import InvalidInput
from . import failures

STATUSES = ("open", "resolved", "all")


def _time(value):
    return value.isoformat() if value else None


def error_document(error, appeal_number, process_id, version):
    """Build the API representation of a queued workflow error."""
    return {
        "id": error.id,
        "appeal_id": error.appeal_id,
        "appeal_number": appeal_number,
        "process_id": process_id,
        "version": version,
        "source": error.source,
        "task_spec": error.task_spec,
        "human_task_id": error.human_task_id,
        "message": error.message,
        "attempts": error.attempts,
        "occurred_at": _time(error.occurred_at),
        "resolved_at": _time(error.resolved_at),
        "resolution": error.resolution or None,
    }


@api_bp.get("/admin/workflow-errors")
@require_role("admin")
def list_workflow_errors():
    status = request.args.get("status", "open")
    if status not in STATUSES:
        raise InvalidInput("invalid status filter", {"status": f"Use one of: {', '.join(STATUSES)}."})
    rows = failures.list_errors(status)
    return jsonify({"items": [error_document(*row) for row in rows]})


@api_bp.post("/admin/workflow-errors/<int:error_id>/retry")
@require_role("admin")
def retry_workflow_error(error_id):
    error, outcome = failures.retry_error(current_user, error_id)
    return jsonify({"id": error.id, "resolved_at": _time(error.resolved_at), "outcome": outcome})
