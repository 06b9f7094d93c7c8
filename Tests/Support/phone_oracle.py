#!/usr/bin/env python3
"""Phone-number oracle: Google's libphonenumber (PyPI `phonenumbers`) judges each input.

Reads JSON lines {"raw": "...", "region": "JP"} on stdin and writes, for each, one JSON line
{"e164": "+81..." or null, "possible": true/false, "region": "JP" or null}.
Used by Tests/CallGateCoreTests/PhoneNormalizerTests.swift; nothing of CallGate's logic is here.
"""
import json
import sys

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat


def judge(raw, region):
    try:
        number = phonenumbers.parse(raw, region)
    except NumberParseException:
        return {"e164": None, "possible": False, "region": None}
    possible = phonenumbers.is_possible_number(number)
    return {
        "e164": phonenumbers.format_number(number, PhoneNumberFormat.E164) if possible else None,
        "possible": possible,
        "region": phonenumbers.region_code_for_number(number) if possible else None,
    }


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        item = json.loads(line)
        sys.stdout.write(json.dumps(judge(item["raw"], item.get("region")), ensure_ascii=False) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
