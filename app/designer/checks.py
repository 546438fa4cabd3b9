"""The validation chain a process model passes before it is stored: XML, parse, rules, dry run.

Each stage runs only when the stages before it found nothing, because later
stages need what the earlier ones build. One rule runs before the parse:
unsupported BPMN elements are named first, since SpiffWorkflow would reject
some of them with a less helpful message and ignore others. Form schemas are
checked alongside, and the dry run waits for them too. Nothing here touches
the database.
"""

import re
from dataclasses import dataclass, field

from ..engine.dryrun import DryRunLimits, dry_run
from ..engine.errors import BpmnRejected
from ..engine.problems import N_, Problem
from ..engine.specs import BPMN_NS, bundle_for, parse_bundle
from ..engine.validation import RuleContext, check_rules, flow_element_count_problem, unsupported_elements
from ..engine.xml_guard import parse_untrusted_xml
from ..processes.form_schema import check_form_schema

MAX_FILES = 20
MAX_FORMS = 50
FILE_NAME = re.compile(r"^[\w.-]{1,100}\.bpmn$")
FORM_NAME = re.compile(r"^[A-Za-z0-9_-]{1,95}\.json$")

TEMPLATES = {
    "too_many_files": N_("a process model has at most %(limit)s files"),
    "file_name_invalid": N_("file name %(name)r must end in .bpmn and use only letters, digits, _, - and ."),
    "file_not_text": N_("the file content must be BPMN XML text"),
    "file_not_utf8": N_("the file is not UTF-8 text; upload BPMN XML saved as UTF-8"),
    "too_many_forms": N_("a process model has at most %(limit)s forms"),
    "form_name_invalid": N_("form name %(name)r must end in .json and use only letters, digits, _ and -"),
    "not_bpmn": N_("the file is XML but not BPMN: its root element is %(tag)s, not BPMN definitions"),
    "process_missing": N_("no file defines a process with id %(process_id)s; the top-level process must have this id"),
    "parse_failed": N_("the BPMN parser rejected the diagram: %(detail)s"),
}


@dataclass
class CheckSettings:
    """Roles, forms, start data and codes that the chain checks against, taken from the application."""

    roles: frozenset
    folder_forms: dict
    start_data: dict
    appeal_statuses: frozenset | None = None
    clock_classes: frozenset | None = None
    # Sample payloads of the BPMN messages the application sends, by message name.
    message_payloads: dict = field(default_factory=dict)
    limits: DryRunLimits = field(default_factory=DryRunLimits)


@dataclass
class CheckOutcome:
    """Problems found (empty when the model passed), and what the dry run did not reach."""

    problems: list
    not_reached: list = field(default_factory=list)
    process_name: str = ""

    @property
    def ok(self):
        return not self.problems


def _problem(stage, code, filename=None, **params):
    return Problem(stage, code, TEMPLATES[code], params, file=filename)


def encoding_problem(filename):
    """Return the Problem for an uploaded file whose bytes are not UTF-8 text."""
    return _problem("xml", "file_not_utf8", filename)


def _check_names(files, forms):
    problems = []
    if len(files) > MAX_FILES:
        problems.append(_problem("xml", "too_many_files", limit=MAX_FILES))
    for name, text in files.items():
        if not FILE_NAME.match(name):
            problems.append(_problem("xml", "file_name_invalid", name, name=name))
        elif not isinstance(text, str):
            problems.append(_problem("xml", "file_not_text", name))
    if len(forms) > MAX_FORMS:
        problems.append(_problem("form", "too_many_forms", limit=MAX_FORMS))
    for name in forms:
        if not FORM_NAME.match(name):
            problems.append(_problem("form", "form_name_invalid", name, name=name))
    return problems


def _rejection_problem(stage, exc, lines=None):
    if exc.code == "bpmn_invalid":
        template, params = TEMPLATES["parse_failed"], {"detail": exc.reason}
    else:
        template, params = exc.template, exc.params
    # SpiffWorkflow names the element of some parse errors without its line.
    line = exc.line or (lines or {}).get((exc.filename, exc.element_id))
    return Problem(stage, exc.code, template, params, file=exc.filename, element_id=exc.element_id, line=line)


def _parse_xml(files):
    roots, problems = {}, []
    for name, text in sorted(files.items()):
        try:
            roots[name] = parse_untrusted_xml(text, name)
        except BpmnRejected as exc:
            problems.append(_rejection_problem("xml", exc))
    if not problems:
        too_many = flow_element_count_problem(roots)
        if too_many is not None:
            problems.append(too_many)
    return roots, problems


def _defines_process(roots, process_id):
    tag = f"{{{BPMN_NS}}}process"
    return any(node.get("id") == process_id for root in roots.values() for node in root.iter(tag))


def _element_lines(roots):
    """Return {(file name, element id): line} of every element with an id."""
    lines = {}
    for name, root in roots.items():
        for element in root.iter():
            if isinstance(element.tag, str) and element.get("id"):
                lines[(name, element.get("id"))] = element.sourceline
    return lines


def check_process(process_id, files, forms, settings):
    """Run the validation chain on {file name: XML} and {form name: schema}; return a CheckOutcome."""
    problems = _check_names(files, forms)
    if problems:
        return CheckOutcome(problems)

    form_problems = [problem for name, schema in sorted(forms.items()) for problem in check_form_schema(name, schema)]
    roots, problems = _parse_xml(files)
    if problems:
        return CheckOutcome(problems + form_problems)

    not_bpmn = [
        _problem("parse", "not_bpmn", name, tag=root.tag)
        for name, root in sorted(roots.items())
        if root.tag != f"{{{BPMN_NS}}}definitions"
    ]
    if not_bpmn:
        return CheckOutcome(not_bpmn + form_problems)
    unsupported = unsupported_elements(roots)
    if unsupported:
        return CheckOutcome(unsupported + form_problems)
    if not _defines_process(roots, process_id):
        return CheckOutcome([_problem("parse", "process_missing", process_id=process_id)] + form_problems)
    try:
        bundle = parse_bundle(bundle_for(files, process_id), process_id)
    except BpmnRejected as exc:
        return CheckOutcome([_rejection_problem("parse", exc, _element_lines(roots))] + form_problems)

    known_forms = {**settings.folder_forms, **forms}
    context = RuleContext(
        roles=settings.roles,
        forms=frozenset(known_forms),
        start_variables=frozenset(settings.start_data),
        appeal_statuses=settings.appeal_statuses,
        clock_classes=settings.clock_classes,
    )
    problems = check_rules(roots, context)
    if problems or form_problems:
        return CheckOutcome(problems + form_problems)

    result = dry_run(bundle, known_forms, settings.start_data, settings.limits, _element_lines(roots), settings.message_payloads)
    not_reached = [{"file": name, "element_id": element_id} for name, element_id in result.not_reached]
    return CheckOutcome(result.problems, not_reached, bundle.spec.description or "")
