"""A dry run of a parsed process: walk its paths with sample data and report where a path fails.

Each run starts the workflow on the parsed spec with sample start data. At every
waiting point it takes one action: complete a ready user task with sample data
generated from the task's form schema, fire a waiting timer, or deliver a
message that a catch event waits for. Actions not taken before come first, so
later runs take the other gateway branches. The dry run stops when a few runs
in a row take no new action and reach no new element, or at the caps on runs
and steps.
"""

import copy
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from . import runner
from .errors import EngineError, ExpressionTimeout, describe_engine_error
from .problems import N_, Problem
from .scripting import create_script_engine

log = logging.getLogger(__name__)

TEMPLATES = {
    "dry_run_failed": N_("the sample run failed here: %(error)s"),
    "dry_run_timeout": N_("a script or expression ran past the time limit of %(seconds)s s; remove endless loops"),
    "candidate_failed": N_("the candidate org expression failed on sample data: %(error)s"),
    "dry_run_stuck": N_("the process waits at %(waiting)s and nothing in the process can continue it"),
    "dry_run_no_end": N_("no sample run reached an end event within %(steps)s steps; check for loops that never exit"),
}

# An instant in the past, written into a waiting timer to make it due.
_PAST = datetime(2000, 1, 1, tzinfo=timezone.utc).isoformat()
_SAMPLE_TEXT = "样例文本 sample"


@dataclass(frozen=True)
class DryRunLimits:
    """Caps that keep a dry run short whatever the diagram does."""

    max_runs: int = 40
    max_steps: int = 60
    # Runs in a row that take no new action and reach no new element before the dry run stops.
    patience: int = 3
    script_seconds: float = 0.25


@dataclass
class DryRunResult:
    """Problems found, and the elements the runs reached and did not reach."""

    problems: list
    reached: set = field(default_factory=set)
    not_reached: list = field(default_factory=list)
    runs: int = 0


def _sample_string(field_schema):
    minimum = field_schema.get("minLength", 0)
    maximum = field_schema.get("maxLength")
    text = _SAMPLE_TEXT
    while len(text) < minimum:
        text += _SAMPLE_TEXT
    if maximum is not None:
        text = text[: max(maximum, 0)]

    pattern = field_schema.get("pattern")
    if pattern:
        for candidate in (text, "1" * max(minimum, 1), "a" * max(minimum, 1), "A1" * max(minimum, 1)):
            try:
                if re.search(pattern, candidate):
                    return candidate
            except re.error:
                break
    return text


def _field_values(field_schema):
    """Return the sample values of one field: every enum option, both booleans, or one value."""
    if not isinstance(field_schema, dict):
        return [None]
    if "enum" in field_schema and field_schema["enum"]:
        return list(field_schema["enum"])
    if "const" in field_schema:
        return [field_schema["const"]]

    kind = field_schema.get("type")
    if kind == "boolean":
        return [True, False]
    if kind in ("integer", "number"):
        value = field_schema.get("minimum", field_schema.get("maximum", 1))
        return [int(value) if kind == "integer" else value]
    if kind == "array":
        return [[value] for value in _field_values(field_schema.get("items", {}))[:1]]
    if kind == "object":
        return [sample_variants(field_schema)[0]]
    if "default" in field_schema:
        return [field_schema["default"]]
    return [_sample_string(field_schema)]


# Kinds the task service derives for a unit picker field X_id, stored beside it as X_kind.
UNIT_WIDGET_KINDS = {"unit": ["department", "centre"], "department": ["department"]}


def kind_field(name):
    """Return the name of the kind field derived from a unit field: unit_id → unit_kind."""
    return name.removesuffix("_id") + "_kind"


def sample_variants(schema):
    """Return sample form data: variants that together use every option of every field.

    Variant i gives each field its i-th option (wrapping around), with every
    property filled in; a last variant holds only the required fields. A unit
    picker field also gets the kind field the task service would derive.
    """
    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
    values = {name: _field_values(field_schema) for name, field_schema in properties.items()}
    derived = {}
    for name, field_schema in properties.items():
        kinds = UNIT_WIDGET_KINDS.get(field_schema.get("x-widget")) if isinstance(field_schema, dict) else None
        if kinds:
            derived[kind_field(name)] = name
            values[kind_field(name)] = kinds
    count = max((len(options) for options in values.values()), default=1)

    variants = [{name: options[index % len(options)] for name, options in values.items()} for index in range(count)]
    required = set(schema.get("required", [])) if isinstance(schema, dict) else set()
    required |= {kind for kind, unit in derived.items() if unit in required}
    minimal = {name: options[0] for name, options in values.items() if name in required}
    if minimal != variants[0]:
        variants.append(minimal)
    return variants


