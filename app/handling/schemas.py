"""Marshmallow schemas for returns and extension requests."""

from marshmallow import Schema, fields


class ReturnBodySchema(Schema):
    """Body of POST /tasks/<id>/return; the service checks the reason code and text."""

    reason_code = fields.String(required=True)
    reason_text = fields.String(required=True)


class ExtensionBodySchema(Schema):
    """Body of POST /tasks/<id>/extension; days may be a number or a decimal string."""

    days = fields.Raw(required=True)
    grounds = fields.String(required=True)


class ReturnSchema(Schema):
    id = fields.Integer()
    unit_id = fields.Integer()
    unit = fields.Function(lambda request: request.unit.name)
    reason_code = fields.String()
    reason_text = fields.String()
    returned_at = fields.DateTime()
    status = fields.String()
    decided_at = fields.DateTime(allow_none=True)
    decision_reason = fields.String()
    new_unit_id = fields.Integer(allow_none=True)


class ExtensionSchema(Schema):
    id = fields.Integer()
    human_task_id = fields.Integer()
    unit_id = fields.Integer()
    unit = fields.Function(lambda request: request.unit.name)
    days = fields.String()
    grounds = fields.String()
    requested_at = fields.DateTime()
    status = fields.String()
    decided_at = fields.DateTime(allow_none=True)
    decision_reason = fields.String()
    old_deadline = fields.DateTime(allow_none=True)
    new_deadline = fields.DateTime(allow_none=True)


class HopSchema(Schema):
    kind = fields.String()
    from_unit = fields.String()
    to_unit = fields.String()
    to_unit_kind = fields.String()
    assisting_units = fields.List(fields.String())
    actor = fields.String()
    at = fields.DateTime()
