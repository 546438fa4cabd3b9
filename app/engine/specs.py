"""Parsing BPMN bundles into specs, and the in-process spec cache."""

import hashlib
import json
import threading
from dataclasses import dataclass

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from .errors import BpmnRejected
from .xml_guard import parse_untrusted_xml

_VALIDATOR = BpmnValidator()
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@dataclass(frozen=True)
class ParsedBundle:
    """A process spec with the specs of the processes it calls, and the bundle's hash."""

    process_id: str
    content_hash: str
    spec: object
    subprocess_specs: dict
    documents: dict


def content_hash(documents, process_id, forms=None):
    """Return the SHA-256 of a bundle: the top process id, then file names and bytes in name order.

    The process id is part of the hash because one file can define several processes.
    ``forms`` ({name: JSON Schema}), when given, is hashed last, so a version that only
    changes a form gets a hash of its own.
    """
    digest = hashlib.sha256(process_id.encode("utf-8") + b"\0")
    for name in sorted(documents):
        data = documents[name]
        if isinstance(data, str):
            data = data.encode("utf-8")
        digest.update(name.encode("utf-8") + b"\0" + data + b"\0")
    if forms:
        digest.update(b"forms\0" + json.dumps(forms, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def _process_ids(root):
    return [node.get("id") for node in root.iter(f"{{{BPMN_NS}}}process")]


def _called_process_ids(root):
    return {node.get("calledElement") for node in root.iter(f"{{{BPMN_NS}}}callActivity")}


def bundle_for(documents, process_id):
    """Select the files that define ``process_id`` and every process it calls, transitively."""
    roots = {name: parse_untrusted_xml(data, name) for name, data in documents.items()}
    defining = {pid: name for name, root in roots.items() for pid in _process_ids(root)}

    needed, pending = set(), [process_id]
    while pending:
        pid = pending.pop()
        if pid in needed or pid not in defining:
            continue
        needed.add(pid)
        pending.extend(_called_process_ids(roots[defining[pid]]))
    return {defining[pid]: documents[defining[pid]] for pid in needed}


def _link_triggered_subprocesses(spec):
    """Link message-started event subprocesses to Start and End once, at parse time.

    SpiffWorkflow 3.2.0 makes these links on the first delivery of the message
    (BpmnStartTask.trigger_wf), changing the parsed spec that every instance of
    the version shares: later instances then wait for that message before they
    can end. Linking Start only as an input leaves instances that never get the
    message unaffected, and trigger_wf finds nothing left to change.
    """
    start = spec.start
    for name in getattr(start, "trigger_specs", ()):
        task_spec = spec.task_specs[name]
        if start not in task_spec.inputs:
            task_spec._inputs.append(start.name)
            task_spec.connect(spec.end)


def _rejection(exc, filename):
    message = exc.args[0] if exc.args else str(exc)
    return BpmnRejected(exc.file_name or filename, message, exc.line_number or None, exc.id or None)


def parse_bundle(documents, process_id):
    """Parse {filename: xml} into the spec of ``process_id`` and the specs it calls.

    Each document passes the hardened XML parse and SpiffWorkflow's schema
    validator; errors name the file, element id and line.
    """
    parser = SpiffBpmnParser(validator=_VALIDATOR)
    for filename in sorted(documents):
        root = parse_untrusted_xml(documents[filename], filename)
        try:
            parser.add_bpmn_xml(root, filename=filename)
        except ValidationException as exc:
            raise _rejection(exc, filename) from exc

    try:
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except ValidationException as exc:
        raise _rejection(exc, process_id) from exc

    for each_spec in (spec, *subprocess_specs.values()):
        _link_triggered_subprocesses(each_spec)
    return ParsedBundle(process_id, content_hash(documents, process_id), spec, subprocess_specs, dict(documents))


class SpecCache:
    """Parsed specs per deployed version, keyed by content hash, shared in the process.

    ``loader(content_hash)`` is called on a miss and must return
    ``(spec, subprocess_specs)``; the application passes one that reads the
    stored version from the database.
    """

    def __init__(self, loader=None):
        self._loader = loader
        self._entries = {}
        self._lock = threading.Lock()

    def put(self, spec_hash, spec, subprocess_specs):
        with self._lock:
            self._entries[spec_hash] = (spec, subprocess_specs)

    def get(self, spec_hash):
        entry = self._entries.get(spec_hash)
        if entry is not None:
            return entry

        if self._loader is None:
            raise KeyError(f"spec {spec_hash} is not cached and no loader is set")
        spec, subprocess_specs = self._loader(spec_hash)
        self.put(spec_hash, spec, subprocess_specs)
        return spec, subprocess_specs

    def set_loader(self, loader):
        self._loader = loader

    def clear(self):
        with self._lock:
            self._entries.clear()
