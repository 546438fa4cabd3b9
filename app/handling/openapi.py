"""OpenAPI paths for returns, extensions and the standard return reasons."""

from .schemas import ExtensionBodySchema, ExtensionSchema, ReturnBodySchema, ReturnSchema

TASK_ID = [{"in": "path", "name": "task_id", "required": True, "schema": {"type": "integer"}}]


SCHEMAS = (
    ("ReturnBody", ReturnBodySchema),
    ("Return", ReturnSchema),
    ("ExtensionBody", ExtensionBodySchema),
    ("Extension", ExtensionSchema),
)


def add_handling_paths(spec, ref, json_response, error_response):
    """Register the paths of the handling API on an apispec APISpec that has SCHEMAS."""

    spec.path(
        path="/return-reasons",
        operations={
            "get": {
                "summary": "Standard return reasons (code and label)",
                "tags": ["handling"],
                "responses": {"200": json_response({"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object"}}}})},
            }
        },
    )
    spec.path(
        path="/tasks/{task_id}/return",
        operations={
            "post": {
                "summary": "Return the appeal of a lead department's reply task to its dispatcher, within the return window",
                "tags": ["handling"],
                "parameters": TASK_ID,
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("ReturnBody")}}},
                "responses": {
                    "200": json_response(ref("Return")),
                    "403": error_response("the task is for another role or unit"),
                    "404": error_response("no such task, or not visible to you"),
                    "409": error_response("not returnable, return window closed, or claimed by another user"),
                    "422": error_response("unknown reason_code or missing reason_text"),
                },
            }
        },
    )
    spec.path(
        path="/tasks/{task_id}/extension",
        operations={
            "post": {
                "summary": "Ask the dispatching unit for more working days on a task, before its reply deadline",
                "tags": ["handling"],
                "parameters": TASK_ID,
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("ExtensionBody")}}},
                "responses": {
                    "201": json_response(ref("Extension"), "Created"),
                    "403": error_response("the task is for another role or unit"),
                    "404": error_response("no such task, or not visible to you"),
                    "409": error_response("deadline passed, another request pending, or no running reply clock"),
                    "422": error_response("days not above 0 and at most the configured maximum, or grounds too short"),
                },
            }
        },
    )
