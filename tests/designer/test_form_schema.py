"""Form schema checks: a keyword allow-list, with every rejection naming its path and keyword."""

import pytest

from app.processes.form_schema import check_form_schema
from tests.designer.conftest import shipped_forms


def field(**keywords):
    return {"type": "object", "properties": {"answer": {"type": "string", **keywords}}}


def found(schema):
    return [(problem.code, problem.path, problem.keyword) for problem in check_form_schema("test.json", schema)]


@pytest.mark.parametrize("name", sorted(shipped_forms()))
def test_shipped_forms_accepted(name):
    assert check_form_schema(name, shipped_forms()[name]) == []


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        (field(**{"$ref": "https://127.0.0.1/remote.json"}), ("keyword_remote", "/properties/answer/$ref", "$ref")),
        ({**field(), "$id": "https://127.0.0.1/form.json"}, ("keyword_remote", "/$id", "$id")),
        ({**field(), "$defs": {"x": {}}}, ("keyword_remote", "/$defs", "$defs")),
        ({**field(), "$schema": "http://json-schema.org/draft-04/schema#"}, ("dialect_unsupported", "/$schema", "$schema")),
        (field(contentMediaType="text/html"), ("keyword_unknown", "/properties/answer/contentMediaType", "contentMediaType")),
        (field(format="uri"), ("format_unsupported", "/properties/answer/format", "format")),
        (field(pattern="(a+)+$"), ("pattern_nested_quantifier", "/properties/answer/pattern", "pattern")),
        (field(pattern="[unclosed"), ("pattern_invalid", "/properties/answer/pattern", "pattern")),
        (field(pattern="a" * 201), ("pattern_too_long", "/properties/answer/pattern", "pattern")),
        (field(**{"x-widget": "html"}), ("widget_unsupported", "/properties/answer/x-widget", "x-widget")),
        (field(**{"x-widget": "department"}), ("department_not_integer", "/properties/answer/type", "type")),
        (field(minLength="five"), ("schema_invalid", "/properties/answer/minLength", "minLength")),
        ({"type": "array", "items": {"type": "string"}}, ("root_not_object", "/type", "type")),
        ({"type": "object", "properties": {"1st": {"type": "string"}}}, ("field_name_invalid", "/properties/1st", "properties")),
        ({"type": "object", "properties": {}, "required": ["missing"]}, ("required_unknown", "/required/0", "required")),
        ({"type": "object", "additionalProperties": {"type": "string"}}, ("additional_properties_not_boolean", "/additionalProperties", "additionalProperties")),
        ({"type": "object", "x-labels": {"zh_CN": "not an object"}}, ("labels_invalid", "/x-labels", "x-labels")),
        (field(enum=list(range(201))), ("enum_too_long", "/properties/answer/enum", "enum")),
        (field(type="null"), ("type_unsupported", "/properties/answer/type", "type")),
    ],
)
def test_rejected_keywords(schema, expected):
    assert expected in found(schema)


def test_too_deep():
    schema = {"type": "object", "properties": {}}
    node = schema
    for level in range(7):
        child = {"type": "object", "properties": {}}
        node["properties"][f"level{level}"] = child
        node = child
    assert ("too_deep", "/properties/level0/properties/level1/properties/level2/properties/level3/properties/level4/properties/level5", None) in found(schema)


def test_too_large():
    schema = field(description="说明" * 40_000)
    assert [code for code, _, _ in found(schema)] == ["schema_too_large"]


def test_not_an_object():
    assert found(["not", "a", "schema"]) == [("schema_not_object", "/", None)]


def test_conditional_requirement_accepted():
    assert found(shipped_forms()["review.json"]) == []
