"""Our rules for BPMN process models, checked on the XML after SpiffWorkflow has parsed it.

These rules cover what SpiffWorkflow accepts but this application cannot run.
They reject lanes that name no role, user tasks without a form, and timer
expressions that are not quoted ISO 8601 values. They also reject scripts and
conditions the restricted engine would reject, exclusive gateways that can
leave no branch to take, and BPMN elements the application does not support.
"""

import ast
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from .errors import ExpressionRejected
from .problems import N_, Problem
from .scripting import compile_restricted
from .specs import BPMN_NS

SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"

# A bundle with more flow elements than this is rejected before SpiffWorkflow parses it:
# parsing and the dry run grow with the element count, and the shipped diagrams have under 50.
MAX_FLOW_ELEMENTS = 2000

# BPMN elements (local names in the BPMN model namespace) that the application runs or
# ignores safely. Everything else is named as unsupported.
SUPPORTED_ELEMENTS = frozenset(
    {
        # structure and collaboration
        "definitions", "process", "collaboration", "participant", "messageFlow", "laneSet", "lane",
        "childLaneSet", "flowNodeRef", "documentation", "extensionElements", "incoming", "outgoing",
        "sequenceFlow", "conditionExpression",
        # events
        "startEvent", "endEvent", "boundaryEvent", "intermediateCatchEvent", "intermediateThrowEvent",
        "timerEventDefinition", "timeDuration", "timeDate", "timeCycle", "messageEventDefinition",
        "terminateEventDefinition", "errorEventDefinition", "escalationEventDefinition",
        "signalEventDefinition", "message", "error", "escalation", "signal",
        # activities and gateways
        "task", "userTask", "manualTask", "scriptTask", "script", "callActivity", "subProcess",
        "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
        # artifacts and data
        "textAnnotation", "text", "association", "group", "category", "categoryValue", "dataObject",
        "dataObjectReference", "dataInputAssociation", "dataOutputAssociation", "sourceRef", "targetRef",
        "ioSpecification", "dataInput", "dataOutput", "inputSet", "outputSet", "dataInputRefs",
        "dataOutputRefs", "itemDefinition",
        # loops and correlation
        "multiInstanceLoopCharacteristics", "loopCardinality", "completionCondition", "loopDataInputRef",
        "loopDataOutputRef", "inputDataItem", "outputDataItem", "standardLoopCharacteristics",
        "loopCondition", "correlationProperty", "correlationPropertyRetrievalExpression", "messagePath",
        "correlationKey", "correlationPropertyRef",
    }
)

FLOW_ELEMENTS = frozenset(
    {
        "startEvent", "endEvent", "boundaryEvent", "intermediateCatchEvent", "intermediateThrowEvent",
        "task", "userTask", "manualTask", "scriptTask", "callActivity", "subProcess", "exclusiveGateway",
        "parallelGateway", "inclusiveGateway", "eventBasedGateway", "sequenceFlow",
    }
)

# Builtins that the restricted engine does not provide. Naming them at save time gives a
# clearer message than the NameError that the dry run would report.
FORBIDDEN_NAMES = frozenset(
    {
        "open", "exec", "eval", "compile", "getattr", "setattr", "delattr", "globals", "locals", "vars",
        "breakpoint", "input", "memoryview", "help", "exit", "quit",
    }
)

TEMPLATES = {
    "too_many_flow_elements": N_(
        "the diagrams have %(count)s flow elements, over the limit of %(limit)s; split the process"
    ),
    "unsupported_element": N_("BPMN element %(tag)s is not supported; remove it or use a supported element"),
    "lane_role_unknown": N_("lane name %(name)r is not a role code; use one of: %(roles)s"),
    "user_task_without_lane": N_("user task is in no lane, so no role could work on it; put it in a lane"),
    "form_missing": N_("user task has no 'form' property; name the JSON form file, such as reply.json"),
    "form_unknown": N_("form %(form)s is neither in this process nor in the forms folder; add the form"),
    "appeal_status_unknown": N_("appeal status %(status)r is unknown; use one of: %(statuses)s"),
    "clock_unknown": N_("clock class %(clock)r is unknown; use one of: %(clocks)s"),
    "script_rejected": N_("the script is not allowed: %(reason)s"),
    "condition_rejected": N_("the condition is not allowed: %(reason)s"),
    "candidate_rejected": N_("the candidate org expression is not allowed: %(reason)s"),
    "script_forbidden_name": N_("the script calls %(name)s, which scripts cannot use"),
    "condition_forbidden_name": N_("the condition calls %(name)s, which expressions cannot use"),
    "candidate_forbidden_name": N_("the candidate org expression calls %(name)s, which expressions cannot use"),
    "timer_missing": N_("timer has no expression; write a quoted ISO 8601 value such as \"P3D\""),
    "timer_unquoted": N_("timer expression %(expression)s is not quoted; write \"%(expression)s\""),
    "timer_invalid_duration": N_("timer value %(expression)s is not a valid ISO 8601 duration such as \"P3D\""),
    "timer_invalid_date": N_("timer value %(expression)s is not a valid ISO 8601 date and time"),
    "timer_invalid_cycle": N_("timer value %(expression)s is not a valid ISO 8601 repeating interval such as \"R3/PT1H\""),
    "timer_unknown_variable": N_(
        "timer expression %(expression)s is neither a quoted ISO 8601 value nor a start variable (%(variables)s)"
    ),
    "flow_without_condition": N_(
        "outgoing flow %(flow)s has no condition and is not the gateway's default; add a condition or make it the default"
    ),
}

