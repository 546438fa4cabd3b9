"""Save → load → continue at every waiting point of every shipped diagram ends as an uninterrupted run."""

import copy
import json
import os

import pytest

from app.engine import runner
from app.engine.serialization import dump_state, load_state, read_envelope
from app.engine.specs import SpecCache, bundle_for, parse_bundle

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Field names that are awkward for SpiffWorkflow's serializer or for Python, with nested values.
UNUSUAL = {
    "typename": "BpmnWorkflow",
    "中文字段": {"嵌套": [1, {"typename": "UUID", "value": "not-a-uuid"}], "空": None},
    "with space": "x",
    "1leading_digit": 1.5,
    "": "empty key",
    "data_objects": {"deep": {"deeper": [[], {}, [{"k": True}]]}},
    "bpmn_events": [],
    "__builtins__x": "almost a dunder",
}

# The task service adds unit_kind after checking the unit; engine-level steps carry it themselves.
DISPATCH = ("dispatch", {"unit_id": 7, "unit_kind": "department", "instructions": ""})
TO_LOWER_CENTRE = ("dispatch", {"unit_id": 2, "unit_kind": "centre"})
CO_HANDLED = ("dispatch", {"unit_id": 7, "unit_kind": "department", "assisting_unit_ids": [8, 9]})
ASSIST = ("assist_reply", {"opinion": "协办意见"})
RETURNED = ("@appeal_returned", {"return_id": 1, "unit_id": 7, "reason_code": "not_our_duty"})
EXTENSION = ("@extension_requested", {"extension_id": 1, "human_task_id": 3, "reviewer_unit_id": 1, "unit_id": 7, "days": "2"})
REPLY = ("reply", {"result": "已处理", "outcome": "resolved"})
ACCEPT = ("review", {"decision": "accept"})
SATISFIED = ("callback", {"satisfaction": "satisfied", "resolved": True})
DISSATISFIED = ("callback", {"satisfaction": "dissatisfied", "resolved": False})


def rework_round(satisfaction):
    return [
        ("judgment", {"reasonable": True, "reason": "合理"}),
        ("rework", {"result": "再次处理", "outcome": "resolved"}),
        ("rework_review", {"decision": "accept"}),
        ("rework_callback", {"satisfaction": satisfaction, "resolved": satisfaction != "dissatisfied"}),
    ]


PATHS = {
    "consultation-direct": ("consultation", [("triage", {"resolution": "direct_answer", "answer": "已答复"})], "direct_answer"),
    "consultation-send-back": (
        "consultation",
        [("triage", {"resolution": "dispatch"}), DISPATCH, REPLY, ("review", {"decision": "send_back", "comment": "补充"}), REPLY, ACCEPT, SATISFIED],
        "satisfied",
    ),
    "complaint-satisfied": ("complaint", [DISPATCH, REPLY, ACCEPT, SATISFIED], "satisfied"),
    "complaint-lower-centre-co-handling": (
        "complaint",
        [TO_LOWER_CENTRE, CO_HANDLED, ASSIST, ASSIST, REPLY, ACCEPT, SATISFIED],
        "satisfied",
    ),
    "complaint-returns": (
        "complaint",
        [
            DISPATCH,
            RETURNED,
            ("return_review", {"decision": "accept", "unit_id": 8, "unit_kind": "department"}),
            RETURNED,
            ("return_review", {"decision": "reject", "reason": "属于你单位职责"}),
            RETURNED,
            ("decide_owner", {"unit_id": 9, "unit_kind": "department", "note": "协调确定"}),
            REPLY,
            ACCEPT,
            SATISFIED,
        ],
        "satisfied",
    ),
    "complaint-extensions": (
        "complaint",
        [
            DISPATCH,
            EXTENSION,
            ("extension_review", {"decision": "approve"}),
            EXTENSION,
            ("@extension_withdrawn", {}),
            REPLY,
            ACCEPT,
            SATISFIED,
        ],
        "satisfied",
    ),
    "complaint-unreasonable": (
        "complaint",
        [DISPATCH, REPLY, ACCEPT, DISSATISFIED, ("judgment", {"reasonable": False, "reason": "不合理"})],
        "dissatisfaction_unreasonable",
    ),
    "complaint-reprocessed": ("complaint", [DISPATCH, REPLY, ACCEPT, DISSATISFIED, *rework_round("satisfied")], "satisfied"),
    "complaint-round-cap": (
        "complaint",
        [DISPATCH, REPLY, ACCEPT, DISSATISFIED, *rework_round("dissatisfied"), *rework_round("dissatisfied")],
        "unresolved",
    ),
}

INITIAL = {
    "centre_id": 1,
    "appeal_type": "complaint",
    "urgency": "normal",
    "reprocessing_round": 0,
    "max_reprocessing_rounds": 2,
    "max_returns": 2,
    "callback_timeout": "P3D",
}


@pytest.fixture(scope="module")
def specs():
    folder = os.path.join(ROOT, "bpmn")
    documents = {}
    for name in os.listdir(folder):
        with open(os.path.join(folder, name), "rb") as handle:
            documents[name] = handle.read()
    cache = SpecCache()
    hashes = {}
    for process_id in ("consultation", "complaint"):
        bundle = parse_bundle(bundle_for(documents, process_id), process_id)
        cache.put(bundle.content_hash, bundle.spec, bundle.subprocess_specs)
        hashes[process_id] = bundle.content_hash
    return cache, hashes


