"""Moving a running workflow instance to a new version of its process spec.

Built on SpiffWorkflow 3.2.0's spec diff (``SpiffWorkflow.bpmn.util.diff``).
An instance may move when no task it waits at (ready, waiting or started) was
changed or removed in the new version, apart from its connections. No task in
its history may be removed, and every running subprocess must keep its spec. Two behaviours
of ``migrate_workflow`` in 3.2.0 are handled here:

* it resets waiting timer events, which restarts their durations from the time
  of the migration, so the due times are put back afterwards;
* it leaves tasks whose spec was removed in the tree, and such a state cannot
  be loaded again. A trial save and load of the migrated state catches every
  case the diff rules miss.
"""

import copy
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from .problems import N_
from .serialization import SERIALIZER, dump_state, load_state
from .specs import SpecCache

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
PREDICTED = TaskState.FUTURE | TaskState.LIKELY | TaskState.MAYBE
# A waiting task whose only change is where it connects stays safe, because the migration
# predicts the rest of its branch again from the new spec.
CONNECTIONS = frozenset({"inputs", "outputs"})

TEMPLATES = {
    "waiting_changed": N_("the appeal waits at %(task)s, which the new version changes (%(attributes)s)"),
    "waiting_removed": N_("the appeal waits at %(task)s, which the new version removes"),
    "history_removed": N_("task %(task)s in the appeal's history is removed in the new version"),
    "subprocess_removed": N_("the running subprocess %(process)s is not in the new version"),
    "trial_failed": N_("the migrated workflow could not continue or be saved: %(error)s"),
}


@dataclass(frozen=True)
class Blocker:
    """One reason an instance cannot move to the new version."""

    code: str
    params: dict

    @property
    def template(self):
        return TEMPLATES[self.code]

    @property
    def message(self):
        return self.template % self.params


@dataclass
class MigrationCheck:
    """The elements an instance waits at, and the blockers that keep it from moving (none when it can move)."""

    waiting_at: list
    blockers: list = field(default_factory=list)

    @property
    def safe(self):
        return not self.blockers


class MigrationRejected(Exception):
    """The instance cannot move to the new version; ``check`` contains the blockers."""

    def __init__(self, check):
        super().__init__("; ".join(blocker.message for blocker in check.blockers))
        self.check = check


def _name(task):
    return task.task_spec.bpmn_id or task.task_spec.name


def _pairs(workflow, new_spec, new_subprocess_specs):
    """Return [(workflow or subworkflow, SpecDiff or None, new spec or None)], the top workflow first."""
    pairs = [(workflow, SpecDiff(SERIALIZER.registry, workflow.spec, new_spec), new_spec)]
    for subworkflow in workflow.subprocesses.values():
        new_sub_spec = new_subprocess_specs.get(subworkflow.spec.name)
        spec_diff = SpecDiff(SERIALIZER.registry, subworkflow.spec, new_sub_spec) if new_sub_spec is not None else None
        pairs.append((subworkflow, spec_diff, new_sub_spec))
    return pairs


def _blockers(pairs):
    blockers = []
    for owner, spec_diff, _ in pairs:
        if spec_diff is None:
            blockers.append(Blocker("subprocess_removed", {"process": owner.spec.name}))
            continue

        changed = spec_diff.changed
        removed = set(spec_diff.removed)
        for task in owner.get_tasks(skip_subprocesses=True):
            if task.task_spec in removed:
                if task.state & ACTIVE:
                    blockers.append(Blocker("waiting_removed", {"task": _name(task)}))
                elif not task.state & PREDICTED:
                    blockers.append(Blocker("history_removed", {"task": _name(task)}))
            elif task.state & ACTIVE and task.task_spec in changed:
                attributes = sorted(set(changed[task.task_spec]) - CONNECTIONS)
                if attributes:
                    blockers.append(Blocker("waiting_changed", {"task": _name(task), "attributes": ", ".join(attributes)}))

    # One blocker per code and task is enough to read.
    unique = {}
    for blocker in blockers:
        unique.setdefault((blocker.code, tuple(sorted(blocker.params.items()))), blocker)
    return list(unique.values())


def waiting_at(workflow):
    """Return the element ids of the ready user tasks and waiting events of an instance."""
    names = set()
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING):
        if task.task_spec.bpmn_id and (task.state == TaskState.WAITING or task.task_spec.manual):
            names.add(task.task_spec.bpmn_id)
    return sorted(names)


def check_migration(workflow, new_spec, new_subprocess_specs):
    """Compare an instance with a new spec by the diff rules, without changing it; return a MigrationCheck."""
    pairs = _pairs(workflow, new_spec, new_subprocess_specs)
    return MigrationCheck(waiting_at(workflow), _blockers(pairs))


def _timer_values(workflow):
    values = {}
    for task in workflow.get_tasks(state=TaskState.WAITING):
        if isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition):
            values[task.id] = copy.deepcopy(task.internal_data.get("event_value"))
    return values


def _predict_after_started(owner):
    """Predict again, from the new spec, the branches after started tasks such as a running call activity.

    migrate_workflow in SpiffWorkflow 3.2.0 predicts again only below ready and
    waiting tasks, so an appeal waiting inside a called process would go on
    along the old version's path once the call returns.
    """
    for task in list(owner.get_tasks(state=TaskState.STARTED, skip_subprocesses=True)):
        stale = [child for child in task.children if child.has_state(PREDICTED) and not child.triggered]
        if not stale:
            continue
        for child in stale:
            owner._remove_task(child.id)
        task._sync_children(task.task_spec.outputs, TaskState.FUTURE)
        for child in task.children:
            if child.has_state(PREDICTED):
                # The default mask stops at FUTURE children, which would leave the branch unpredicted.
                child.task_spec._predict(child, mask=PREDICTED)


def migrate(workflow, new_spec, new_subprocess_specs, new_hash, script_engine):
    """Move an instance to a new spec and return the migrated workflow, loaded back from its saved state.

    Raises MigrationRejected when the diff rules or the trial save and load find
    a reason the instance cannot move. By then ``workflow`` may be changed, so
    the caller discards it.
    """
    pairs = _pairs(workflow, new_spec, new_subprocess_specs)
    check = MigrationCheck(waiting_at(workflow), _blockers(pairs))
    if not check.safe:
        raise MigrationRejected(check)

    timer_values = _timer_values(workflow)
    for owner, spec_diff, owner_spec in pairs:
        migrate_workflow(WorkflowDiff(owner, spec_diff), owner, owner_spec)
        _predict_after_started(owner)
    workflow.subprocess_specs = new_subprocess_specs

    # migrate_workflow restarted the waiting timers; their tasks keep their ids, so put the due times back.
    for task in workflow.get_tasks(state=TaskState.WAITING):
        if timer_values.get(task.id) is not None:
            task._set_internal_data(event_value=timer_values[task.id])

    cache = SpecCache()
    cache.put(new_hash, new_spec, new_subprocess_specs)
    try:
        workflow.do_engine_steps()
        return load_state(dump_state(workflow, new_hash), cache, script_engine)
    except Exception as exc:
        # Any failure here means the instance must stay on its version, whatever raised it.
        check.blockers.append(Blocker("trial_failed", {"error": f"{type(exc).__name__}: {exc}"}))
        raise MigrationRejected(check) from exc

