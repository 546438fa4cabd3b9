"""Exceptions raised by the engine layer, named after the condition."""


class EngineError(Exception):
    """Base class for errors raised by the workflow engine glue."""


class BpmnRejected(EngineError):
    """A BPMN document failed a safety or validity check before deployment."""

    def __init__(self, filename, reason, line=None, element_id=None, code="bpmn_invalid", params=None):
        # With ``params``, ``reason`` is a message template, so callers can translate it.
        self.filename = filename
        self.template = reason
        self.params = params or {}
        self.reason = reason % params if params else reason
        self.line = line
        self.element_id = element_id
        self.code = code
        where = filename
        if element_id:
            where += f", element {element_id}"
        if line:
            where += f", line {line}"
        super().__init__(f"{where}: {self.reason}")


class ExpressionRejected(EngineError):
    """A script or expression uses a construct the restricted engine forbids."""

    def __init__(self, source, reason, line=None):
        self.source = source
        self.reason = reason
        self.line = line
        suffix = f" (line {line})" if line else ""
        super().__init__(f"{reason}{suffix}")


class ExpressionTimeout(EngineError):
    """A script or expression ran past its time limit."""


class TaskNotReady(EngineError):
    """The workflow has no READY user task with the given id."""

    def __init__(self, task_id):
        self.task_id = task_id
        super().__init__(f"task {task_id} is not ready in this workflow")


class StateFormatError(EngineError):
    """A stored workflow state cannot be read by this version of the application."""


def describe_engine_error(exc):
    """Return an engine exception as one line of text: its error type, then its message.

    SpiffWorkflow's task exceptions often start their message with the type
    already (``KeyError:note``), so the type is not repeated then.
    """
    error_type = getattr(exc, "error_type", None) or type(exc).__name__
    message = str(exc.args[0]) if exc.args else str(exc)
    return message if message.startswith(error_type) else f"{error_type}: {message}"
