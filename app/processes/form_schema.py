"""Checking a form's JSON Schema before a designer adds it to a process.

Only the keywords that the task form renderer and the server's validation
understand are accepted. Everything else is rejected by name and path: above
all ``$ref``, ``$id`` and other keywords that could make a validator load
remote documents, and patterns that could take exponential time to match.
"""

import json
import re

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from ..engine.problems import N_, Problem
from .forms import MAX_FORM_BYTES

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
MAX_DEPTH = 5
MAX_PROPERTIES = 100
MAX_ENUM_OPTIONS = 200
MAX_TEXT_CHARS = 500
MAX_PATTERN_CHARS = 200

FIELD_KEYWORDS = frozenset(
    {
        "type", "title", "description", "properties", "required", "enum", "const", "minLength",
        "maxLength", "minimum", "maximum", "pattern", "items", "default", "format",
        "additionalProperties", "if", "then", "else", "allOf", "x-widget", "uniqueItems", "minItems", "maxItems",
    }
)
ROOT_KEYWORDS = FIELD_KEYWORDS | {"$schema", "x-labels"}
TYPES = frozenset({"object", "string", "integer", "number", "boolean", "array"})
FORMATS = frozenset({"date", "date-time", "time", "email"})
WIDGETS = frozenset({"textarea", "department", "unit", "departments"})
SUBSCHEMA_KEYWORDS = ("items", "if", "then", "else")
FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
# A group that repeats and contains a repeat, such as (a+)+ or (\w*)*: such patterns can
# backtrack exponentially on a long non-matching value.
NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]")

TEMPLATES = {
    "schema_not_object": N_("the form schema must be a JSON object"),
    "schema_too_large": N_("the form schema is %(size)s bytes, over the limit of %(limit)s bytes"),
    "root_not_object": N_("the form's top-level type must be \"object\""),
    "dialect_unsupported": N_("$schema must be %(dialect)s or left out"),
    "keyword_remote": N_("keyword %(keyword)s is not allowed: forms cannot refer to other documents; write the field inline"),
    "keyword_unknown": N_("keyword %(keyword)s is not supported by the form renderer; remove it"),
    "too_deep": N_("the schema is nested deeper than %(limit)s levels"),
    "type_unsupported": N_("type %(value)r is not supported; use one of: %(types)s"),
    "format_unsupported": N_("format %(value)r is not supported; use one of: %(formats)s"),
    "widget_unsupported": N_("x-widget %(value)r is not supported; use one of: %(widgets)s"),
    "department_not_integer": N_("a department field must have type \"integer\""),
    "pattern_invalid": N_("pattern is not a valid regular expression: %(error)s"),
    "pattern_too_long": N_("pattern is longer than %(limit)s characters"),
    "pattern_nested_quantifier": N_("pattern repeats a group that itself repeats, which can take exponential time; simplify it"),
    "too_many_properties": N_("the form has %(count)s fields, over the limit of %(limit)s"),
    "field_name_invalid": N_("field name %(name)r must start with a letter and use only letters, digits and _"),
    "required_unknown": N_("required field %(name)s is not in properties"),
    "enum_too_long": N_("enum has %(count)s options, over the limit of %(limit)s"),
    "enum_value_invalid": N_("enum options must be strings, numbers or booleans of at most %(limit)s characters"),
    "text_too_long": N_("%(keyword)s is longer than %(limit)s characters"),
    "additional_properties_not_boolean": N_("additionalProperties must be true or false"),
    "labels_invalid": N_("x-labels must map each language code to an object of text labels"),
    "schema_invalid": N_("not valid JSON Schema: %(error)s"),
}

_REMOTE_KEYWORDS = frozenset({"$ref", "$id", "$dynamicRef", "$dynamicAnchor", "$anchor", "$recursiveRef", "$defs", "definitions"})


class _Collector:
    def __init__(self, name):
        self.name = name
        self.problems = []

    def add(self, code, path, at_keyword=None, **params):
        self.problems.append(
            Problem("form", code, TEMPLATES[code], params, file=self.name, path=path or "/", keyword=at_keyword)
        )


def _pointer(path, *parts):
    escaped = [str(part).replace("~", "~0").replace("/", "~1") for part in parts]
    return "/".join([path.rstrip("/"), *escaped]) if escaped else path


def check_form_schema(name, schema):
    """Return the Problems that keep a form schema out of a process; empty when it is accepted."""
    found = _Collector(name)
    if not isinstance(schema, dict):
        found.add("schema_not_object", "/")
        return found.problems

    size = len(json.dumps(schema, ensure_ascii=False).encode("utf-8"))
    if size > MAX_FORM_BYTES:
        found.add("schema_too_large", "/", size=size, limit=MAX_FORM_BYTES)
        return found.problems

    if schema.get("type") != "object":
        found.add("root_not_object", "/type", "type")
    if "$schema" in schema and schema["$schema"] != SCHEMA_DIALECT:
        found.add("dialect_unsupported", "/$schema", "$schema", dialect=SCHEMA_DIALECT)
    if "x-labels" in schema:
        _check_labels(schema["x-labels"], found)

    _check_node(schema, "", 0, ROOT_KEYWORDS, found)
    if found.problems:
        return found.problems

    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        path = _pointer("", *exc.path) or "/"
        keyword = exc.path[-1] if exc.path and isinstance(exc.path[-1], str) else exc.validator
        found.add("schema_invalid", path, keyword, error=exc.message)
    return found.problems


