"""JSON API: returning a task, requesting an extension, and the standard return reasons."""

from flask import jsonify
from flask_login import current_user

from ..api import api_bp, json_body, load_with, require_user
from . import services
from .schemas import ExtensionBodySchema, ExtensionSchema, ReturnBodySchema, ReturnSchema


@api_bp.get("/return-reasons")
@require_user
def list_return_reasons():
    return jsonify({"items": [{"code": code, "label": label} for code, label in services.return_reasons().items()]})


@api_bp.post("/tasks/<int:task_id>/return")
@require_user
def return_task(task_id):
    body = load_with(ReturnBodySchema(), json_body())
    request = services.return_task(current_user, task_id, body["reason_code"], body["reason_text"])
    return jsonify(ReturnSchema().dump(request))


@api_bp.post("/tasks/<int:task_id>/extension")
@require_user
def request_extension(task_id):
    body = load_with(ExtensionBodySchema(), json_body())
    request = services.request_extension(current_user, task_id, body["days"], body["grounds"])
    return jsonify(ExtensionSchema().dump(request)), 201
