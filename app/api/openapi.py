"""The OpenAPI 3 document at /api/v1/openapi.json and an offline docs page."""

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import jsonify, render_template

from . import api_bp

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {"type": "string", "description": "machine-readable error code"},
        "message": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}, "description": "field path → what is wrong and how to fix it"},
    },
    "required": ["error", "message"],
}


CLOCK_SCHEMA = {
    "type": "object",
    "nullable": True,
    "description": "the task's first-due running clock, or the appeal's overall clock; paused clocks keep their time left",
    "properties": {
        "kind": {"type": "string", "enum": ["overall", "claim", "return", "reply", "callback", "rework"]},
        "level": {"type": "string", "enum": ["green", "yellow", "red"]},
        "deadline": {"type": "string", "format": "date-time", "nullable": True},
        "provisional": {"type": "boolean", "description": "the deadline counts a year without a loaded holiday schedule"},
        "remaining_working_minutes": {"type": "integer", "nullable": True, "description": "negative when overdue"},
    },
}


def _error(description):
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _json(schema, description="OK"):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _task_action(summary):
    return {
        "post": {
            "summary": summary,
            "tags": ["tasks"],
            "parameters": [{"in": "path", "name": "task_id", "required": True, "schema": {"type": "integer"}}],
            "responses": {
                "200": _json("Task"),
                "403": _error("the task is visible but for another role or unit"),
                "404": _error("no such task, or not visible to you"),
                "409": _error("the task is already claimed or no longer open"),
            },
        }
    }


