"""The dry run: sample data from form schemas, every branch taken, the failing element named."""

import os

from app.engine.dryrun import DryRunLimits, dry_run, sample_variants
from app.engine.specs import bundle_for, parse_bundle
from app.handling.services import MESSAGE_SAMPLES
from tests.designer.conftest import ROOT, START_DATA, appeal_flow, fixture_text, shipped_forms


def shipped_bundle(process_id):
    folder = os.path.join(ROOT, "bpmn")
    files = {}
    for name in os.listdir(folder):
        with open(os.path.join(folder, name), "rb") as handle:
            files[name] = handle.read()
    return parse_bundle(bundle_for(files, process_id), process_id)


def test_variants_cover_every_option():
    schema = shipped_forms()["callback.json"]
    variants = sample_variants(schema)

    assert {variant.get("satisfaction") for variant in variants} == {"satisfied", "basically_satisfied", "dissatisfied"}
    assert {variant.get("resolved") for variant in variants} == {True, False}
    assert {"satisfaction": "satisfied", "resolved": True} in variants


def test_variants_respect_lengths():
    schema = {
        "type": "object",
        "required": ["code"],
        "properties": {
            "code": {"type": "string", "minLength": 30, "maxLength": 40},
            "short": {"type": "string", "maxLength": 3},
            "count": {"type": "integer", "minimum": 7},
            "digits": {"type": "string", "pattern": "^[0-9]+$"},
        },
    }
    full = sample_variants(schema)[0]
    assert 30 <= len(full["code"]) <= 40
    assert len(full["short"]) <= 3
    assert full["count"] == 7
    assert full["digits"].isdigit()


def test_shipped_complaint_reaches_branches():
    result = dry_run(shipped_bundle("complaint"), shipped_forms(), START_DATA, message_payloads=MESSAGE_SAMPLES)

    assert result.problems == []
    reached = {element_id for _, element_id in result.reached}
    assert {"close_satisfied", "close_unreachable", "supervise", "judgment", "rework"} <= reached


def test_failing_script_named_with_line():
    text = appeal_flow("designer_appeal", close_script="closure = callback['satisfaction'] + 1")
    bundle = parse_bundle({"flow.bpmn": text}, "designer_appeal")
    result = dry_run(bundle, shipped_forms(), START_DATA, lines={("flow.bpmn", "close"): 69})

    assert [(problem.code, problem.element_id, problem.file, problem.line) for problem in result.problems] == [
        ("dry_run_failed", "close", "flow.bpmn", 69)
    ]
    assert "TypeError" in result.problems[0].message


def test_loop_without_exit_reported():
    # The "not resolved" flow always wins and leads back to the reply, so no run can end.
    text = fixture_text("bpmn_js_flow.bpmn").replace('Activity_1r7b5kz["outcome"] == "unresolved"', "True")
    text = text.replace('sourceRef="Gateway_0d5e6f7" targetRef="Activity_0y2f9qa"', 'sourceRef="Gateway_0d5e6f7" targetRef="Activity_1r7b5kz"')
    bundle = parse_bundle({"loop.bpmn": text}, "designer_bpmnjs")
    result = dry_run(bundle, shipped_forms(), START_DATA, DryRunLimits(max_runs=3, max_steps=8))

    assert [problem.code for problem in result.problems] == ["dry_run_no_end"]


def test_waiting_for_nothing_reported():
    # A catch event for a signal that nothing in the process throws.
    text = appeal_flow("designer_appeal").replace('sourceRef="reply" targetRef="callback"', 'sourceRef="reply" targetRef="wait_here"')
    text = text.replace(
        '<bpmn:userTask id="callback"',
        '<bpmn:intermediateCatchEvent id="wait_here"><bpmn:incoming>flow_reply_to_callback</bpmn:incoming>'
        '<bpmn:signalEventDefinition signalRef="signal_never"/></bpmn:intermediateCatchEvent>\n    <bpmn:userTask id="callback"',
    )
    text = text.replace("</bpmn:process>", '</bpmn:process>\n  <bpmn:signal id="signal_never" name="never"/>')
    bundle = parse_bundle({"wait.bpmn": text}, "designer_appeal")
    result = dry_run(bundle, shipped_forms(), START_DATA)

    assert [(problem.code, problem.element_id) for problem in result.problems] == [("dry_run_stuck", "wait_here")]
