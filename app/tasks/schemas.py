"""Marshmallow schemas for the task API."""

from marshmallow import Schema, fields, pre_load, validate

from ..appeals.models import APPEAL_TYPES, URGENCIES
from .models import TASK_STATUSES
from .services import SCOPES, SORTS


class TaskQuerySchema(Schema):
    """Query string of GET /tasks."""

    scope = fields.String(load_default="all", validate=validate.OneOf(SCOPES))
    appeal_type = fields.String(load_default=None, validate=validate.OneOf(APPEAL_TYPES))
    category = fields.String(load_default=None, validate=validate.Regexp(r"^\d{2,6}$", error="Must be 2 to 6 digits of a category code."))
    urgency = fields.String(load_default=None, validate=validate.OneOf(URGENCIES))
    status = fields.String(load_default=None, validate=validate.OneOf(TASK_STATUSES))
    sort = fields.String(load_default="created", validate=validate.OneOf(tuple(SORTS)))


class CompleteTaskSchema(Schema):
    """Body of POST /tasks/<id>/complete."""

    data = fields.Dict(required=True)


class PauseClocksSchema(Schema):
    """Body of POST /tasks/<id>/pause-clocks."""

    reason = fields.String(required=True, validate=validate.Length(min=2, max=500, error="Must have 2 to 500 characters besides spaces."))

    @pre_load
    def _strip(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("reason"), str):
            data = dict(data, reason=data["reason"].strip())
        return data


class TaskSchema(Schema):
    id = fields.Integer()
    appeal_number = fields.String()
    appeal_type = fields.String()
    urgency = fields.String()
    category_code = fields.String(allow_none=True)
    name = fields.String()
    title = fields.String()
    form = fields.String()
    role = fields.String()
    candidate_org_id = fields.Integer(allow_none=True)
    assignee = fields.String(allow_none=True)
    status = fields.String()
    created_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)
    claimed_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    clock = fields.Dict(allow_none=True)
    form_schema = fields.Dict()
    suggestion = fields.Dict(allow_none=True)
    choices = fields.Dict()
    actions = fields.Dict()
    context = fields.Dict()
