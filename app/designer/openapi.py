"""The designer and workflow-error endpoints of the OpenAPI document."""

PROBLEM_SCHEMA = {
    "type": "object",
    "properties": {
        "stage": {"type": "string", "enum": ["xml", "parse", "rules", "dry_run", "form"]},
        "file": {"type": "string", "nullable": True, "description": "BPMN file or form name"},
        "element_id": {"type": "string", "nullable": True},
        "line": {"type": "integer", "nullable": True},
        "code": {"type": "string", "description": "machine-readable problem code"},
        "message": {"type": "string", "description": "where and what, in the user's language"},
        "path": {"type": "string", "description": "JSON pointer inside a form schema (form problems only)"},
        "keyword": {"type": "string", "description": "the offending schema keyword (form problems only)"},
    },
    "required": ["stage", "code", "message"],
}
REJECTED_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {"type": "string", "enum": ["process_invalid"]},
        "message": {"type": "string"},
        "ok": {"type": "boolean", "enum": [False]},
        "problems": {"type": "array", "items": {"$ref": "#/components/schemas/Problem"}},
    },
    "required": ["error", "message", "ok", "problems"],
}
ACCEPTED_SCHEMA = {
    "type": "object",
    "properties": {
        "ok": {"type": "boolean", "enum": [True]},
        "problems": {"type": "array", "maxItems": 0, "items": {}},
        "not_reached": {
            "type": "array",
            "description": "elements no sample run reached; not an error",
            "items": {"type": "object", "properties": {"file": {"type": "string"}, "element_id": {"type": "string"}}},
        },
    },
}
VERSION_SCHEMA = {
    "type": "object",
    "properties": {
        "version": {"type": "integer"},
        "content_hash": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        "created_by": {"type": "string", "nullable": True},
        "note": {"type": "string"},
        "active": {"type": "boolean"},
        "name": {"type": "string"},
    },
}
MODEL_BODY = {
    "type": "object",
    "properties": {
        "files": {"type": "object", "additionalProperties": {"type": "string"}, "description": "file name → BPMN XML"},
        "forms": {"type": "object", "additionalProperties": {"type": "object"}, "description": "form file name → JSON Schema"},
    },
    "required": ["files"],
}
WORKFLOW_ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "appeal_id": {"type": "integer"},
        "appeal_number": {"type": "string"},
        "process_id": {"type": "string"},
        "version": {"type": "integer"},
        "source": {"type": "string", "enum": ["task_completion", "timer", "message"]},
        "task_spec": {"type": "string", "description": "id of the failing BPMN element"},
        "human_task_id": {"type": "integer", "nullable": True},
        "message": {"type": "string"},
        "attempts": {"type": "integer"},
        "occurred_at": {"type": "string", "format": "date-time"},
        "resolved_at": {"type": "string", "format": "date-time", "nullable": True},
        "resolution": {"type": "string", "nullable": True, "enum": ["completed", "form_changed", "resumed"]},
    },
}


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema, description="OK"):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description):
    return _json(_ref("Error"), description)


def _body(schema):
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _operation(summary, responses, tag="designer", parameters=(), body=None):
    operation = {"summary": summary, "tags": [tag], "parameters": list(parameters), "responses": responses}
    operation["responses"].setdefault("403", _error("not a designer or admin"))
    if body is not None:
        operation["requestBody"] = body
    return operation


PROCESS_ID = {"in": "path", "name": "process_id", "required": True, "schema": {"type": "string"}}
NUMBER = {"in": "path", "name": "number", "required": True, "schema": {"type": "integer"}}
REJECTED = _json(_ref("ProcessRejected"), "the model or schema has problems; nothing was stored")