def _check_node(node, path, depth, allowed, found):
    if not isinstance(node, dict):
        return
    if depth > MAX_DEPTH:
        found.add("too_deep", path, limit=MAX_DEPTH)
        return

    for keyword in node:
        if keyword in _REMOTE_KEYWORDS:
            found.add("keyword_remote", _pointer(path, keyword), keyword, keyword=keyword)
        elif keyword not in allowed:
            found.add("keyword_unknown", _pointer(path, keyword), keyword, keyword=keyword)

    _check_values(node, path, found)
    properties = node.get("properties")
    if isinstance(properties, dict):
        _check_properties(node, properties, path, depth, found)
    for keyword in SUBSCHEMA_KEYWORDS:
        if isinstance(node.get(keyword), dict):
            _check_node(node[keyword], _pointer(path, keyword), depth + 1, FIELD_KEYWORDS, found)
    if isinstance(node.get("allOf"), list):
        for index, subschema in enumerate(node["allOf"]):
            _check_node(subschema, _pointer(path, "allOf", index), depth + 1, FIELD_KEYWORDS, found)


def _check_values(node, path, found):
    kind = node.get("type")
    if "type" in node and kind not in TYPES:
        found.add("type_unsupported", _pointer(path, "type"), "type", value=kind, types=", ".join(sorted(TYPES)))
    if "format" in node and node["format"] not in FORMATS:
        found.add("format_unsupported", _pointer(path, "format"), "format", value=node["format"], formats=", ".join(sorted(FORMATS)))
    if "x-widget" in node:
        if node["x-widget"] not in WIDGETS:
            found.add("widget_unsupported", _pointer(path, "x-widget"), "x-widget", value=node["x-widget"], widgets=", ".join(sorted(WIDGETS)))
        elif node["x-widget"] in ("department", "unit") and kind != "integer":
            found.add("department_not_integer", _pointer(path, "type"), "type")
        elif node["x-widget"] == "departments" and (kind != "array" or (node.get("items") or {}).get("type") != "integer"):
            found.add("department_not_integer", _pointer(path, "type"), "type")
    if "pattern" in node:
        _check_pattern(node["pattern"], _pointer(path, "pattern"), found)
    if "additionalProperties" in node and not isinstance(node["additionalProperties"], bool):
        found.add("additional_properties_not_boolean", _pointer(path, "additionalProperties"), "additionalProperties")
    for keyword in ("title", "description"):
        if isinstance(node.get(keyword), str) and len(node[keyword]) > MAX_TEXT_CHARS:
            found.add("text_too_long", _pointer(path, keyword), keyword, keyword=keyword, limit=MAX_TEXT_CHARS)
    if isinstance(node.get("enum"), list):
        _check_enum(node["enum"], _pointer(path, "enum"), found)


def _check_pattern(pattern, path, found):
    if not isinstance(pattern, str):
        return
    if len(pattern) > MAX_PATTERN_CHARS:
        found.add("pattern_too_long", path, "pattern", limit=MAX_PATTERN_CHARS)
        return
    try:
        re.compile(pattern)
    except re.error as exc:
        found.add("pattern_invalid", path, "pattern", error=str(exc))
        return
    if NESTED_QUANTIFIER.search(pattern):
        found.add("pattern_nested_quantifier", path, "pattern")


def _check_enum(options, path, found):
    if len(options) > MAX_ENUM_OPTIONS:
        found.add("enum_too_long", path, "enum", count=len(options), limit=MAX_ENUM_OPTIONS)
        return
    for option in options:
        scalar = isinstance(option, (str, int, float, bool)) and not (isinstance(option, str) and len(option) > MAX_TEXT_CHARS)
        if not scalar:
            found.add("enum_value_invalid", path, "enum", limit=MAX_TEXT_CHARS)
            return


def _check_properties(node, properties, path, depth, found):
    properties_path = _pointer(path, "properties")
    if len(properties) > MAX_PROPERTIES:
        found.add("too_many_properties", properties_path, "properties", count=len(properties), limit=MAX_PROPERTIES)
        return

    for field_name, field_schema in properties.items():
        field_path = _pointer(properties_path, field_name)
        if not FIELD_NAME.match(field_name):
            found.add("field_name_invalid", field_path, "properties", name=field_name)
        _check_node(field_schema, field_path, depth + 1, FIELD_KEYWORDS, found)

    # Fields required only inside if/then may be declared at the top; the rest must exist.
    required = node.get("required")
    if isinstance(required, list) and path == "":
        for index, field_name in enumerate(required):
            if isinstance(field_name, str) and field_name not in properties:
                found.add("required_unknown", _pointer(path, "required", index), "required", name=field_name)


def _check_labels(labels, found):
    valid = isinstance(labels, dict) and all(
        isinstance(texts, dict)
        and all(isinstance(key, str) and isinstance(text, str) and len(text) <= MAX_TEXT_CHARS for key, text in texts.items())
        for texts in labels.values()
    )
    if not valid:
        found.add("labels_invalid", "/x-labels", "x-labels")
