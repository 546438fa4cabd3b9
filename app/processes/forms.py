"""User-task forms: JSON Schema files in forms/, loaded once and validated on the server."""

import json
import os
from dataclasses import dataclass, field

from jsonschema import Draft202012Validator

MAX_FORM_BYTES = 64 * 1024


@dataclass(frozen=True)
class FieldError:
    """One invalid field: its path, a machine code, parameters and an English message."""

    field: str
    code: str
    message: str
    params: dict = field(default_factory=dict)


@dataclass
class Form:
    """A parsed form schema with its compiled validator."""

    name: str
    schema: dict
    validator: Draft202012Validator

    @property
    def fields(self):
        return self.schema.get("properties", {})

    def label(self, locale, key):
        labels = self.schema.get("x-labels", {})
        for candidate in (locale, "en"):
            text = labels.get(candidate, {}).get(key)
            if text:
                return text
        return key


class FormRegistry:
    """Forms by file name, read from one folder and cached for the life of the process."""

    def __init__(self, folder):
        self.folder = folder
        self._forms = {}

    def names(self):
        """Return the sorted file names of the forms in the folder."""
        return sorted(name for name in os.listdir(self.folder) if name.endswith(".json"))

    def get(self, name):
        form = self._forms.get(name)
        if form is None:
            form = self._load(name)
            self._forms[name] = form
        return form

    def _load(self, name):
        if os.path.basename(name) != name or not name.endswith(".json"):
            raise KeyError(f"invalid form file name {name!r}")
        with open(os.path.join(self.folder, name), encoding="utf-8") as handle:
            schema = json.load(handle)
        Draft202012Validator.check_schema(schema)
        return Form(name, schema, Draft202012Validator(schema))


def _field_path(error, extra=None):
    parts = [str(part) for part in error.absolute_path]
    if extra:
        parts.append(extra)
    return ".".join(parts) or "(form)"


def _describe(error):
    validator = error.validator
    if validator == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        return [FieldError(_field_path(error, name), "required", "Missing data for required field.") for name in missing]

    if validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = [name for name in error.instance if name not in allowed]
        return [FieldError(_field_path(error, name), "unknown_field", "Unknown field; remove it.") for name in extra]

    path = _field_path(error)
    if validator == "enum":
        options = ", ".join(str(option) for option in error.validator_value)
        return [FieldError(path, "enum", f"Must be one of: {options}.", {"options": options})]
    if validator == "const":
        return [FieldError(path, "enum", f"Must be {error.validator_value}.", {"options": str(error.validator_value)})]
    if validator == "type":
        expected = error.validator_value
        return [FieldError(path, "type", f"Must be of type {expected}.", {"type": str(expected)})]
    if validator == "minLength":
        limit = error.validator_value
        return [FieldError(path, "min_length", f"Must have at least {limit} characters.", {"limit": limit})]
    if validator == "maxLength":
        limit = error.validator_value
        return [FieldError(path, "max_length", f"Must have at most {limit} characters.", {"limit": limit})]
    if validator in ("minimum", "maximum"):
        limit = error.validator_value
        word = "at least" if validator == "minimum" else "at most"
        return [FieldError(path, validator, f"Must be {word} {limit}.", {"limit": limit})]
    return [FieldError(path, "invalid", error.message)]


def validate_form(form, data):
    """Return the list of FieldError for ``data`` against the form; empty means valid."""
    if not isinstance(data, dict):
        return [FieldError("(form)", "type", "Form data must be a JSON object.", {"type": "object"})]

    if len(json.dumps(data, ensure_ascii=False)) > MAX_FORM_BYTES:
        return [FieldError("(form)", "too_large", f"Form data is larger than {MAX_FORM_BYTES} bytes; shorten the text fields.")]

    errors = []
    for error in form.validator.iter_errors(data):
        errors.extend(_describe(error))

    # One message per field keeps the response readable; the first is the most direct.
    unique = {}
    for error in errors:
        unique.setdefault(error.field, error)
    return list(unique.values())
