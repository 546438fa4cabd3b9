"""Application exceptions, named after the condition; mapped to HTTP in one place."""


class HotlineError(Exception):
    """Base class; ``status`` is the HTTP status the error handler uses."""

    status = 400
    code = "bad_request"

    def __init__(self, message, fields=None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFound(HotlineError):
    status = 404
    code = "not_found"


class AppealNotFound(NotFound):
    code = "appeal_not_found"

    def __init__(self, number):
        super().__init__(f"appeal {number} not found")
        self.number = number


class TaskNotFound(NotFound):
    code = "task_not_found"

    def __init__(self, task_id):
        super().__init__(f"task {task_id} not found")
        self.task_id = task_id


class Conflict(HotlineError):
    status = 409
    code = "conflict"


class TaskAlreadyClaimed(Conflict):
    code = "task_already_claimed"

    def __init__(self, task_id, by_requester=False):
        if by_requester:
            message = f"task {task_id} is already claimed by you; complete or release it"
        else:
            message = f"task {task_id} is already claimed by another user"
        super().__init__(message)
        self.task_id = task_id


class TaskNotClaimed(Conflict):
    code = "task_not_claimed"

    def __init__(self, task_id):
        super().__init__(f"task {task_id} is not claimed, so there is nothing to release")
        self.task_id = task_id


class TaskNotOpen(Conflict):
    code = "task_not_open"

    def __init__(self, task_id, status):
        super().__init__(f"task {task_id} is {status}, so it can no longer be changed")
        self.task_id = task_id
        self.task_status = status


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"


class Forbidden(HotlineError):
    status = 403
    code = "forbidden"


class InvalidInput(HotlineError):
    """Input failed validation; ``fields`` maps each field path to a message.

    ``field_errors`` optionally keeps the structured errors, so the web UI can
    show them in the user's language.
    """

    status = 422
    code = "invalid_input"

    def __init__(self, message, fields=None, field_errors=None):
        super().__init__(message, fields)
        self.field_errors = field_errors


class AuthenticationFailed(HotlineError):
    status = 401
    code = "authentication_failed"


class WorkflowFailed(HotlineError):
    """The engine raised while running an instance; nothing was saved."""

    status = 500
    code = "workflow_failed"


class CsrfTokenInvalid(HotlineError):
    """A browser request signed in by the session cookie lacks a valid X-CSRFToken header."""

    status = 400
    code = "csrf_invalid"