_TIMER_KINDS = {"timeDuration": "duration", "timeDate": "date", "timeCycle": "cycle"}


@dataclass
class RuleContext:
    """Known roles, forms, variables and codes that the rules check element values against."""

    roles: frozenset
    forms: frozenset
    start_variables: frozenset
    appeal_statuses: frozenset | None = None
    clock_classes: frozenset | None = None
    problems: list = field(default_factory=list)

    def add(self, filename, element, code, line=None, **params):
        self.problems.append(
            Problem(
                "rules",
                code,
                TEMPLATES[code],
                params,
                file=filename,
                element_id=element.get("id") if element is not None else None,
                line=line or (element.sourceline if element is not None else None),
            )
        )


def _bpmn(tag):
    return f"{{{BPMN_NS}}}{tag}"


def _local_name(element):
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith(f"{{{BPMN_NS}}}"):
        return None
    return tag[len(BPMN_NS) + 2:]


def flow_element_count_problem(roots):
    """Return a Problem when the documents together have too many flow elements, else None."""
    count = sum(1 for root in roots.values() for element in root.iter() if _local_name(element) in FLOW_ELEMENTS)
    if count <= MAX_FLOW_ELEMENTS:
        return None
    return Problem(
        "xml",
        "too_many_flow_elements",
        TEMPLATES["too_many_flow_elements"],
        {"count": count, "limit": MAX_FLOW_ELEMENTS},
    )


def _unsupported(element):
    """Yield the unsupported BPMN elements at or below ``element``, but not those inside one."""
    name = _local_name(element)
    if name is not None and name not in SUPPORTED_ELEMENTS:
        yield element, name
        return
    for child in element:
        if isinstance(child.tag, str):
            yield from _unsupported(child)


def unsupported_elements(roots):
    """Return a Problem for every BPMN element outside the supported set (not for those inside it)."""
    problems = []
    for filename, root in sorted(roots.items()):
        for element, name in _unsupported(root):
            problems.append(
                Problem(
                    "rules",
                    "unsupported_element",
                    TEMPLATES["unsupported_element"],
                    {"tag": name},
                    file=filename,
                    element_id=element.get("id"),
                    line=element.sourceline,
                )
            )
    return problems


def check_rules(roots, context):
    """Check every document against our rules; return the list of Problem (empty when all pass)."""
    for filename, root in sorted(roots.items()):
        lanes = _check_lanes(filename, root, context)
        for task in root.iter(_bpmn("userTask")):
            _check_user_task(filename, task, lanes, context)
        for definition in root.iter(_bpmn("timerEventDefinition")):
            _check_timer(filename, definition, context)
        for script in root.iter(_bpmn("script")):
            _check_expression(filename, script.getparent(), script.text or "", "script", context, script.sourceline)
        for flow in root.iter(_bpmn("sequenceFlow")):
            condition = flow.find(_bpmn("conditionExpression"))
            if condition is not None and (condition.text or "").strip():
                _check_expression(filename, flow, condition.text, "condition", context, condition.sourceline)
        for gateway in root.iter(_bpmn("exclusiveGateway")):
            _check_gateway(filename, root, gateway, context)
    return context.problems


def _check_lanes(filename, root, context):
    """Check lane names and return {flow node id: lane name}."""
    lanes = {}
    for lane in root.iter(_bpmn("lane")):
        name = (lane.get("name") or "").strip()
        if name not in context.roles:
            context.add(filename, lane, "lane_role_unknown", name=name, roles=", ".join(sorted(context.roles)))
        for reference in lane.findall(_bpmn("flowNodeRef")):
            lanes[(reference.text or "").strip()] = name
    return lanes


def _properties(element):
    properties = {}
    for prop in element.iter(f"{{{SPIFF_NS}}}property"):
        properties[prop.get("name")] = prop.get("value") or ""
    return properties