def _paths():
    return {
        "/designer/processes": {
            "get": _operation("Process models with their active version and draft", {"200": _json({"type": "object"})}),
            "post": _operation(
                "Create a process model whose draft is a blank diagram",
                {"201": _json(_ref("ModelAccepted")), "409": _error("the process exists"), "422": _error("invalid id or name")},
                body=_body({"type": "object", "properties": {"process_id": {"type": "string"}, "name": {"type": "string"}}}),
            ),
        },
        "/designer/processes/{process_id}/source": {
            "get": _operation(
                "The files and forms to edit: the draft, else the active version (with called processes' files)",
                {"200": _json({"type": "object"}), "404": _error("no draft and no version")},
                parameters=[PROCESS_ID],
            )
        },
        "/designer/forms": {
            "get": _operation(
                "Form schemas of the forms folder, with a process's version and draft forms over them",
                {"200": _json({"type": "object"})},
                parameters=[{"in": "query", "name": "process_id", "schema": {"type": "string"}}],
            )
        },
        "/designer/forms/check": {
            "post": _operation(
                "Check a form schema against the keyword allow-list",
                {"200": _json(_ref("ModelAccepted")), "422": REJECTED},
                body=_body({"type": "object", "properties": {"name": {"type": "string"}, "schema": {"type": "object"}}}),
            )
        },
        "/designer/processes/{process_id}/validate": {
            "post": _operation(
                "Run the validation chain (XML, parse, rules, dry run, forms); stores nothing",
                {"200": _json(_ref("ModelAccepted")), "422": REJECTED},
                parameters=[PROCESS_ID],
                body=_body(MODEL_BODY),
            )
        },
        "/designer/processes/{process_id}/draft": {
            "put": _operation(
                "Validate and store the draft",
                {"200": _json(_ref("ModelAccepted")), "422": REJECTED},
                parameters=[PROCESS_ID],
                body=_body(MODEL_BODY),
            )
        },
        "/designer/processes/{process_id}/upload": {
            "post": _operation(
                "Upload one .bpmn file over the current source; stored as the draft only when valid",
                {"200": _json(_ref("ModelAccepted")), "404": _error("no such process"), "413": _error("over 1 MiB"), "422": REJECTED},
                parameters=[PROCESS_ID],
                body={
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
                        }
                    },
                },
            )
        },
        "/designer/processes/{process_id}/versions": {
            "get": _operation("Versions of a process, newest first", {"200": _json({"type": "object"})}, parameters=[PROCESS_ID]),
            "post": _operation(
                "Deploy the draft as a new active version; the draft is validated again",
                {
                    "201": _json({"type": "object", "properties": {"version": _ref("Version")}}),
                    "409": _error("no draft, or it changed during the deploy"),
                    "422": REJECTED,
                },
                parameters=[PROCESS_ID],
                body=_body({"type": "object", "properties": {"note": {"type": "string", "maxLength": 500}}}),
            ),
        },
        "/designer/processes/{process_id}/versions/{number}": {
            "get": _operation(
                "A version's metadata, files and forms",
                {"200": _json({"type": "object"}), "404": _error("no such version")},
                parameters=[PROCESS_ID, NUMBER],
            )
        },
        "/designer/processes/{process_id}/versions/{number}/activate": {
            "post": _operation(
                "Make the version the one new appeals start on; an older version is a rollback",
                {"200": _json({"type": "object", "properties": {"version": _ref("Version")}}), "404": _error("no such version")},
                parameters=[PROCESS_ID, NUMBER],
            )
        },
        "/designer/processes/{process_id}/diff": {
            "get": _operation(
                "Unified diffs per file and added, removed and changed task ids between two versions",
                {"200": _json({"type": "object"}), "404": _error("no such version"), "422": _error("missing version numbers")},
                parameters=[
                    PROCESS_ID,
                    {"in": "query", "name": "from", "required": True, "schema": {"type": "integer"}},
                    {"in": "query", "name": "to", "required": True, "schema": {"type": "integer"}},
                ],
            )
        },
        "/designer/processes/{process_id}/versions/{number}/migration": {
            "get": _operation(
                "Running appeals on other versions, each with where it waits and whether it can move here",
                {"200": _json({"type": "object"}), "404": _error("no such version")},
                parameters=[PROCESS_ID, NUMBER],
            ),
            "post": _operation(
                "Move the chosen appeals to this version; unsafe ones are refused with the reason",
                {"200": _json({"type": "object"}), "404": _error("no such version"), "422": _error("invalid appeal_ids")},
                parameters=[PROCESS_ID, NUMBER],
                body=_body({"type": "object", "properties": {"appeal_ids": {"type": "array", "items": {"type": "integer"}}}}),
            ),
        },
        "/admin/workflow-errors": {
            "get": _operation(
                "Queued engine failures of single appeals (admins only)",
                {
                    "200": _json({"type": "object", "properties": {"items": {"type": "array", "items": _ref("WorkflowError")}}}),
                    "422": _error("invalid status filter"),
                },
                tag="admin",
                parameters=[{"in": "query", "name": "status", "schema": {"type": "string", "enum": ["open", "resolved", "all"]}}],
            )
        },
        "/admin/workflow-errors/{error_id}/retry": {
            "post": _operation(
                "Run the failed work again, for example after migrating the appeal to a fixed version (admins only)",
                {"200": _json({"type": "object"}), "404": _error("no such error"), "409": _error("already resolved, or failed again")},
                tag="admin",
                parameters=[{"in": "path", "name": "error_id", "required": True, "schema": {"type": "integer"}}],
            )
        },
    }


def add_designer_paths(spec):
    """Add the designer and error-queue schemas and paths to an apispec APISpec."""
    for name, schema in (
        ("Problem", PROBLEM_SCHEMA),
        ("ProcessRejected", REJECTED_SCHEMA),
        ("ModelAccepted", ACCEPTED_SCHEMA),
        ("Version", VERSION_SCHEMA),
        ("WorkflowError", WORKFLOW_ERROR_SCHEMA),
    ):
        spec.components.schema(name, schema)
    for path, operations in _paths().items():
        spec.path(path=path, operations=operations)
