"""Running workflow instances: start, list ready user tasks, complete, timers, messages."""

import copy
from dataclasses import dataclass
from datetime import datetime, timezone

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from .errors import TaskNotReady
from .scripting import create_script_engine

SCRIPT_ENGINE = create_script_engine()


@dataclass(frozen=True)
class UserTaskInfo:
    """Queue attributes of one READY user task."""

    task_id: str
    name: str
    title: str
    lane: str
    form: str
    appeal_status: str
    candidate_org: object
    clock_classes: tuple


def start_workflow(spec, subprocess_specs, data, script_engine=None):
    """Create an instance, seed its data and run it to the first waiting point."""
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine or SCRIPT_ENGINE)
    workflow.task_tree.data.update(copy.deepcopy(data))
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(copy.deepcopy(data))
    workflow.do_engine_steps()
    return workflow


def ready_user_tasks(workflow):
    """Return the READY manual tasks of the instance, including those inside subprocesses."""
    # BpmnWorkflow.get_tasks already descends into subprocesses (SpiffWorkflow 3.2.0).
    return workflow.get_tasks(state=TaskState.READY, manual=True)


def task_properties(task):
    """Return the spiffworkflow:properties of a task's spec as a dict."""
    return task.task_spec.extensions.get("properties", {}) if hasattr(task.task_spec, "extensions") else {}


def describe_user_task(task):
    """Read the queue attributes of a READY user task from its spec and data."""
    properties = task_properties(task)
    candidate_expression = properties.get("candidateOrg")
    candidate_org = None
    if candidate_expression:
        candidate_org = SCRIPT_ENGINE.evaluate(task, candidate_expression)

    return UserTaskInfo(
        task_id=str(task.id),
        name=task.task_spec.bpmn_id or task.task_spec.name,
        title=task.task_spec.bpmn_name or task.task_spec.name,
        lane=task.task_spec.lane or "",
        form=properties.get("form", ""),
        appeal_status=properties.get("appealStatus", ""),
        candidate_org=candidate_org,
        clock_classes=tuple(part.strip() for part in properties.get("clock", "").split(",") if part.strip()),
    )


def find_ready_task(workflow, task_id):
    """Return the READY user task with this id, or raise TaskNotReady."""
    for task in ready_user_tasks(workflow):
        if str(task.id) == task_id:
            return task
    raise TaskNotReady(task_id)


def complete_user_task(workflow, task_id, form_data):
    """Find the READY user task by id, complete it with the form data and run engine steps."""
    return complete_ready_task(workflow, find_ready_task(workflow, task_id), form_data)


def complete_ready_task(workflow, task, form_data):
    """Store the form data under the task's id, complete the task and run engine steps."""
    # A deep copy keeps the caller's nested values out of the task tree, where
    # SpiffWorkflow shares nested objects between snapshots.
    task.data[task.task_spec.bpmn_id or task.task_spec.name] = copy.deepcopy(form_data)
    output_item = _multi_instance_output_item(task)
    if output_item is not None:
        task.data[output_item] = copy.deepcopy(form_data)
    task.run()
    workflow.do_engine_steps()
    return task


def _multi_instance_output_item(task):
    """Return the output item name when the task is one instance of a multi-instance task.

    The item cannot share the task's id (both are XML IDs), so the form data is
    stored under both names and the multi-instance task collects it.
    """
    parent_spec = task.parent.task_spec if task.parent is not None else None
    if isinstance(parent_spec, MultiInstanceTask) and parent_spec.output_item is not None:
        return parent_spec.output_item.bpmn_id
    return None


def task_property(task, name):
    """Return one of our extension properties of a task's spec, or None."""
    return task_properties(task).get(name)


def workflow_data(workflow):
    """Return the data of the last completed task, where end-of-process variables live."""
    if workflow.last_task is not None:
        return workflow.last_task.data
    return workflow.data


def next_timer_due(workflow):
    """Return the earliest due time of a waiting timer event as an aware UTC datetime, or None."""
    due_times = []
    for event in workflow.waiting_events():
        if event.event_type not in ("TimeDateEventDefinition", "DurationTimerEventDefinition", "CycleTimerEventDefinition"):
            continue
        if not event.value:
            continue
        parsed = TimerEventDefinition.parse_time_or_duration(event.value)
        if isinstance(parsed, datetime):
            due_times.append(parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc))
    return min(due_times) if due_times else None


def fire_due_timers(workflow):
    """Advance timer events whose time has passed and run the engine steps they release."""
    workflow.refresh_timers()
    workflow.do_engine_steps()


def deliver_message(workflow, name, payload=None, correlations=None):
    """Deliver a BPMN message; return False when no catch event is waiting for it yet."""
    event = BpmnEvent(MessageEventDefinition(name), payload or {}, correlations or {})
    try:
        workflow.send_event(event)
    except WorkflowException:
        return False
    workflow.do_engine_steps()
    return True
