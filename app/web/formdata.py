"""Turning HTML form submissions into typed data for JSON Schema validation."""


def parse_submission(schema, values):
    """Convert posted strings to the types the form schema declares.

    Empty optional fields are left out. A value that cannot be converted is
    passed on as the raw string, so the schema validator reports the field.
    """
    data = {}
    for name, field in schema.get("properties", {}).items():
        if field.get("type") == "array":
            items = [value for value in values.getlist(name) if value != ""]
            if items:
                data[name] = [_convert(field.get("items", {}), value) for value in items]
            continue
        raw = values.get(name, "")
        if raw == "":
            continue
        data[name] = _convert(field, raw)
    return data


def _convert(field, raw):
    kind = field.get("type")
    if kind == "integer":
        return int(raw) if raw.strip().lstrip("-").isdigit() else raw
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw, raw)
    return raw.strip() if field.get("x-widget") != "textarea" else raw.rstrip()
