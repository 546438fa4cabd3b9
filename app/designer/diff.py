"""Differences between two versions of a process: unified text diffs per file and task ids."""

import difflib
import json

from lxml import etree

from SpiffWorkflow.bpmn.util.diff import SpecDiff

from ..engine.serialization import SERIALIZER
from ..engine.xml_guard import parse_untrusted_xml
from ..processes.services import SPEC_CACHE
from ..processes.version_forms import version_forms
from .services import get_version


def _normalized_xml(text):
    """Re-indent a stored BPMN file the same way whatever tool wrote it, so the diff shows content changes."""
    root = parse_untrusted_xml(text)
    for element in root.iter():
        if element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
    return etree.tostring(root, pretty_print=True, encoding="unicode")


def _file_texts(version):
    texts = {name: _normalized_xml(text) for name, text in json.loads(version.documents).items()}
    for name, schema in version_forms(version).items():
        texts[f"forms/{name}"] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return texts


def _file_diffs(old, new, old_label, new_label):
    old_texts, new_texts = _file_texts(old), _file_texts(new)
    diffs = []
    for name in sorted(set(old_texts) | set(new_texts)):
        before, after = old_texts.get(name, ""), new_texts.get(name, "")
        if before == after:
            continue
        lines = difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"{old_label}/{name}",
            tofile=f"{new_label}/{name}",
        )
        diffs.append({"name": name, "diff": "".join(lines)})
    return diffs


def _element_ids(specs):
    """Return {spec name: set of BPMN element ids} of the specs' tasks, leaving out internal specs."""
    return {name: {task_spec.bpmn_id for task_spec in spec.task_specs.values() if task_spec.bpmn_id} for name, spec in specs.items()}


def _label(top_name, spec_name, element_id):
    # Elements of called processes and subprocesses are prefixed, because ids repeat across files.
    return element_id if spec_name == top_name else f"{spec_name}/{element_id}"


def _task_changes(old, new):
    old_spec, old_subs = SPEC_CACHE.get(old.content_hash)
    new_spec, new_subs = SPEC_CACHE.get(new.content_hash)
    old_specs = {old_spec.name: old_spec, **old_subs}
    new_specs = {new_spec.name: new_spec, **new_subs}
    old_ids, new_ids = _element_ids(old_specs), _element_ids(new_specs)

    added, removed, changed = [], [], []
    for spec_name in sorted(set(old_specs) | set(new_specs)):
        before, after = old_ids.get(spec_name, set()), new_ids.get(spec_name, set())
        added.extend(_label(old_spec.name, spec_name, element_id) for element_id in sorted(after - before))
        removed.extend(_label(old_spec.name, spec_name, element_id) for element_id in sorted(before - after))
        if spec_name in old_specs and spec_name in new_specs:
            spec_diff = SpecDiff(SERIALIZER.registry, old_specs[spec_name], new_specs[spec_name])
            for task_spec in spec_diff.changed:
                if task_spec.bpmn_id:
                    changed.append(_label(old_spec.name, spec_name, task_spec.bpmn_id))
    return {"added": added, "removed": removed, "changed": sorted(set(changed))}


def version_diff(process_id, from_number, to_number):
    """Return the file diffs and the added, removed and changed task ids between two versions."""
    old, new = get_version(process_id, from_number), get_version(process_id, to_number)
    return {
        "process_id": process_id,
        "from": from_number,
        "to": to_number,
        "files": _file_diffs(old, new, f"v{from_number}", f"v{to_number}"),
        "tasks": _task_changes(old, new),
    }
