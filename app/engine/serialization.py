"""Workflow state serialization: spec by reference, ordered text, versioned format.

A stored state is zlib-compressed JSON text of an envelope::

    {"format": 1, "spiff": "1.5", "spec": "<content hash>", "workflow": {...}}

The spec is not embedded: it is stored once per deployed process version and
looked up by its content hash in a ``SpecCache`` when the state is loaded.

Two SpiffWorkflow 3.2.0 behaviours are guarded against here:

* task data is stored as a difference from the parent task, so tasks must be
  restored parents first. The converter below restores them in tree order
  whatever order the stored mapping has.
* the generic dictionary restore treats any dict with a ``typename`` key as a
  serialized object, so a form field of that name broke loading. Such user
  dicts are wrapped in an escape record when saved.
"""

import json
import zlib
from collections import deque
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnSubWorkflowConverter,
    BpmnWorkflowConverter,
    TaskConverter,
)
from SpiffWorkflow.bpmn.serializer.helpers.registry import DefaultRegistry
from SpiffWorkflow.bpmn.serializer.migration.version_migration import MIGRATIONS
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SPIFF_FORMAT
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task

from .errors import StateFormatError

STATE_FORMAT = 1
_ESCAPED_DICT = "hotline.escaped_dict"


# Maps a stored format number to the function that upgrades it to the next one.
# Each function's docstring states what changed in the stored format and why.
STATE_UPGRADES = {}


class DataSafeRegistry(DefaultRegistry):
    """Registry that stores user dicts containing a ``typename`` key safely."""

    def __init__(self):
        super().__init__()
        self.convert_from_dict[_ESCAPED_DICT] = self._restore_escaped

    def convert(self, obj, **kwargs):
        if type(obj) is dict and "typename" in obj:
            return {
                "typename": _ESCAPED_DICT,
                "entries": [[key, self.convert(value)] for key, value in obj.items()],
            }
        return super().convert(obj, **kwargs)

    def _restore_escaped(self, dct, **kwargs):
        return {key: self.restore(value) for key, value in dct["entries"]}


class SafeTaskConverter(TaskConverter):
    """Task converter that runs data differences through the registry."""

    def to_dict(self, task):
        dct = super().to_dict(task)
        if task.parent is None:
            dct["data"] = self.registry.convert(self.registry.clean(task.data))
        else:
            dct["delta"]["updates"] = self.registry.convert(dct["delta"]["updates"])
        return dct

    def from_dict(self, dct, workflow):
        task = super().from_dict(dct, workflow)
        if dct.get("delta") and dct["parent"] is not None and task.parent is None:
            raise StateFormatError(f"task {dct['id']} was restored before its parent")
        return task


def _tree_order(tasks, root_id):
    """Return task ids from the root downwards, so every parent precedes its children."""
    ordered = []
    queue = deque([root_id])
    while queue:
        task_id = queue.popleft()
        ordered.append(task_id)
        queue.extend(tasks[task_id]["children"])
    return ordered


def _restore_tasks(converter, stored_tasks, root_id, workflow):
    restored = {}
    workflow.tasks = restored
    for task_id in _tree_order(stored_tasks, root_id):
        restored[UUID(task_id)] = converter.registry.restore(stored_tasks[task_id], workflow=workflow)
    return restored


class ReferencedSpecWorkflowConverter(BpmnWorkflowConverter):
    """Workflow converter that leaves the specs out and restores tasks in tree order."""

    def to_dict(self, workflow):
        return {
            "data": self.registry.convert(self.registry.clean(workflow.data)),
            "correlations": workflow.correlations,
            "last_task": str(workflow.last_task.id) if workflow.last_task is not None else None,
            "success": workflow.success,
            "completed": workflow.completed,
            "tasks": self.mapping_to_dict(workflow.tasks),
            "root": str(workflow.task_tree.id),
            "subprocesses": self.mapping_to_dict(workflow.subprocesses),
            "bpmn_events": self.registry.convert(workflow.bpmn_events),
        }

    def from_dict(self, dct, spec=None, subprocess_specs=None, script_engine=None):
        workflow = self.target_class(spec, subprocess_specs, script_engine=script_engine, deserializing=True)
        workflow.tasks = _restore_tasks(self, dct["tasks"], dct["root"], workflow)
        workflow.task_tree = workflow.tasks[UUID(dct["root"])]
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.get("bpmn_events", []))
        return workflow


class OrderedSubWorkflowConverter(BpmnSubWorkflowConverter):
    """Subprocess converter that restores tasks in tree order, like the top workflow."""

    def from_dict(self, dct, task, top_workflow):
        stored_tasks = dct["tasks"]
        dct["tasks"] = {task_id: stored_tasks[task_id] for task_id in _tree_order(stored_tasks, dct["root"])}
        return super().from_dict(dct, task, top_workflow)


def _build_serializer():
    config = dict(SPIFF_CONFIG)
    config[Task] = SafeTaskConverter
    config[BpmnWorkflow] = ReferencedSpecWorkflowConverter
    config[BpmnSubWorkflow] = OrderedSubWorkflowConverter
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config, DataSafeRegistry()))


SERIALIZER = _build_serializer()


def serialize_specs(spec, subprocess_specs):
    """Convert a process spec and its called specs to JSON text for storage."""
    return json.dumps(
        {
            "spec": SERIALIZER.to_dict(spec),
            "subprocess_specs": {name: SERIALIZER.to_dict(sub) for name, sub in subprocess_specs.items()},
        },
        ensure_ascii=False,
    )


def deserialize_specs(text):
    """Restore a (spec, subprocess_specs) pair from ``serialize_specs`` output."""
    stored = json.loads(text)
    spec = SERIALIZER.from_dict(stored["spec"])
    subprocess_specs = {name: SERIALIZER.from_dict(sub) for name, sub in stored["subprocess_specs"].items()}
    return spec, subprocess_specs


def dump_state(workflow, spec_hash):
    """Serialize a workflow instance to compressed bytes that reference its spec."""
    envelope = {
        "format": STATE_FORMAT,
        "spiff": SPIFF_FORMAT,
        "spec": spec_hash,
        "workflow": SERIALIZER.to_dict(workflow),
    }
    text = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8"), 6)


def read_envelope(blob):
    """Decompress and parse a stored state, upgrading it to the current format."""
    try:
        envelope = json.loads(zlib.decompress(blob).decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StateFormatError(f"stored workflow state is unreadable: {exc}") from exc

    stored_format = envelope.get("format")
    if not isinstance(stored_format, int) or stored_format > STATE_FORMAT:
        raise StateFormatError(f"stored state format {stored_format!r} is newer than {STATE_FORMAT}")

    while envelope["format"] < STATE_FORMAT:
        envelope = STATE_UPGRADES[envelope["format"]](envelope)

    if envelope["spiff"] != SPIFF_FORMAT and envelope["spiff"] in MIGRATIONS:
        MIGRATIONS[envelope["spiff"]](envelope["workflow"])
    return envelope


def load_state(blob, spec_cache, script_engine):
    """Restore a workflow instance from ``dump_state`` output."""
    envelope = read_envelope(blob)
    spec, subprocess_specs = spec_cache.get(envelope["spec"])
    return SERIALIZER.from_dict(
        envelope["workflow"],
        spec=spec,
        subprocess_specs=subprocess_specs,
        script_engine=script_engine,
    )
