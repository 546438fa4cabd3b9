"""Turning HTML form submissions into typed data for JSON Schema validation."""


def parse_submission(schema, values):
    """Convert posted strings to the types the form schema declares.

    Empty optional fields are left out. A value that cannot be converted is
    passed on as the raw string, so the schema validator reports the field.
    """
    data = {}
    for name, field in schema.get("properties", {}).items():
        raw = values.get(name, "")
        if raw == "":
            continue
        kind = field.get("type")
        if kind == "integer":
            data[name] = int(raw) if raw.strip().lstrip("-").isdigit() else raw
        elif kind == "boolean":
            data[name] = {"true": True, "false": False}.get(raw, raw)
        else:
            data[name] = raw.strip() if field.get("x-widget") != "textarea" else raw.rstrip()
    return data
