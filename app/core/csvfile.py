"""Reading uploaded CSV files: size limit, UTF-8, required header columns, row lines."""

import csv
import io


def read_csv(content, required, optional, max_bytes):
    """Decode and split a CSV file; return (rows, problems).

    ``rows`` is a list of (line number, {column: stripped value}). Problems name
    the line and the fix. Rows with more fields than the header are reported,
    because an unquoted comma would otherwise drop data silently.
    """
    problems = []
    if isinstance(content, bytes):
        if len(content) > max_bytes:
            return [], [f"file is {len(content)} bytes, over the limit of {max_bytes}; split it"]
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return [], [f"file is not UTF-8 ({exc.reason} at byte {exc.start}); save it as UTF-8 CSV"]

    reader = csv.DictReader(io.StringIO(content))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in required if name not in header]
    if missing:
        return [], [f"line 1: missing column(s) {', '.join(missing)}; the header needs {','.join(required)}"]
    unknown = [name for name in header if name not in (*required, *optional)]
    if unknown:
        problems.append(f"line 1: unknown column(s) {', '.join(unknown)}; remove them")

    rows = []
    for line, raw in enumerate(reader, start=2):
        if None in raw:
            problems.append(f"line {line}: more fields than the header; quote values that contain commas")
            continue
        rows.append((line, {key.strip(): (value or "").strip() for key, value in raw.items()}))
    return rows, problems
