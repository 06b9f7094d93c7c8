#!/usr/bin/env python3
"""Validate CallGate canonical call events against Docs/schema/callgate.call.v1.json.

Usage:
    validate_events.py < events.json      # a JSON array of events
    validate_events.py < events.jsonl     # JSON lines: one event per line

The input format is detected from the first non-whitespace character: `[` means a
JSON array, anything else means JSON lines (blank lines are skipped; if the lines do
not parse, the whole input is tried as a single JSON object).

Output: for every invalid event, one line per error

    event <index> (<id or ?>): <json path>: <message>

(index is 0-based, errors sorted by path), then a final line `N valid, M invalid`.

Exit status: 0 all events valid, 1 at least one invalid event, 2 bad input
(not JSON, empty input, or an invalid schema file).

Needs the `jsonschema` package (>= 4.18). `format: date-time` is enforced when
`rfc3339-validator` is installed; `format: uri` only when `rfc3987` (or
`rfc3986-validator`) is installed.
"""

import json
import sys
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = REPO_ROOT / "Docs" / "schema" / "callgate.call.v1.json"


def bad_input(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def read_events(text):
    stripped = text.lstrip()
    if not stripped:
        bad_input("no input (expected a JSON array or JSON lines)")
    if stripped[0] == "[":
        try:
            events = json.loads(stripped)
        except json.JSONDecodeError as exc:
            bad_input(f"input is not valid JSON: {exc}")
        if not isinstance(events, list):
            bad_input("input starting with '[' is not a JSON array")
        return events
    events = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError as exc:
            # Maybe a single pretty-printed object rather than JSON lines.
            try:
                return [json.loads(text)]
            except json.JSONDecodeError:
                bad_input(f"line {lineno} is not valid JSON: {exc}")
    return events


def expand(error):
    """Replace an anyOf/oneOf error by the errors of the branch the instance was meant
    for (e.g. `phone|null` given an object: report the phone's own errors, not just
    "is not valid under any of the given schemas")."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        branches = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        # A branch the instance does not even match by type is not the intended one.
        candidates = [
            errs for errs in branches.values()
            if not any(e.validator == "type" and not e.relative_path for e in errs)
        ]
        if len(candidates) == 1:
            return [leaf for sub in candidates[0] for leaf in expand(sub)]
    return [error]


def path_key(error):
    return [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in error.absolute_path]


def main():
    try:
        schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
    except (OSError, json.JSONDecodeError, SchemaError) as exc:
        bad_input(f"cannot use schema {SCHEMA_PATH}: {exc}")

    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    events = read_events(sys.stdin.read())

    valid = invalid = 0
    for index, event in enumerate(events):
        errors = [leaf for err in validator.iter_errors(event) for leaf in expand(err)]
        if not errors:
            valid += 1
            continue
        invalid += 1
        event_id = event.get("id") if isinstance(event, dict) else None
        label = event_id if isinstance(event_id, str) and event_id else "?"
        for err in sorted(errors, key=lambda e: (path_key(e), e.message)):
            message = err.message
            comment = err.schema.get("$comment") if isinstance(err.schema, dict) else None
            if comment:
                message = f"{message} ({comment})"
            print(f"event {index} ({label}): {err.json_path}: {message}")

    print(f"{valid} valid, {invalid} invalid")
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main())
