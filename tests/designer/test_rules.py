"""The validation chain on its own: each stage names the file, element and line of a problem."""

import os

import pytest

from app.designer.checks import check_process
from app.engine.dryrun import DryRunLimits
from app.engine.xml_guard import MAX_ELEMENTS
from tests.designer.conftest import ROOT, appeal_flow, fixture_text, settings

PROCESS_ID = "designer_appeal"


def check(text, process_id=PROCESS_ID, forms=None, **setting_overrides):
    return check_process(process_id, {"flow.bpmn": text}, forms or {}, settings(**setting_overrides))


def codes(outcome):
    return [(problem.stage, problem.code, problem.element_id) for problem in outcome.problems]


def line_of(text, needle):
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize("process_id", ["complaint", "consultation"])
def test_shipped_diagrams_pass(process_id):
    folder = os.path.join(ROOT, "bpmn")
    files = {}
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            files[name] = handle.read()

    outcome = check_process(process_id, files, {}, settings())

    assert outcome.problems == []
    assert outcome.process_name


def test_fixture_flow_passes():
    outcome = check(appeal_flow(PROCESS_ID))
    assert outcome.problems == []
    assert outcome.not_reached == []


def test_doctype_rejected_at_xml_stage():
    text = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]>' + appeal_flow(PROCESS_ID).split("?>", 1)[1]
    outcome = check(text)
    assert codes(outcome) == [("xml", "doctype", None)]
    assert outcome.problems[0].file == "flow.bpmn"


def test_character_references_allowed():
    text = appeal_flow(PROCESS_ID).replace('name="Dispatch"', 'name="&amp;&lt;&#x41;"')
    assert check(text).problems == []


def test_undeclared_entity_rejected():
    text = appeal_flow(PROCESS_ID).replace('name="Dispatch"', 'name="&secret;"')
    outcome = check(text)
    assert codes(outcome) == [("xml", "xml_malformed", None)]
    assert "secret" in outcome.problems[0].message


def test_external_dtd_rejected():
    external = '<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://127.0.0.1:9/x.dtd"><a/>'
    assert codes(check(external)) == [("xml", "doctype", None)]


def test_not_xml_names_line():
    outcome = check("this is not a diagram\n<<<")
    assert codes(outcome) == [("xml", "xml_malformed", None)]
    assert outcome.problems[0].line == 1


def test_xml_that_is_not_bpmn():
    outcome = check('<?xml version="1.0"?><note><to>dispatcher</to></note>')
    assert codes(outcome) == [("parse", "not_bpmn", None)]
    assert "note" in outcome.problems[0].message


def test_too_many_elements():
    tasks = "".join(f'<bpmn:task id="t{index}"/>' for index in range(MAX_ELEMENTS))
    text = appeal_flow(PROCESS_ID).replace("<bpmn:startEvent id=\"start\">", tasks + "<bpmn:startEvent id=\"start\">")
    outcome = check(text)
    assert codes(outcome) == [("xml", "too_many_elements", None)]
    assert str(MAX_ELEMENTS) in outcome.problems[0].message


def test_too_many_flow_elements():
    tasks = "".join(f'<bpmn:task id="t{index}"/>' for index in range(2100))
    text = appeal_flow(PROCESS_ID).replace("<bpmn:startEvent id=\"start\">", tasks + "<bpmn:startEvent id=\"start\">")
    assert codes(check(text)) == [("xml", "too_many_flow_elements", None)]


def test_process_id_must_be_defined():
    assert codes(check(appeal_flow("another_id"))) == [("parse", "process_missing", None)]


def test_not_executable_rejected_by_parser():
    text = appeal_flow(PROCESS_ID).replace('isExecutable="true"', 'isExecutable="false"')
    outcome = check(text)
    assert codes(outcome) == [("parse", "bpmn_invalid", PROCESS_ID)]
    assert "not executable" in outcome.problems[0].message


