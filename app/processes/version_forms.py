"""The forms of a deployed version: stored with the version, looked up before the forms folder."""

import json
import threading

from jsonschema import Draft202012Validator
from sqlalchemy import select

from ..extensions import db
from .forms import Form
from .models import ProcessVersion, WorkflowInstance

# Forms per version content hash. A version never changes, so entries never go stale.
_FORMS_BY_HASH = {}
_LOCK = threading.Lock()


def bundle_form_names(bundle):
    """Return the form file names that the user tasks of a parsed bundle name."""
    names = set()
    for spec in (bundle.spec, *bundle.subprocess_specs.values()):
        for task_spec in spec.task_specs.values():
            if not getattr(task_spec, "manual", False):
                continue
            name = task_spec.extensions.get("properties", {}).get("form") if hasattr(task_spec, "extensions") else None
            if name:
                names.add(name)
    return names


def snapshot_forms(bundle, overrides, registry):
    """Return {name: schema} of every form the bundle names: from ``overrides`` first, else the forms folder.

    A name found in neither is left out; the designer's validation rejects such
    diagrams before they get here.
    """
    forms = {}
    for name in sorted(bundle_form_names(bundle)):
        if name in overrides:
            forms[name] = overrides[name]
            continue
        try:
            forms[name] = registry.get(name).schema
        except (KeyError, OSError):
            continue
    return forms


def _load(spec_hash):
    text = db.session.scalar(select(ProcessVersion.forms).where(ProcessVersion.content_hash == spec_hash))
    schemas = json.loads(text or "{}")
    return {name: Form(name, schema, Draft202012Validator(schema)) for name, schema in schemas.items()}


def version_form(spec_hash, name, registry):
    """Return the Form ``name`` of the version with this content hash, else the forms folder's."""
    forms = _FORMS_BY_HASH.get(spec_hash) if spec_hash else {}
    if forms is None:
        forms = _load(spec_hash)
        with _LOCK:
            _FORMS_BY_HASH[spec_hash] = forms
    return forms.get(name) or registry.get(name)


def appeal_spec_hash(appeal_id):
    """Return the content hash of the version an appeal's workflow runs on, or None."""
    query = (
        select(ProcessVersion.content_hash)
        .join(WorkflowInstance, WorkflowInstance.process_version_id == ProcessVersion.id)
        .where(WorkflowInstance.appeal_id == appeal_id)
    )
    return db.session.scalar(query)


def version_forms(version):
    """Return the {name: schema} stored with a version."""
    return json.loads(version.forms or "{}")