def build_spec():
    """Assemble the OpenAPI document from the marshmallow schemas."""
    from ..appeals.schemas import AppealCreateSchema, AppealSchema
    from ..designer.openapi import add_designer_paths
    from ..handling.openapi import SCHEMAS as HANDLING_SCHEMAS, add_handling_paths
    from ..auth.schemas import TokenRequestSchema, TokenSchema
    from ..tasks.schemas import CompleteTaskSchema, TaskSchema

    spec = APISpec(
        title="12345 Hotline Workflow API",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={
            "description": "Appeals and task queues. Send the header Authorization: Bearer <token>, with a token from POST /auth/token. "
            "Browser pages signed in with the session cookie send an X-CSRFToken header on every write instead."
        },
        servers=[{"url": "/api/v1"}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Clock", CLOCK_SCHEMA)
    spec.components.schema("Error", ERROR_SCHEMA)
    for name, schema in (
        ("TokenRequest", TokenRequestSchema),
        ("Token", TokenSchema),
        ("AppealCreate", AppealCreateSchema),
        ("Appeal", AppealSchema),
        ("Task", TaskSchema),
        ("CompleteTask", CompleteTaskSchema),
        *HANDLING_SCHEMAS,
    ):
        spec.components.schema(name, schema=schema)

    def ref(name):
        return {"$ref": f"#/components/schemas/{name}"}

    spec.path(
        path="/auth/token",
        operations={
            "post": {
                "summary": "Exchange a username and password for a bearer token",
                "tags": ["auth"],
                "security": [],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("TokenRequest")}}},
                "responses": {"200": _json(ref("Token")), "401": _error("invalid username or password"), "422": _error("invalid fields")},
            }
        },
    )
    spec.path(
        path="/appeals",
        operations={
            "post": {
                "summary": "Register an appeal (intake); a consultation may carry `triage` to answer it at once",
                "tags": ["appeals"],
                "parameters": [
                    {
                        "in": "header",
                        "name": "Idempotency-Key",
                        "schema": {"type": "string", "maxLength": 100},
                        "description": "repeat a request safely: the same key and body return the first appeal",
                    }
                ],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("AppealCreate")}}},
                "responses": {
                    "201": _json(ref("Appeal"), "registered"),
                    "200": _json(ref("Appeal"), "replayed for a repeated Idempotency-Key"),
                    "409": _error("Idempotency-Key reused with another body"),
                    "422": _error("invalid fields"),
                },
            },
            "get": {
                "summary": "List the newest appeals visible to you",
                "tags": ["appeals"],
                "parameters": [{"in": "query", "name": "status", "schema": {"type": "string"}}],
                "responses": {"200": _json({"type": "object", "properties": {"items": {"type": "array", "items": ref("Appeal")}}})},
            },
        },
    )
    spec.path(
        path="/appeals/{number}",
        operations={
            "get": {
                "summary": "An appeal with its status, current tasks and full history",
                "tags": ["appeals"],
                "parameters": [{"in": "path", "name": "number", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": _json(ref("Appeal")), "404": _error("no such appeal, or not visible to you")},
            }
        },
    )
    spec.path(
        path="/tasks",
        operations={
            "get": {
                "summary": "Your tasks: claimed by you, claimable by your unit and role, or both",
                "tags": ["tasks"],
                "parameters": [
                    {"in": "query", "name": "scope", "schema": {"type": "string", "enum": ["all", "mine", "claimable"]}},
                    {"in": "query", "name": "appeal_type", "schema": {"type": "string"}},
                    {"in": "query", "name": "category", "schema": {"type": "string"}, "description": "category code or its 2/4-digit prefix"},
                    {"in": "query", "name": "urgency", "schema": {"type": "string"}},
                    {"in": "query", "name": "status", "schema": {"type": "string"}},
                    {"in": "query", "name": "sort", "schema": {"type": "string", "enum": ["created", "-created", "urgency", "due"]}},
                ],
                "responses": {"200": _json({"type": "object", "properties": {"items": {"type": "array", "items": ref("Task")}}}), "422": _error("invalid filter")},
            }
        },
    )
    spec.path(
        path="/tasks/{task_id}",
        operations={
            "get": {
                "summary": "A task with its form schema and field choices",
                "tags": ["tasks"],
                "parameters": [{"in": "path", "name": "task_id", "required": True, "schema": {"type": "integer"}}],
                "responses": {"200": _json(ref("Task")), "404": _error("no such task, or not visible to you")},
            }
        },
    )
    spec.path(
        path="/org-units",
        operations={
            "get": {
                "summary": "Org units: region ids for intake, department ids for dispatch",
                "tags": ["org units"],
                "parameters": [
                    {"in": "query", "name": "kind", "schema": {"type": "string", "enum": ["province", "city", "district", "department"]}},
                    {"in": "query", "name": "name", "schema": {"type": "string"}, "description": "part of the unit's name"},
                ],
                "responses": {"200": _json({"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object"}}}}), "422": _error("invalid filter")},
            }
        },
    )
    spec.path(
        path="/tasks/{task_id}/pause-clocks",
        operations={
            "post": {
                "summary": "Pause the task's clocks and the overall clock while waiting for the citizen",
                "tags": ["clocks"],
                "parameters": [{"in": "path", "name": "task_id", "required": True, "schema": {"type": "integer"}}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"reason": {"type": "string", "minLength": 2, "maxLength": 500, "description": "2 to 500 characters besides spaces"}},
                                "required": ["reason"],
                            }
                        }
                    },
                },
                "responses": {
                    "200": _json({"type": "object"}),
                    "403": _error("the task is for another role or unit"),
                    "404": _error("no such task"),
                    "409": _error("no running clock"),
                    "422": _error("missing or too short reason"),
                },
            }
        },
    )
    spec.path(
        path="/tasks/{task_id}/resume-clocks",
        operations={
            "post": {
                "summary": "Resume paused clocks from their remaining working time",
                "tags": ["clocks"],
                "parameters": [{"in": "path", "name": "task_id", "required": True, "schema": {"type": "integer"}}],
                "responses": {"200": _json({"type": "object"}), "404": _error("no such task"), "409": _error("no paused clock")},
            }
        },
    )
    spec.path(
        path="/notices",
        operations={
            "get": {
                "summary": "Urging notices delivered to you or your unit",
                "tags": ["clocks"],
                "responses": {"200": _json({"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object"}}}})},
            }
        },
    )
    spec.path(path="/tasks/{task_id}/claim", operations=_task_action("Claim (sign for) a task"))
    spec.path(path="/tasks/{task_id}/release", operations=_task_action("Release a claimed task back to its unit's queue"))
    complete = _task_action("Complete a task with its form data")
    complete["post"]["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref("CompleteTask")}}}
    complete["post"]["responses"]["422"] = _error("invalid form data; `fields` names each field")
    spec.path(path="/tasks/{task_id}/complete", operations=complete)
    add_handling_paths(spec, ref, _json, _error)
    add_designer_paths(spec)

    document = spec.to_dict()
    document["components"]["schemas"]["Task"]["properties"]["clock"] = {"$ref": "#/components/schemas/Clock"}
    document["security"] = [{"bearer": []}]
    return document


@api_bp.get("/openapi.json")
def openapi_document():
    return jsonify(build_spec())


@api_bp.get("/docs")
def openapi_page():
    return render_template("api_docs.html", spec=build_spec())
