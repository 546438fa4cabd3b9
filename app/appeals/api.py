"""Appeal endpoints of the JSON API."""

from flask import jsonify, request
from flask_login import current_user

from ..handling.presenters import appeal_extensions, appeal_returns, dispatch_path
from ..handling.schemas import ExtensionSchema, HopSchema, ReturnSchema
from ..api import api_bp, json_body, load_with, require_user
from ..audit.services import event_detail
from ..core.errors import InvalidInput
from . import services
from .privacy import citizen_identity
from .schemas import AppealCreateSchema, AppealSchema

IDEMPOTENCY_KEY_MAX = 100


def _org_ref(unit):
    return {"id": unit.id, "name": unit.name} if unit else None


def appeal_document(appeal, user, with_details=True):
    """Build the API representation of an appeal for this user."""
    name, phone = citizen_identity(appeal, user)
    document = {
        "number": appeal.number,
        "appeal_type": appeal.appeal_type,
        "channel": appeal.channel,
        "category_code": appeal.category_code,
        "category_label": appeal.category.label if appeal.category else None,
        "region": _org_ref(appeal.region),
        "centre": _org_ref(appeal.centre),
        "citizen_name": name,
        "citizen_phone": phone,
        "content": appeal.content,
        "urgency": appeal.urgency,
        "confidential": appeal.confidential,
        "enterprise": appeal.enterprise,
        "status": appeal.status,
        "closure": appeal.closure,
        "created_at": appeal.created_at,
        "closed_at": appeal.closed_at,
    }
    if with_details:
        document["tasks"] = [
            {
                "id": task.id,
                "name": task.name,
                "title": task.title,
                "role": task.role,
                "status": task.status,
                "candidate_org_id": task.candidate_org_id,
                "assignee": task.assignee.username if task.assignee else None,
                "created_at": task.created_at,
                "completed_at": task.completed_at,
            }
            for task in services.appeal_tasks(appeal)
        ]
        history = services.appeal_timeline(appeal)
        document["send_back_count"] = services.send_back_count(history)
        document["dispatch_path"] = HopSchema(many=True).dump(dispatch_path(appeal, history))
        document["returns"] = ReturnSchema(many=True).dump(appeal_returns(appeal.id))
        document["extensions"] = ExtensionSchema(many=True).dump(appeal_extensions(appeal.id))
        document["history"] = [
            {
                "id": row.id,
                "event": row.event,
                "task_name": row.task_name,
                "actor": row.actor.username if row.actor else None,
                "actor_name": row.actor.display_name if row.actor else None,
                "created_at": row.created_at,
                "detail": event_detail(row),
            }
            for row in history
        ]
    return AppealSchema().dump(document)


@api_bp.post("/appeals")
@require_user
def create_appeal():
    key = request.headers.get("Idempotency-Key")
    if key is not None and not (0 < len(key) <= IDEMPOTENCY_KEY_MAX):
        raise InvalidInput("invalid Idempotency-Key header", {"Idempotency-Key": f"Must have 1 to {IDEMPOTENCY_KEY_MAX} characters."})

    data = load_with(AppealCreateSchema(), json_body())
    data["content"] = data["content"].strip()
    triage = data.pop("triage")
    appeal, created = services.register_appeal(current_user, data, idempotency_key=key, triage=triage)

    response = jsonify(appeal_document(appeal, current_user))
    response.status_code = 201 if created else 200
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    response.headers["Location"] = f"/api/v1/appeals/{appeal.number}"
    return response


@api_bp.get("/appeals")
@require_user
def list_appeals():
    appeals = services.list_appeals(current_user, status=request.args.get("status"))
    return jsonify({"items": [appeal_document(appeal, current_user, with_details=False) for appeal in appeals]})


@api_bp.get("/appeals/<number>")
@require_user
def get_appeal(number):
    appeal = services.get_visible_appeal(current_user, number)
    return jsonify(appeal_document(appeal, current_user))
