"""The restricted engine for scripts, conditions and expressions."""

import pytest

from app.engine.errors import ExpressionRejected, ExpressionTimeout
from app.engine.scripting import RestrictedEnvironment, compile_restricted


@pytest.mark.parametrize(
    "source",
    [
        "import os",
        "from os import path",
        "().__class__",
        "x.__class__.__bases__",
        "__import__('os')",
        "getattr(x, 'y')",
        "open('/etc/passwd')",
        "eval('1')",
        "x._private",
    ],
)
def test_forbidden_constructs(source):
    environment = RestrictedEnvironment()
    with pytest.raises((ExpressionRejected, NameError)):
        environment.execute(source, {"x": 1})


def test_import_rejected_at_compile():
    with pytest.raises(ExpressionRejected) as caught:
        compile_restricted("import os", "exec")
    assert "Import" in caught.value.reason


def test_dunder_attribute_rejected_at_compile():
    with pytest.raises(ExpressionRejected) as caught:
        compile_restricted("().__class__", "eval")
    assert "__class__" in caught.value.reason


def test_conditions_evaluate_task_data():
    environment = RestrictedEnvironment()
    assert environment.evaluate('review["decision"] == "send_back"', {"review": {"decision": "send_back"}}) is True
    assert environment.evaluate("len(items) + max(1, 2)", {"items": [1, 2, 3]}) == 5


def test_script_assigns_into_data():
    environment = RestrictedEnvironment()
    context = {"reprocessing_round": 1}
    environment.execute("reprocessing_round = reprocessing_round + 1\nclosure = 'x'", context)
    assert context == {"reprocessing_round": 2, "closure": "x"}


def test_script_does_not_mutate_nested_input():
    environment = RestrictedEnvironment()
    shared = {"items": [1]}
    context = {"bag": shared}
    environment.execute("bag['items'].append(2)", context)
    assert shared == {"items": [1]}
    assert context["bag"] == {"items": [1, 2]}


@pytest.mark.parametrize(
    "script",
    [
        "while True:\n    pass",
        "while True: pass",
        "x = 0\nwhile x >= 0: x += 1",
        "found = any(n < 0 for n in range(10 ** 12))",
    ],
)
def test_endless_loop_stopped(script):
    environment = RestrictedEnvironment(time_limit=0.2)
    with pytest.raises(ExpressionTimeout):
        environment.execute(script, {})


def test_endless_expression_stopped():
    environment = RestrictedEnvironment(time_limit=0.2)
    with pytest.raises(ExpressionTimeout):
        environment.evaluate("any(n < 0 for n in range(10 ** 12))", {})


def test_syntax_error_reports_line():
    with pytest.raises(ExpressionRejected) as caught:
        compile_restricted("x = 1\ny = (", "exec")
    assert caught.value.line == 2
