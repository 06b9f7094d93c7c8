#!/usr/bin/env python3
"""Standard Webhooks oracle: the reference Python package (PyPI `standardwebhooks`) signs and verifies.

Reads one JSON object on stdin:
  {"sign":   [{"secret": "whsec_...", "id": "msg_...", "timestamp": 1614265330, "body": "..."}],
   "verify": [{"secret": "whsec_...", "id": "msg_...", "timestamp": 1614265330, "body": "...",
               "signature": "v1,... v1,..."}]}
and writes {"signatures": ["v1,...", ...], "verified": [true, false, ...]} in the same order.
Verification uses the package's own clock and 5-minute tolerance, so timestamps must be recent.
Used by Tests/CallGatePipelineTests/SourceAuthInteropTests.swift; nothing of CallGate's logic is here.
"""
import json
import sys
from datetime import datetime, timezone

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


def sign(case):
    when = datetime.fromtimestamp(case["timestamp"], tz=timezone.utc)
    return Webhook(case["secret"]).sign(case["id"], when, case["body"])


def verify(case):
    headers = {
        "webhook-id": case["id"],
        "webhook-timestamp": str(case["timestamp"]),
        "webhook-signature": case["signature"],
    }
    try:
        Webhook(case["secret"]).verify(case["body"].encode("utf-8"), headers, json_parse=False)
        return True
    except WebhookVerificationError:
        return False


def main():
    request = json.load(sys.stdin)
    json.dump(
        {
            "signatures": [sign(case) for case in request.get("sign", [])],
            "verified": [verify(case) for case in request.get("verify", [])],
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