def with_unusual(data):
    merged = copy.deepcopy(UNUSUAL)
    merged.update(data)
    return merged


def step(workflow, name, data):
    """Complete the first READY task with this BPMN id, or deliver a message when the name starts with @."""
    if name.startswith("@"):
        assert runner.deliver_message(workflow, name[1:], data), name
        return
    ready = [task for task in runner.ready_user_tasks(workflow) if task.task_spec.bpmn_id == name]
    assert ready, (name, [task.task_spec.name for task in runner.ready_user_tasks(workflow)])
    runner.complete_user_task(workflow, str(ready[0].id), with_unusual(data))


def start(cache, spec_hash):
    spec, subprocess_specs = cache.get(spec_hash)
    return runner.start_workflow(spec, subprocess_specs, INITIAL)


def snapshot(workflow):
    data = runner.workflow_data(workflow)
    return workflow.is_completed(), json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)


@pytest.mark.parametrize("path_name", sorted(PATHS))
def test_roundtrip_at_every_waiting_point(specs, path_name):
    cache, hashes = specs
    process_id, steps, closure = PATHS[path_name]

    straight = start(cache, hashes[process_id])
    for name, data in steps:
        step(straight, name, data)
    expected = snapshot(straight)
    assert expected[0] is True
    assert runner.workflow_data(straight)["closure"] == closure

    for stop_at in range(len(steps)):
        workflow = start(cache, hashes[process_id])
        for name, data in steps[:stop_at]:
            step(workflow, name, data)

        blob = dump_state(workflow, hashes[process_id])
        restored = load_state(blob, cache, runner.SCRIPT_ENGINE)
        ready_before = sorted(task.task_spec.name for task in runner.ready_user_tasks(workflow))
        assert sorted(task.task_spec.name for task in runner.ready_user_tasks(restored)) == ready_before
        assert runner.workflow_data(restored) == runner.workflow_data(workflow)

        for name, data in steps[stop_at:]:
            step(restored, name, data)
            # Save and load again after every step, so each later waiting point is crossed from stored state too.
            restored = load_state(dump_state(restored, hashes[process_id]), cache, runner.SCRIPT_ENGINE)

        assert snapshot(restored) == expected, f"{path_name}: diverged after stopping at step {stop_at}"


def test_stored_state_has_format_and_no_spec(specs):
    cache, hashes = specs
    workflow = start(cache, hashes["complaint"])
    envelope = read_envelope(dump_state(workflow, hashes["complaint"]))
    assert envelope["format"] == 1
    assert envelope["spec"] == hashes["complaint"]
    assert "spec" not in envelope["workflow"]
    assert "subprocess_specs" not in envelope["workflow"]


def test_shuffled_task_order_still_loads(specs):
    """Tasks are restored parents first even when the stored mapping comes back in another order."""
    import zlib

    cache, hashes = specs
    workflow = start(cache, hashes["complaint"])
    for name, data in [DISPATCH, REPLY, ACCEPT]:
        step(workflow, name, data)

    envelope = read_envelope(dump_state(workflow, hashes["complaint"]))
    tasks = envelope["workflow"]["tasks"]
    envelope["workflow"]["tasks"] = dict(reversed(list(tasks.items())))
    blob = zlib.compress(json.dumps(envelope).encode("utf-8"))

    restored = load_state(blob, cache, runner.SCRIPT_ENGINE)
    assert runner.workflow_data(restored) == runner.workflow_data(workflow)
    step(restored, *SATISFIED)
    assert runner.workflow_data(restored)["closure"] == "satisfied"


def test_multi_instance_finishes_with_reloaded_spec(specs):
    """Assisting replies are collected when the spec was deserialized after the instances were created."""
    from app.engine.serialization import deserialize_specs, serialize_specs

    cache, hashes = specs
    workflow = start(cache, hashes["complaint"])
    step(workflow, *CO_HANDLED)
    blob = dump_state(workflow, hashes["complaint"])

    spec, subprocess_specs = cache.get(hashes["complaint"])
    fresh = SpecCache(lambda _: deserialize_specs(serialize_specs(spec, subprocess_specs)))
    restored = load_state(blob, fresh, runner.SCRIPT_ENGINE)
    step(restored, *ASSIST)
    step(restored, *ASSIST)

    ready = runner.ready_user_tasks(restored)
    assert [task.task_spec.bpmn_id for task in ready] == ["reply"]
    assert sorted(ready[0].data["assist_replies"]) == ["8", "9"]


def test_loop_references_name_elements():
    """Modelers such as bpmn-js drop a loop data reference that names no element, so each must name one."""
    from lxml import etree

    namespace = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    folder = os.path.join(ROOT, "bpmn")
    checked = 0
    for name in sorted(os.listdir(folder)):
        root = etree.parse(os.path.join(folder, name)).getroot()
        ids = {element.get("id") for element in root.iter() if element.get("id")}
        for reference in root.xpath("//bpmn:loopDataInputRef | //bpmn:loopDataOutputRef", namespaces=namespace):
            assert reference.text in ids, (name, reference.text)
            checked += 1
    assert checked == 2
