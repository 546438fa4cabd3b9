"""Marshmallow schemas for appeals in the API."""

from marshmallow import Schema, ValidationError, fields, validate, validates

from .models import APPEAL_TYPES, CHANNELS, URGENCIES

CONTENT_MAX_CHARS = 5000
PHONE_PATTERN = r"^[0-9+\-*() ]{0,32}$"


class AppealCreateSchema(Schema):
    """Body of POST /appeals."""

    appeal_type = fields.String(required=True, validate=validate.OneOf(APPEAL_TYPES))
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    category_code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$", error="Must be a 6-digit category code."))
    region_id = fields.Integer(required=True, strict=True)
    citizen_name = fields.String(load_default="", validate=validate.Length(max=100))
    citizen_phone = fields.String(
        load_default="",
        validate=validate.Regexp(PHONE_PATTERN, error="Must contain only digits, spaces, +, -, * or brackets (at most 32)."),
    )
    content = fields.String(required=True)
    urgency = fields.String(load_default="normal", validate=validate.OneOf(URGENCIES))
    confidential = fields.Boolean(load_default=False)
    enterprise = fields.Boolean(load_default=False)
    triage = fields.Dict(load_default=None)

    @validates("content")
    def _check_content(self, value, **kwargs):
        text = value.strip()
        if not text:
            raise ValidationError("Must not be empty or only whitespace; record what the citizen asked.")
        if len(text) > CONTENT_MAX_CHARS:
            raise ValidationError(f"Must have at most {CONTENT_MAX_CHARS} characters (got {len(text)}); shorten it.")


class OrgRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class TaskSummarySchema(Schema):
    id = fields.Integer()
    name = fields.String()
    title = fields.String()
    role = fields.String()
    status = fields.String()
    candidate_org_id = fields.Integer(allow_none=True)
    assignee = fields.String(allow_none=True)
    created_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)


class HistoryEventSchema(Schema):
    id = fields.Integer()
    event = fields.String()
    task_name = fields.String(allow_none=True)
    actor = fields.String(allow_none=True)
    actor_name = fields.String(allow_none=True)
    created_at = fields.DateTime()
    detail = fields.Dict()


class AppealSchema(Schema):
    number = fields.String()
    appeal_type = fields.String()
    channel = fields.String()
    category_code = fields.String(allow_none=True)
    category_label = fields.String(allow_none=True)
    region = fields.Nested(OrgRefSchema)
    centre = fields.Nested(OrgRefSchema)
    citizen_name = fields.String()
    citizen_phone = fields.String()
    content = fields.String()
    urgency = fields.String()
    confidential = fields.Boolean()
    enterprise = fields.Boolean()
    status = fields.String()
    closure = fields.String(allow_none=True)
    created_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    send_back_count = fields.Integer()
    tasks = fields.List(fields.Nested(TaskSummarySchema))
    history = fields.List(fields.Nested(HistoryEventSchema))
    # Already dumped by the handling schemas.
    dispatch_path = fields.Raw()
    returns = fields.Raw()
    extensions = fields.Raw()