def _element(task_spec):
    """Return (file, element id) of a task spec; internal specs map to the element they belong to."""
    workflow_spec = getattr(task_spec, "_wf_spec", None)
    filename = getattr(workflow_spec, "file", None)
    element_id = getattr(task_spec, "bpmn_id", None) or task_spec.name.split(".")[0]
    return filename, element_id


def _bpmn_elements(specs):
    elements = set()
    for spec in specs:
        for task_spec in spec.task_specs.values():
            if getattr(task_spec, "bpmn_id", None):
                elements.add((spec.file, task_spec.bpmn_id))
    return elements


def _message_names(specs):
    names = set()
    for spec in specs:
        for task_spec in spec.task_specs.values():
            definition = getattr(task_spec, "event_definition", None)
            if isinstance(definition, MessageEventDefinition) and definition.name:
                names.add(definition.name)
    return sorted(names)


class _StopDryRun(Exception):
    """Raised to end the whole dry run, after a time-out that every later run would repeat."""


class _Explorer:
    """State shared by the runs of one dry run."""

    def __init__(self, bundle, forms, start_data, limits, lines):
        self.bundle = bundle
        self.forms = forms
        self.start_data = start_data
        self.limits = limits
        self.lines = lines
        # NOTE: the time limit stops Python-level loops only. A single huge allocation in a script,
        # such as "x" * 10**10, runs to the end and can exhaust the web process's memory.
        self.engine = create_script_engine(limits.script_seconds)
        specs = [bundle.spec, *bundle.subprocess_specs.values()]
        self.all_elements = _bpmn_elements(specs)
        self.messages = _message_names(specs)
        self.variants = {}
        self.tried = set()
        self.reached = set()
        self.problems = {}
        self.completed_runs = 0

    def problem(self, code, element, **params):
        filename, element_id = element if element else (None, None)
        key = (code, filename, element_id)
        if key not in self.problems:
            self.problems[key] = Problem(
                "dry_run",
                code,
                TEMPLATES[code],
                params,
                file=filename,
                element_id=element_id,
                line=self.lines.get((filename, element_id)),
            )

    def form_variants(self, task):
        name = runner.task_properties(task).get("form", "")
        if name not in self.variants:
            self.variants[name] = sample_variants(self.forms.get(name, {}))
        return self.variants[name]

    def actions(self, workflow, run_index, visits):
        """Return the possible actions as (key, kind, target, variant index), those not tried before first.

        After the untried ones come each ready task's variant for this run (rotating
        with the run and the visits, so loops exit), then timers, then messages.
        """
        tasks, timers, messages, rotated = [], [], [], []
        for task in runner.ready_user_tasks(workflow):
            element = _element(task.task_spec)
            count = len(self.form_variants(task))
            tasks.extend((("task", element, index), "task", task, index) for index in range(count))
            preferred = (run_index + visits.get(element, 0)) % count
            rotated.append((("task", element, preferred), "task", task, preferred))

        for task in workflow.get_tasks(state=TaskState.WAITING):
            if isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition):
                timers.append((("timer", _element(task.task_spec)), "timer", task, 0))

        messages = [(("message", name), "message", name, 0) for name in self.messages]
        candidates = tasks + timers + messages
        untried = [action for action in candidates if action[0] not in self.tried]
        return untried + rotated + timers + messages

    def run_once(self, run_index):
        """Run the process once; return True when the run took an action that no run took before."""
        workflow, new_action = None, False
        try:
            workflow = runner.start_workflow(self.bundle.spec, self.bundle.subprocess_specs, self.start_data, self.engine)
            visits = {}
            for _ in range(self.limits.max_steps):
                if workflow.is_completed():
                    self.completed_runs += 1
                    break
                self.check_candidates(workflow)

                chosen = None
                for action in self.actions(workflow, run_index, visits):
                    first_time = action[0] not in self.tried
                    # Marked before it runs, so a failing action is not repeated by later runs.
                    self.tried.add(action[0])
                    if self.take(workflow, action):
                        chosen = action
                        new_action = new_action or first_time
                        break
                    if first_time:
                        self.tried.discard(action[0])
                if chosen is None:
                    self.report_stuck(workflow)
                    break
                if chosen[1] == "task":
                    element = _element(chosen[2].task_spec)
                    visits[element] = visits.get(element, 0) + 1
        except (WorkflowException, EngineError) as exc:
            self.report_failure(exc)
        except Exception as exc:
            # The diagram is untrusted: an engine crash on it is a problem to show, not a server error.
            log.warning("dry_run.crashed error=%r", exc)
            self.report_failure(exc)
        finally:
            if workflow is not None:
                self.record_reached(workflow)
        return new_action

    def take(self, workflow, action):
        """Perform one action; return False when it could not be taken (no catch event waits for a message)."""
        _, kind, target, index = action
        if kind == "task":
            data = copy.deepcopy(self.form_variants(target)[index])
            runner.complete_user_task(workflow, str(target.id), data)
            return True
        if kind == "timer":
            value = target._get_internal_data("event_value")
            if isinstance(value, dict):
                value["next"] = _PAST
            else:
                target._set_internal_data(event_value=_PAST)
            runner.fire_due_timers(workflow)
            return True
        return runner.deliver_message(workflow, target, copy.deepcopy(self.message_payloads.get(target, {})))

    def check_candidates(self, workflow):
        for task in runner.ready_user_tasks(workflow):
            try:
                runner.describe_user_task(task)
            except (WorkflowException, EngineError) as exc:
                self.problem("candidate_failed", _element(task.task_spec), error=describe_engine_error(exc))

    def report_stuck(self, workflow):
        waiting = [_element(task.task_spec) for task in workflow.get_tasks(state=TaskState.WAITING)]
        names = ", ".join(sorted({element_id for _, element_id in waiting})) or "?"
        self.problem("dry_run_stuck", waiting[0] if waiting else None, waiting=names)

    def report_failure(self, exc):
        task_spec = getattr(exc, "task_spec", None)
        element = _element(task_spec) if task_spec is not None else None
        if getattr(exc, "error_type", None) == "ExpressionTimeout" or isinstance(exc, ExpressionTimeout):
            self.problem("dry_run_timeout", element, seconds=self.limits.script_seconds)
            raise _StopDryRun from exc
        self.problem("dry_run_failed", element, error=describe_engine_error(exc))

    def record_reached(self, workflow):
        for task in workflow.get_tasks(state=TaskState.COMPLETED | TaskState.READY | TaskState.WAITING):
            if getattr(task.task_spec, "bpmn_id", None):
                self.reached.add(_element(task.task_spec))


def dry_run(bundle, forms, start_data, limits=DryRunLimits(), lines=None, message_payloads=None):
    """Walk the paths of a parsed bundle with sample data; return a DryRunResult.

    ``forms`` maps form names to JSON Schemas; ``lines`` maps (file, element id)
    to the element's line, for the problems. ``message_payloads`` gives the
    payload delivered with each message name (an empty one otherwise).
    """
    explorer = _Explorer(bundle, forms, start_data, limits, lines or {})
    explorer.message_payloads = message_payloads or {}
    runs, idle_runs = 0, 0
    try:
        while runs < limits.max_runs and idle_runs < limits.patience:
            reached_before = len(explorer.reached)
            new_action = explorer.run_once(runs)
            runs += 1
            idle_runs = 0 if new_action or len(explorer.reached) > reached_before else idle_runs + 1
    except _StopDryRun:
        pass

    if not explorer.problems and explorer.completed_runs == 0:
        explorer.problem("dry_run_no_end", None, steps=limits.max_steps)

    result = DryRunResult(list(explorer.problems.values()), explorer.reached, runs=runs)
    result.not_reached = sorted(explorer.all_elements - explorer.reached, key=lambda item: (item[0] or "", item[1]))
    return result
