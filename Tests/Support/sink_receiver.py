"""A webhook receiver for CallGate's delivery tests, checking every delivery with the ecosystem's
own libraries: Standard Webhooks signatures with the `standardwebhooks` package, CloudEvents
deliveries with the `cloudevents` SDK (2.x, `cloudevents.core.bindings.http`).

Usage: python3 sink_receiver.py PLAN_JSON
Prints `PORT <n>` once listening on 127.0.0.1. The plan (all keys optional):
  port            listen on this port (default: any free one)
  responses       [{"status": 503, "headers": {"Retry-After": "2"}}, ...] answered to the first
                  deliveries in order; afterwards `default_status` (200)
  secrets         Standard Webhooks secrets ("whsec_..."): each delivery is verified against them
  delay_seconds   wait this long before answering each delivery (a slow sink)
  stall_hooks     the first N deliveries get a 200 head and part of a body, then nothing for
                  `stall_seconds` (60): a sink that stalls its body
  stall_tokens    the same for the first N POST /token
  oauth           {"client_id": ..., "client_secret": ...}: POST /token issues client-credentials
                  tokens and POST /hook then requires a current one (401 otherwise)
Endpoints: POST /hook (deliveries), POST /token, POST /_revoke (invalidates the current token),
GET /_received (what arrived, as JSON).
"""

import base64
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PLAN = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
LOCK = threading.Lock()
RECEIVED = []
RESPONSES = list(PLAN.get("responses", []))
STATE = {"token": None, "issued": 0, "stalled_hooks": 0, "stalled_tokens": 0}


def take_stall(kind):
    """Whether this request is one of the first `stall_<kind>` ones."""
    with LOCK:
        if STATE[f"stalled_{kind}"] < PLAN.get(f"stall_{kind}", 0):
            STATE[f"stalled_{kind}"] += 1
            return True
    return False


def verify_standard_webhooks(headers, body):
    secrets = PLAN.get("secrets")
    if not secrets:
        return None
    from standardwebhooks.webhooks import Webhook

    verified = []
    for secret in secrets:
        try:
            Webhook(secret).verify(body, headers)
            verified.append(True)
        except Exception as error:  # the library raises its own verification errors
            verified.append(str(error))
    return verified


def parse_cloudevent(headers, body):
    if not headers.get("content-type", "").startswith("application/cloudevents+json"):
        return None
    from cloudevents.core.bindings import http as ce_http
    from cloudevents.core.formats.json import JSONFormat

    event = ce_http.from_http(ce_http.HTTPMessage(headers=headers, body=body), JSONFormat())
    attributes = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in event.get_attributes().items()}
    return {"attributes": attributes, "data": event.get_data()}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def stall(self):
        """A 200 head and the start of a body, then silence."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b'{"access_token":')
        self.wfile.flush()
        time.sleep(PLAN.get("stall_seconds", 60))
        self.close_connection = True

    def do_GET(self):
        if self.path == "/_received":
            with LOCK:
                body = json.dumps(
                    {"received": RECEIVED, "tokens_issued": STATE["issued"], "tokens_stalled": STATE["stalled_tokens"]}
                ).encode()
            self.answer(200, body, {"Content-Type": "application/json"})
        else:
            self.answer(404)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        oauth = PLAN.get("oauth")
        if self.path == "/token" and take_stall("tokens"):
            self.stall()
            return
        if self.path == "/token":
            expected = "Basic " + base64.b64encode(f"{oauth['client_id']}:{oauth['client_secret']}".encode()).decode()
            if headers.get("authorization") != expected or b"grant_type=client_credentials" not in body:
                self.answer(401, b'{"error":"invalid_client"}', {"Content-Type": "application/json"})
                return
            with LOCK:
                STATE["issued"] += 1
                STATE["token"] = f"token-{STATE['issued']}"
                answer = json.dumps({"access_token": STATE["token"], "token_type": "Bearer", "expires_in": 3600})
            self.answer(200, answer.encode(), {"Content-Type": "application/json"})
            return
        if self.path == "/_revoke":
            with LOCK:
                STATE["token"] = None
            self.answer(204)
            return
        if self.path != "/hook":
            self.answer(404)
            return
        record = {"time": time.time(), "headers": headers, "body": body.decode("utf-8", "replace")}
        if take_stall("hooks"):
            record["status"] = "stalled"
            with LOCK:
                RECEIVED.append(record)
            self.stall()
            return
        try:
            record["standard_webhooks"] = verify_standard_webhooks(headers, body)
        except Exception as error:
            record["standard_webhooks"] = [f"error: {error}"]
        try:
            record["cloudevent"] = parse_cloudevent(headers, body)
        except Exception as error:
            record["cloudevent"] = {"error": str(error)}
        with LOCK:
            if oauth is not None and headers.get("authorization") != f"Bearer {STATE['token']}":
                record["status"] = 401
            elif RESPONSES:
                planned = RESPONSES.pop(0)
                record["status"] = planned["status"]
                record["answer_headers"] = planned.get("headers", {})
            else:
                record["status"] = PLAN.get("default_status", 200)
            RECEIVED.append(record)
        if PLAN.get("delay_seconds"):
            time.sleep(PLAN["delay_seconds"])
        self.answer(record["status"], b"", record.get("answer_headers"))


def main():
    server = ThreadingHTTPServer(("127.0.0.1", PLAN.get("port", 0)), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