def test_unsupported_elements_named():
    outcome = check(fixture_text("unsupported.bpmn"), process_id="designer_unsupported")
    assert codes(outcome) == [
        ("rules", "unsupported_element", "Gateway_complex"),
        ("rules", "unsupported_element", "Activity_transaction"),
        ("rules", "unsupported_element", "Choreography_1"),
    ]
    assert "complexGateway" in outcome.problems[0].message
    assert outcome.problems[0].line == 7


def test_lane_must_be_role():
    text = appeal_flow(PROCESS_ID).replace('name="handler"', 'name="city management"')
    outcome = check(text)
    assert codes(outcome) == [("rules", "lane_role_unknown", "lane_handler")]
    assert outcome.problems[0].line == line_of(text, 'id="lane_handler"')


def test_user_task_needs_lane():
    text = appeal_flow(PROCESS_ID).replace("<bpmn:flowNodeRef>reply</bpmn:flowNodeRef>", "")
    assert codes(check(text)) == [("rules", "user_task_without_lane", "reply")]


def test_user_task_needs_form():
    text = appeal_flow(PROCESS_ID).replace('<spiffworkflow:property name="form" value="reply.json"/>', "")
    assert codes(check(text)) == [("rules", "form_missing", "reply")]


def test_unknown_form_rejected_unless_sent():
    text = appeal_flow(PROCESS_ID).replace('value="reply.json"', 'value="reply_v2.json"')
    assert codes(check(text)) == [("rules", "form_unknown", "reply")]

    schema = {"type": "object", "properties": {"result": {"type": "string"}}, "required": ["result"]}
    assert check(text, forms={"reply_v2.json": schema}).problems == []


def test_appeal_status_and_clock_checked():
    text = appeal_flow(PROCESS_ID).replace('value="dispatched"', 'value="with_department"')
    text = text.replace(
        '<spiffworkflow:property name="form" value="reply.json"/>',
        '<spiffworkflow:property name="form" value="reply.json"/><spiffworkflow:property name="clock" value="reply,lunch"/>',
    )
    statuses = frozenset({"awaiting_dispatch", "dispatched", "awaiting_callback"})
    outcome = check(text, appeal_statuses=statuses, clock_classes=frozenset({"reply"}))
    assert codes(outcome) == [("rules", "appeal_status_unknown", "reply"), ("rules", "clock_unknown", "reply")]


@pytest.mark.parametrize(
    ("expression", "code"),
    [
        ("P3D", "timer_unquoted"),
        ('"P3X"', "timer_invalid_duration"),
        ('"3D"', "timer_invalid_duration"),
        ("days_to_wait", "timer_unknown_variable"),
        ('"P" + "3D"', "timer_unknown_variable"),
    ],
)
def test_timer_expressions(expression, code):
    text = appeal_flow(PROCESS_ID).replace("<bpmn:timeDuration>callback_timeout", f"<bpmn:timeDuration>{expression}")
    outcome = check(text)
    assert codes(outcome) == [("rules", code, "callback_timeout_timer")]
    assert outcome.problems[0].line == line_of(text, "<bpmn:timeDuration>")


def test_quoted_timer_passes():
    text = appeal_flow(PROCESS_ID).replace("<bpmn:timeDuration>callback_timeout", '<bpmn:timeDuration>"PT4H"')
    assert check(text).problems == []


@pytest.mark.parametrize(
    ("script", "code", "reason"),
    [
        ("import os", "script_rejected", "Import"),
        ("closure = ().__class__", "script_rejected", "__class__"),
        ('closure = open("/etc/passwd").read()', "script_forbidden_name", "open"),
        ('exec("closure = 1")', "script_forbidden_name", "exec"),
        ("closure = (", "script_rejected", "syntax"),
    ],
)
def test_forbidden_scripts(script, code, reason):
    text = appeal_flow(PROCESS_ID, close_script=script)
    outcome = check(text)
    assert codes(outcome) == [("rules", code, "close")]
    assert reason in outcome.problems[0].message
    assert outcome.problems[0].line == line_of(text, "<bpmn:script>" + script[:10])


