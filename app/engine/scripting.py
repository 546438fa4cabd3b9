"""Restricted evaluation of BPMN scripts, gateway conditions and expressions.

SpiffWorkflow's default engine calls plain ``exec``/``eval`` with the real
builtins. Diagrams are edited by process designers in the browser, so every
script and expression here is checked against an AST allow-list first, runs
with a short list of builtins, and is stopped when it runs past a time limit.
"""

import ast
import copy
import sys
import time
from functools import lru_cache

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from .errors import ExpressionRejected, ExpressionTimeout

DEFAULT_TIME_LIMIT_SECONDS = 0.5

SAFE_BUILTINS = {
    name: __builtins__[name] if isinstance(__builtins__, dict) else getattr(__builtins__, name)
    for name in (
        "abs", "all", "any", "bool", "dict", "divmod", "enumerate", "filter", "float",
        "int", "isinstance", "len", "list", "map", "max", "min", "range", "reversed",
        "round", "set", "sorted", "str", "sum", "tuple", "zip",
    )
}
SAFE_BUILTINS.update({"True": True, "False": False, "None": None})

_FORBIDDEN_NODES = (
    ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.ClassDef,
    ast.AsyncFunctionDef, ast.Await, ast.AsyncFor, ast.AsyncWith,
    ast.Yield, ast.YieldFrom, ast.With, ast.Try, ast.Raise, ast.Delete,
)


def _check_tree(tree, source):
    """Raise ExpressionRejected for the first construct outside the allow-list."""
    for node in ast.walk(tree):
        line = getattr(node, "lineno", None)

        if isinstance(node, _FORBIDDEN_NODES):
            raise ExpressionRejected(source, f"{type(node).__name__} statements are not allowed", line)

        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise ExpressionRejected(source, f"access to attribute '{node.attr}' is not allowed", line)

        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise ExpressionRejected(source, f"names starting with '_' are not allowed: '{node.id}'", line)

        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("__"):
            raise ExpressionRejected(source, "string constants starting with '__' are not allowed", line)


@lru_cache(maxsize=4096)
def compile_restricted(source, mode):
    """Check a script ('exec') or expression ('eval') and return its code object."""
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise ExpressionRejected(source, f"syntax error: {exc.msg}", exc.lineno) from exc

    _check_tree(tree, source)
    return compile(tree, "<bpmn-script>", mode)


class _Deadline:
    """A trace function that stops Python-level execution after a time limit.

    It requests an event per bytecode instruction, not per line, because a loop
    written on one line, such as ``while True: pass``, never starts a new line.
    """

    def __init__(self, seconds):
        self.expires = time.monotonic() + seconds

    def __call__(self, frame, event, arg):
        if event == "call":
            frame.f_trace_opcodes = True
        if time.monotonic() > self.expires:
            raise ExpressionTimeout("script ran past its time limit")
        return self


def _run_limited(code, namespace, seconds):
    # NOTE: the trace function runs only between Python bytecode instructions, so a single long
    # C call (say sum(range(10**12))) is not interrupted until it returns.
    previous = sys.gettrace()
    sys.settrace(_Deadline(seconds))
    try:
        return eval(code, namespace)
    finally:
        sys.settrace(previous)


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Script environment with an AST allow-list, safe builtins and a time limit."""

    def __init__(self, time_limit=DEFAULT_TIME_LIMIT_SECONDS):
        super().__init__({})
        self.time_limit = time_limit

    def evaluate(self, expression, context, external_context=None):
        code = compile_restricted(expression.strip(), "eval")
        namespace = {"__builtins__": SAFE_BUILTINS}
        namespace.update(external_context or {})
        namespace.update(context)
        return _run_limited(code, namespace, self.time_limit)

    def execute(self, script, context, external_context=None):
        code = compile_restricted(script, "exec")

        # Work on a deep copy: SpiffWorkflow shares nested values between a task
        # and its parent, so an in-place mutation would rewrite earlier snapshots.
        namespace = copy.deepcopy(context)
        namespace.update(external_context or {})
        namespace["__builtins__"] = SAFE_BUILTINS
        _run_limited(code, namespace, self.time_limit)

        del namespace["__builtins__"]
        for key in list(namespace):
            if callable(namespace[key]) or (external_context and key in external_context):
                del namespace[key]
        context.clear()
        context.update(namespace)
        return True

    def call_service(self, context, **kwargs):
        raise ExpressionRejected("", "service tasks are not supported")


def create_script_engine(time_limit=DEFAULT_TIME_LIMIT_SECONDS):
    """Build a SpiffWorkflow script engine that runs in the restricted environment."""
    return PythonScriptEngine(environment=RestrictedEnvironment(time_limit))
