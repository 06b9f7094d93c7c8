#!/usr/bin/env python3
"""Phone-number oracle: Google's libphonenumber (PyPI `phonenumbers`) judges each input.

Reads JSON lines {"raw": "...", "region": "JP"} on stdin and writes, for each, one JSON line
{"e164": "+81..." or null, "possible": true/false, "region": "JP" or null, "short_valid": true/false}:
`short_valid` is `shortnumberinfo.is_valid_short_number_for_region` for the given region (a service
number such as `95588` in CN or `110` in JP).
Used by Tests/CallGateFoundationTests/PhoneNormalizerTests.swift; nothing of CallGate's logic is here.
"""
import json
import sys

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, shortnumberinfo


def judge(raw, region):
    try:
        number = phonenumbers.parse(raw, region)
    except NumberParseException:
        return {"e164": None, "possible": False, "region": None, "short_valid": False}
    possible = phonenumbers.is_possible_number(number)
    return {
        "e164": phonenumbers.format_number(number, PhoneNumberFormat.E164) if possible else None,
        "possible": possible,
        "region": phonenumbers.region_code_for_number(number) if possible else None,
        "short_valid": bool(region) and shortnumberinfo.is_valid_short_number_for_region(number, region),
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