def _lane_of(element, lanes):
    """Return the lane of a flow node; nodes inside a subprocess take the subprocess's lane, as in SpiffWorkflow."""
    while element is not None:
        if element.get("id") in lanes:
            return lanes[element.get("id")]
        element = element.getparent()
        while element is not None and _local_name(element) not in ("subProcess", "process"):
            element = element.getparent()
        if element is not None and _local_name(element) == "process":
            return None
    return None


def _check_user_task(filename, task, lanes, context):
    if _lane_of(task, lanes) is None:
        context.add(filename, task, "user_task_without_lane")

    properties = _properties(task)
    form = properties.get("form", "").strip()
    if not form:
        context.add(filename, task, "form_missing")
    elif form not in context.forms:
        context.add(filename, task, "form_unknown", form=form)

    status = properties.get("appealStatus", "")
    if status and context.appeal_statuses is not None and status not in context.appeal_statuses:
        context.add(filename, task, "appeal_status_unknown", status=status, statuses=", ".join(sorted(context.appeal_statuses)))

    for clock in (part.strip() for part in properties.get("clock", "").split(",")):
        if clock and context.clock_classes is not None and clock not in context.clock_classes:
            context.add(filename, task, "clock_unknown", clock=clock, clocks=", ".join(sorted(context.clock_classes)))

    candidate = properties.get("candidateOrg", "").strip()
    if candidate:
        _check_expression(filename, task, candidate, "candidate", context, None)


def _file_line(first_line, source_line):
    """Return the file line of a script's line, given the line its text starts on (None if unknown)."""
    if first_line is None:
        return None
    return first_line + (source_line or 1) - 1


def _check_expression(filename, element, source, kind, context, line):
    """Compile a script, condition or candidate expression in the restricted engine and look for forbidden names."""
    mode = "exec" if kind == "script" else "eval"
    source = source if mode == "exec" else source.strip()
    try:
        compile_restricted(source, mode)
    except ExpressionRejected as exc:
        context.add(filename, element, f"{kind}_rejected", line=_file_line(line, exc.line), reason=exc.reason)
        return

    for node in ast.walk(ast.parse(source, mode=mode)):
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            context.add(filename, element, f"{kind}_forbidden_name", line=_file_line(line, node.lineno), name=node.id)
            return


def _check_timer(filename, definition, context):
    event = definition.getparent()
    values = [child for child in definition if _local_name(child) in _TIMER_KINDS]
    if not values or not (values[0].text or "").strip():
        context.add(filename, event, "timer_missing")
        return

    value = values[0]
    kind = _local_name(value)
    expression = value.text.strip()
    try:
        tree = ast.parse(expression, mode="eval").body
    except SyntaxError:
        tree = None

    if isinstance(tree, ast.Constant) and isinstance(tree.value, str):
        if not _valid_timer_value(kind, tree.value):
            context.add(filename, event, f"timer_invalid_{_TIMER_KINDS[kind]}", line=value.sourceline, expression=expression)
        return

    if isinstance(tree, ast.Name) and tree.id in context.start_variables:
        return

    if _valid_timer_value(kind, expression):
        context.add(filename, event, "timer_unquoted", line=value.sourceline, expression=expression)
        return

    context.add(
        filename,
        event,
        "timer_unknown_variable",
        line=value.sourceline,
        expression=expression,
        variables=", ".join(sorted(context.start_variables)),
    )


def _valid_timer_value(kind, text):
    # SpiffWorkflow 3.2.0 raises a bare Exception for an invalid duration, so nothing narrower works here.
    try:
        if kind == "timeDuration":
            return text.startswith("P") and bool(TimerEventDefinition.parse_iso_duration(text))
        if kind == "timeDate":
            TimerEventDefinition.get_datetime(text)
        else:
            TimerEventDefinition.parse_iso_recurring_interval(text)
    except Exception:
        return False
    return True


def _check_gateway(filename, root, gateway, context):
    default = gateway.get("default")
    outgoing = {(node.text or "").strip() for node in gateway.findall(_bpmn("outgoing"))}
    flows = {flow.get("id"): flow for flow in root.iter(_bpmn("sequenceFlow")) if flow.get("sourceRef") == gateway.get("id")}
    # A gateway with one way out needs no condition.
    if len(outgoing | set(flows)) < 2:
        return

    for flow_id in sorted(outgoing | set(flows)):
        flow = flows.get(flow_id)
        condition = flow.find(_bpmn("conditionExpression")) if flow is not None else None
        has_condition = condition is not None and (condition.text or "").strip()
        if flow_id != default and not has_condition:
            context.add(filename, gateway, "flow_without_condition", flow=flow_id)