def test_script_line_counts_from_script_start():
    text = appeal_flow(PROCESS_ID, close_script='closure = "ok"\nx = 1\nimport os')
    outcome = check(text)
    assert outcome.problems[0].line == line_of(text, "import os")


def test_candidate_expression_checked():
    text = appeal_flow(PROCESS_ID).replace('value="centre_id"/>\n        </spiffworkflow:properties>\n      </bpmn:extensionElements>\n      <bpmn:incoming>flow_start', 'value="centre_id.__class__"/>\n        </spiffworkflow:properties>\n      </bpmn:extensionElements>\n      <bpmn:incoming>flow_start', 1)
    assert codes(check(text)) == [("rules", "candidate_rejected", "dispatch")]


def test_condition_checked():
    text = fixture_text("bpmn_js_flow.bpmn").replace('Activity_1r7b5kz["outcome"] == "unresolved"', "().__class__")
    outcome = check(text, process_id="designer_bpmnjs")
    assert codes(outcome) == [("rules", "condition_rejected", "Flow_1w4x5y6")]


def test_gateway_without_default_rejected_by_parser():
    text = fixture_text("bpmn_js_flow.bpmn").replace(' default="Flow_0t1u2v3"', "")
    outcome = check(text, process_id="designer_bpmnjs")
    assert codes(outcome) == [("parse", "bpmn_invalid", "Flow_0t1u2v3")]
    assert "without condition" in outcome.problems[0].message
    assert outcome.problems[0].line == line_of(text, 'id="Flow_0t1u2v3"')


def test_gateway_flow_with_empty_condition():
    text = fixture_text("bpmn_js_flow.bpmn").replace('Activity_1r7b5kz["outcome"] == "unresolved"', "  ")
    outcome = check(text, process_id="designer_bpmnjs")
    assert codes(outcome) == [("rules", "flow_without_condition", "Gateway_0d5e6f7")]
    assert "Flow_1w4x5y6" in outcome.problems[0].message


def test_endless_loop_fails_dry_run():
    text = appeal_flow(PROCESS_ID, close_script="while True:\n    closure = 1")
    outcome = check(text, limits=DryRunLimits(script_seconds=0.1))
    assert codes(outcome) == [("dry_run", "dry_run_timeout", "close")]
    assert outcome.problems[0].line == line_of(text, 'id="close"')


def test_runtime_error_fails_dry_run():
    outcome = check(appeal_flow(PROCESS_ID, close_script='closure = callback["note"]'))
    assert codes(outcome) == [("dry_run", "dry_run_failed", "close")]
    assert "KeyError" in outcome.problems[0].message


def test_timer_path_is_dry_run():
    outcome = check(appeal_flow(PROCESS_ID, unreachable_script="closure = 1 / 0"))
    assert codes(outcome) == [("dry_run", "dry_run_failed", "close_unreachable")]


def test_candidate_failure_found_by_dry_run():
    text = appeal_flow(PROCESS_ID).replace("dispatch[&quot;unit_id&quot;]", "dispatch[&quot;unit&quot;]")
    assert codes(check(text)) == [("dry_run", "candidate_failed", "reply")]


def test_form_problems_reported_with_rules():
    forms = {"reply.json": {"type": "object", "properties": {"result": {"$ref": "http://127.0.0.1/x.json"}}}}
    outcome = check(appeal_flow(PROCESS_ID), forms=forms)
    assert [(problem.stage, problem.code, problem.path) for problem in outcome.problems] == [
        ("form", "keyword_remote", "/properties/result/$ref")
    ]


@pytest.mark.parametrize(
    ("name", "fixture", "process_id"),
    [
        ("bpmn-js export", "bpmn_js_flow.bpmn", "designer_bpmnjs"),
        ("Camunda Modeler export", "camunda_flow.bpmn", "designer_camunda"),
    ],
)
def test_modeler_exports_pass(name, fixture, process_id):
    text = fixture_text(fixture)
    assert "exporterVersion=" in text
    assert check(text, process_id=process_id).problems == [], name
