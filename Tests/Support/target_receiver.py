"""A loopback stand-in for the outbound destinations CallGate delivers to (MiiTel Incoming Webhook,
HubSpot calls, Salesforce Task, Zendesk Talk Partner Edition calls, Pipedrive call logs, Slack
incoming webhooks) plus a recording server. Every request is checked against the destination's
published schema (JSON Schemas in ../Fixtures/targets/, see the README there) and a few documented
rules the schemas cannot say; a request with violations is refused 400 with {"errors": [...]},
as the real API would refuse it. For Swift tests and for users trying the product.

Usage: python3 target_receiver.py [PLAN_JSON]
Prints `PORT <n>` once listening on 127.0.0.1. The plan (all keys optional):
  port              listen on this port (default: any free one)
  delay_seconds     {"/crm/": 0.5, ...}: sleep this long before answering requests whose path
                    starts with the prefix (a number: every request but /_received)
  responses         {"/miitel/upload/": [503, 503], ...}: statuses answered to the first requests
                    whose path starts with the prefix, in order (longest matching prefix first);
                    they win over everything else and change no state
  upload_status     status answered to every MiiTel PUT upload (e.g. 403), after `responses`
  upload_ttl_seconds  a MiiTel upload URL answers 403 this long after its create (10800: 3 h)
  recording_auth    {"username": ..., "password": ...}: GET /recordings/* then requires that HTTP
                    Basic auth (401 otherwise)
  recording_bytes   size of the generated recording (default 200000)
  recording_chunked serve recordings with Transfer-Encoding: chunked instead of Content-Length
  bearer_token      the only Bearer token HubSpot/Salesforce/Zendesk/Pipedrive accept (default:
                    any non-empty one)
  hubspot_custom_properties  extra HubSpot call property names to accept
Endpoints (method path -> answer):
  POST  /miitel/webhook                      200 {"upload_url": "http://127.0.0.1:<port>/miitel/upload/<n>"}
  PUT   /miitel/upload/<n>                   200 (empty); unknown or expired n 403
  POST  /crm/v3/objects/calls                201 {"id", "properties", "createdAt", "updatedAt", "archived"}
  PATCH /crm/v3/objects/calls/<id>           200 same shape; unknown id 404
  POST  /services/data/vNN.N/sobjects/Task   201 {"id": "00T...", "success": true, "errors": []}
  PATCH /services/data/vNN.N/sobjects/Task/<id>  204; unknown id 404 [{"errorCode": "NOT_FOUND", ...}]
  POST  /api/v2/calls                        201 {"call": {...}} (Zendesk; ".json" suffix accepted)
  PUT|PATCH /api/v2/calls/<id>               200 {"call": {...}}; unknown id 404
  POST  /v1/callLogs, /api/v1/callLogs       200 {"success": true, "data": {"id": "<hex>", ...}}
  POST  /v1/callLogs/<id>/recordings (and /api/v1/...)  200 {"success": true}; multipart "file"
  POST  /slack/webhook                       200 "ok" (text/plain)
  GET   /recordings/<name>                   the deterministic recording bytes, streamed
  GET   /_received[?path=<prefix>]           {"received", "uploads", "recording_sha256",
                                              "duplicates", "objects"}
Each request is recorded as {method, path, query, headers (lowercased), body (JSON, form dict or
text; {"bytes": n} for uploads), status, errors, warnings}. Warnings never change the answer.
"""

import base64
import hashlib
import json
import os
import re
import sys
import threading
import time
import urllib.parse
import uuid
from datetime import date, datetime, timezone
from email.parser import BytesParser
from email.policy import HTTP as HTTP_POLICY
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jsonschema
from referencing import Registry, Resource

PLAN = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
LOCK = threading.Lock()
RECEIVED = []
UPLOADS = []
RESPONSES = {prefix: list(statuses) for prefix, statuses in PLAN.get("responses", {}).items()}
STATE = {
    "counter": 0,
    "miitel_slots": {},  # n -> {"call_data_id", "audio_file_type", "created"}
    "miitel_ids": set(),  # call_data_id values created successfully
    "duplicates": {},  # call_data_id -> number of duplicate creates
    "hubspot": {},
    "salesforce": {},
    "zendesk": {},
    "pipedrive": {},
}
SERVER_PORT = [0]

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures", "targets")


def load_schemas():
    """{file stem: (document, registry)} for every schema file."""
    loaded = {}
    registry = Registry()
    for name in sorted(os.listdir(SCHEMA_DIR)):
        if name.endswith(".schema.json"):
            with open(os.path.join(SCHEMA_DIR, name), encoding="utf-8") as handle:
                document = json.load(handle)
            loaded[name[: -len(".schema.json")]] = document
            registry = registry.with_resource(document["$id"], Resource.from_contents(document))
    return loaded, registry


SCHEMAS, REGISTRY = load_schemas()


def validator(stem, pointer=""):
    """A validator for the schema file `stem`, or for its sub-schema at `pointer` ("/$defs/x")."""
    schema = {"$ref": SCHEMAS[stem]["$id"] + "#" + pointer}
    return jsonschema.Draft202012Validator(schema, registry=REGISTRY)


VALIDATORS = {
    "miitel": validator("miitel_incoming"),
    "hubspot_create": validator("hubspot_calls", "/$defs/SimplePublicObjectInputForCreate"),
    "hubspot_update": validator("hubspot_calls", "/$defs/SimplePublicObjectInput"),
    "hubspot_props_create": validator("hubspot_calls", "/$defs/CallPropertiesForCreate"),
    "hubspot_props": validator("hubspot_calls", "/$defs/CallProperties"),
    "salesforce_create": validator("salesforce_task", "/$defs/create"),
    "salesforce_update": validator("salesforce_task", "/$defs/update"),
    "zendesk_create": validator("zendesk_talk_call", "/$defs/create"),
    "zendesk_update": validator("zendesk_talk_call", "/$defs/update"),
    "pipedrive": validator("pipedrive_call_log"),
    "slack": validator("slack_message"),
}
HUBSPOT_PROPERTIES = set(SCHEMAS["hubspot_calls"]["$defs"]["CallProperties"]["properties"])
HUBSPOT_READ_ONLY = {"hs_object_id", "hs_createdate", "hs_lastmodifieddate", "hs_updated_by_user_id"}
ZENDESK_FIELDS = set(SCHEMAS["zendesk_talk_call"]["$defs"]["call_fields"]["properties"])
ZENDESK_COMPLETION = {
    "completed",
    "abandoned_in_queue",
    "abandoned_in_ivr",
    "abandoned_in_voicemail",
    "abandoned_on_hold",
}
PIPEDRIVE_FIELDS = set(SCHEMAS["pipedrive_call_log"]["properties"])
SLACK_FIELDS = set(SCHEMAS["slack_message"]["properties"])


def schema_errors(name, instance):
    """Schema violations as "schema: <where>: <what>" strings, in document order."""
    found = sorted(VALIDATORS[name].iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"schema: {'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}" for e in found]


# Recording bytes: a deterministic pattern, the same on every run.
RECORDING_SIZE = int(PLAN.get("recording_bytes", 200000))
RECORDING = bytes((i * 7 + (i >> 8)) % 251 for i in range(RECORDING_SIZE))
RECORDING_SHA256 = hashlib.sha256(RECORDING).hexdigest()
AUDIO_TYPES = {".mp3": "audio/mpeg", ".wav": "audio/wav", ".m4a": "audio/mp4"}


def now_iso():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def next_counter():
    with LOCK:
        STATE["counter"] += 1
        return STATE["counter"]


def parse_time(value):
    """An ISO 8601 date-time (also 'Z' and hour-only offsets like '+01'), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text[-1] in "Zz":
        text = text[:-1] + "+00:00"
    hour_offset = re.fullmatch(r"(.*[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([+-]\d{2})", text)
    if hour_offset:
        text = hour_offset.group(1) + hour_offset.group(2) + ":00"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def check_order(earlier, later, names, errors, warnings):
    """An error when the time `later` is before `earlier`; a warning when they cannot be compared."""
    if earlier is None or later is None:
        return
    try:
        if later < earlier:
            errors.append(f"rule: {names[1]} is before {names[0]}")
    except TypeError:
        warnings.append(f"{names[0]} and {names[1]} mix times with and without a UTC offset")


def salesforce_id(n):
    """An 18-character Task ID: 15 case-sensitive characters and the case-safe checksum suffix."""
    short = f"00T5g00000{n:05d}"
    suffix = ""
    for chunk in range(3):
        bits = sum(1 << i for i, ch in enumerate(short[chunk * 5 : chunk * 5 + 5]) if "A" <= ch <= "Z")
        suffix += "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"[bits]
    return short + suffix


class Stream:
    """A body written in chunks after the head: Content-Length, or chunked transfer encoding."""

    def __init__(self, data, chunked, chunk_size=16384):
        self.data, self.chunked, self.chunk_size = data, chunked, chunk_size


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    # --- plumbing -------------------------------------------------------------------------------

    def read_body(self):
        """(body bytes, chunked?) by Content-Length or chunked transfer encoding."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    raise ValueError("connection closed inside a chunked body")
                size = int(line.split(b";", 1)[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass  # trailer fields
                    return b"".join(parts), True
                data = self.rfile.read(size)
                if len(data) != size:
                    raise ValueError("connection closed inside a chunk")
                parts.append(data)
                if self.rfile.readline(65537) not in (b"\r\n", b"\n"):
                    raise ValueError("chunk not followed by CRLF")
        length = int(self.headers.get("Content-Length") or 0)
        return (self.rfile.read(length) if length else b""), False

    def answer(self, status, payload=b"", headers=None, head_only=False):
        headers = dict(headers or {})
        if isinstance(payload, Stream):
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if payload.chunked:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(len(payload.data)))
            self.end_headers()
            if head_only:
                return
            for start in range(0, len(payload.data), payload.chunk_size):
                piece = payload.data[start : start + payload.chunk_size]
                if payload.chunked:
                    self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                else:
                    self.wfile.write(piece)
                self.wfile.flush()
            if payload.chunked:
                self.wfile.write(b"0\r\n\r\n")
            return
        if isinstance(payload, (dict, list)):
            payload = json.dumps(payload, ensure_ascii=False).encode()
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        elif isinstance(payload, str):
            payload = payload.encode()
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 204 and status >= 200:
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if status != 204 and not head_only:
            self.wfile.write(payload)

    def do_GET(self):
        self.handle_request("GET")

    def do_HEAD(self):
        self.handle_request("HEAD")

    def do_POST(self):
        self.handle_request("POST")

    def do_PUT(self):
        self.handle_request("PUT")

    def do_PATCH(self):
        self.handle_request("PATCH")

    def do_DELETE(self):
        self.handle_request("DELETE")

    def handle_request(self, method):
        try:
            raw, chunked = self.read_body()
        except ValueError as error:
            self.close_connection = True
            self.answer(400, {"errors": [f"unreadable body: {error}"]})
            return
        split = urllib.parse.urlsplit(self.path)
        path = split.path
        query = {k: v[0] if len(v) == 1 else v for k, v in urllib.parse.parse_qs(split.query).items()}
        if path == "/_received" and method == "GET":
            self.answer(200, received_report(query.get("path")))
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        record = {
            "time": time.time(),
            "method": method,
            "path": path,
            "query": query,
            "headers": headers,
            "body": None,
            "chunked": chunked,
            "status": None,
            "errors": [],
            "warnings": [],
        }
        route, match = find_route(method, path)
        outcome = {}
        if route is None:
            record["body"] = describe_body(headers, raw, record)[0]
            record["errors"].append(f"no endpoint {method} {path}")
            outcome["reject"] = (404, {"errors": record["errors"]}, {})
        else:
            try:
                outcome = route(record, headers, raw, match, query) or {}
            except Exception as error:  # a receiver bug must show up, not hang the client
                record["errors"].append(f"receiver error: {type(error).__name__}: {error}")
                outcome = {"reject": (500, {"errors": record["errors"]}, {})}
        planned = take_planned(path)
        if planned is not None:
            status, payload, extra = planned, {"message": f"planned status {planned}"}, {}
        elif outcome.get("reject"):
            status, payload, extra = outcome["reject"]
        elif record["errors"]:
            status, payload, extra = 400, {"errors": record["errors"]}, {}
        else:
            status, payload, extra = outcome["commit"]()
        record["status"] = status
        upload = record.pop("upload", None)
        with LOCK:
            RECEIVED.append(record)
            if upload is not None:
                upload["status"] = status
                UPLOADS.append(upload)
        delay = planned_delay(path)
        if delay:
            time.sleep(delay)
        self.answer(status, payload, extra, head_only=(method == "HEAD"))


# --- plan helpers ---------------------------------------------------------------------------------


def take_planned(path):
    """The next planned status for the longest prefix of `path` that has one left, or None."""
    with LOCK:
        prefixes = [p for p, left in RESPONSES.items() if left and path.startswith(p)]
        if not prefixes:
            return None
        planned = RESPONSES[max(prefixes, key=len)].pop(0)
    return planned["status"] if isinstance(planned, dict) else int(planned)


def planned_delay(path):
    delay = PLAN.get("delay_seconds")
    if isinstance(delay, (int, float)):
        return delay
    if isinstance(delay, dict):
        prefixes = [p for p in delay if path.startswith(p)]
        return delay[max(prefixes, key=len)] if prefixes else 0
    return 0


def received_report(prefix):
    with LOCK:
        received = [r for r in RECEIVED if not prefix or r["path"].startswith(prefix)]
        return json.loads(
            json.dumps(
                {
                    "received": received,
                    "uploads": UPLOADS,
                    "recording_sha256": RECORDING_SHA256,
                    "recording_bytes": RECORDING_SIZE,
                    "duplicates": STATE["duplicates"],
                    "objects": {k: STATE[k] for k in ("hubspot", "salesforce", "zendesk", "pipedrive")},
                },
                default=str,
            )
        )


# --- request helpers ------------------------------------------------------------------------------


def describe_body(headers, raw, record):
    """(body for the record, parsed JSON or None): JSON, form dict, or text."""
    content_type = headers.get("content-type", "").lower()
    text = raw.decode("utf-8", "replace")
    if "json" in content_type or (not content_type and raw[:1] in (b"{", b"[")):
        try:
            parsed = json.loads(raw.decode("utf-8"))
            return parsed, parsed
        except (ValueError, UnicodeDecodeError) as error:
            record["errors"].append(f"body is not valid JSON: {error}")
            return text, None
    if "x-www-form-urlencoded" in content_type:
        form = urllib.parse.parse_qs(text, keep_blank_values=True)
        return {k: v[0] if len(v) == 1 else v for k, v in form.items()}, None
    return text[:100000], None


def json_body(record, headers, raw):
    """The parsed JSON body, or None (with an error) when it is missing, not JSON or not an object."""
    body, parsed = describe_body(headers, raw, record)
    record["body"] = body
    if not headers.get("content-type", "").lower().startswith("application/json"):
        record["errors"].append(f"content-type must be application/json, not {headers.get('content-type')!r}")
    if parsed is None and not record["errors"]:
        record["errors"].append("body is not JSON")
    if parsed is not None and not isinstance(parsed, dict):
        record["errors"].append("body must be a JSON object")
        return None
    return parsed


def bearer_token(headers):
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def require_bearer(record, headers, unauthorized):
    """None when the request carries an acceptable Bearer token, else the 401 rejection."""
    token = bearer_token(headers)
    expected = PLAN.get("bearer_token")
    if token and (expected is None or token == expected):
        return None
    record["errors"].append("auth: missing or wrong 'Authorization: Bearer <token>'")
    return (401, unauthorized, {})


def unknown_keys(obj, known, where, warnings):
    if isinstance(obj, dict):
        for key in obj:
            if key not in known:
                warnings.append(f"{where}{key}: not a documented field")


# --- MiiTel -----------------------------------------------------------------------------------------

MIITEL_FROM_REQUIRED = {"OUTGOING_CALL", "OUTGOING_TRANSFER", "EXTENSION", "EXTENSION_TRANSFER"}
MIITEL_AUDIO = {
    "M4A": ({"audio/mp4", "audio/m4a", "audio/x-m4a", "audio/aac"}, lambda b: b[4:8] == b"ftyp"),
    "MP3": ({"audio/mpeg", "audio/mp3", "audio/mpeg3"}, lambda b: b[:3] == b"ID3" or b[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")),
    "WAV": ({"audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"}, lambda b: b[:4] == b"RIFF" and b[8:12] == b"WAVE"),
}


def miitel_rules(index, item, errors, warnings):
    """The seed's rules that JSON Schema cannot say, for one call_data item."""
    where = f"call_data/{index}"
    if not isinstance(item, dict):
        return
    times = {}
    for name in ("call_starts_at", "call_answered_at", "call_ends_at"):
        value = item.get(name)
        if value is None:
            continue
        times[name] = parse_time(value)
        if times[name] is None:
            errors.append(f"rule: {where}/{name}: not an ISO 8601 date-time: {value!r}")
        elif times[name].tzinfo is None:
            warnings.append(f"{where}/{name}: no UTC offset")
    check_order(times.get("call_starts_at"), times.get("call_answered_at"), ("call_starts_at", "call_answered_at"), errors, warnings)
    check_order(times.get("call_answered_at") or times.get("call_starts_at"), times.get("call_ends_at"), ("call_answered_at" if times.get("call_answered_at") else "call_starts_at", "call_ends_at"), errors, warnings)
    participants = [p for p in item.get("participants") or [] if isinstance(p, dict)]
    stereo = item.get("audio_channel_type", "STEREO") == "STEREO"
    for i, participant in enumerate(participants):
        if stereo and "stereo_lr" not in participant:
            errors.append(f"rule: {where}/participants/{i}: stereo_lr is required for STEREO audio")
    sides = [p.get("stereo_lr") for p in participants if p.get("stereo_lr")]
    if stereo and len(sides) != len(set(sides)):
        warnings.append(f"{where}: two participants on the same stereo side")
    for kind in ("FROM", "TO"):
        if not any(p.get("type") == kind for p in participants):
            warnings.append(f"{where}: no {kind} participant")
    event = item.get("event_type")
    answered = item.get("call_answered_at") is not None
    group = item.get("groupname")
    need_from = event in MIITEL_FROM_REQUIRED
    if event == "INCOMING_CALL":
        need_to, why = answered, "INCOMING_CALL with call_answered_at"
    elif event in ("EXTENSION", "EXTENSION_TRANSFER"):
        need_to = answered if group else True
        why = f"{event} with groupname and call_answered_at" if group else f"{event} without groupname"
    else:
        need_to, why = False, ""
    for i, participant in enumerate(participants):
        has_id = bool(participant.get("miitel_user_id"))
        if participant.get("type") == "FROM" and need_from and not has_id:
            errors.append(f"rule: {where}/participants/{i}: miitel_user_id is required for a FROM participant of {event}")
        if participant.get("type") == "TO" and need_to and not has_id:
            errors.append(f"rule: {where}/participants/{i}: miitel_user_id is required for a TO participant of {why}")


def miitel_create(record, headers, raw, match, query):
    body = json_body(record, headers, raw)
    errors, warnings = record["errors"], record["warnings"]
    if body is None:
        return {}
    errors.extend(schema_errors("miitel", body))
    items = body.get("call_data") if isinstance(body.get("call_data"), list) else []
    for index, item in enumerate(items):
        miitel_rules(index, item, errors, warnings)
    seen = set()
    with LOCK:
        for item in items:
            call_data_id = item.get("call_data_id") if isinstance(item, dict) else None
            if not isinstance(call_data_id, str):
                continue
            if call_data_id in STATE["miitel_ids"] or call_data_id in seen:
                errors.append(f"duplicate call_data_id: {call_data_id}")
                STATE["duplicates"][call_data_id] = STATE["duplicates"].get(call_data_id, 0) + 1
            seen.add(call_data_id)

    def commit():
        urls = []
        with LOCK:
            for item in items:
                STATE["counter"] += 1
                n = STATE["counter"]
                STATE["miitel_slots"][n] = {
                    "call_data_id": item["call_data_id"],
                    "audio_file_type": item["audio_file_type"],
                    "created": time.time(),
                }
                STATE["miitel_ids"].add(item["call_data_id"])
                urls.append(f"http://127.0.0.1:{SERVER_PORT[0]}/miitel/upload/{n}")
        answer = {"upload_url": urls[0]}
        if len(urls) > 1:
            answer["upload_urls"] = urls
        return 200, answer, {}

    return {"commit": commit}


def miitel_upload(record, headers, raw, match, query):
    n = int(match.group(1))
    content_type = headers.get("content-type")
    record["body"] = {"bytes": len(raw)}
    with LOCK:
        slot = STATE["miitel_slots"].get(n)
    record["upload"] = {
        "target": "miitel",
        "n": n,
        "call_data_id": slot and slot["call_data_id"],
        "bytes": len(raw),
        "sha256": hashlib.sha256(raw).hexdigest(),
        "content_type": content_type,
        "chunked": record["chunked"],
    }
    if slot is None:
        record["errors"].append(f"no upload URL {n}")
        return {"reject": (403, b"", {})}
    if time.time() - slot["created"] > PLAN.get("upload_ttl_seconds", 10800):
        record["errors"].append(f"upload URL {n} expired")
        return {"reject": (403, b"", {})}
    if not raw:
        record["warnings"].append("empty upload")
    accepted, magic = MIITEL_AUDIO[slot["audio_file_type"]]
    base_type = (content_type or "").split(";")[0].strip().lower()
    if base_type and base_type != "application/octet-stream" and base_type not in accepted:
        record["warnings"].append(f"content-type {content_type} does not fit audio_file_type {slot['audio_file_type']}")
    if raw and not magic(raw):
        record["warnings"].append(f"the bytes do not look like {slot['audio_file_type']} (MiiTel fails the analysis then)")

    def commit():
        return PLAN.get("upload_status", 200), b"", {}

    return {"commit": commit}


# --- HubSpot ----------------------------------------------------------------------------------------

HUBSPOT_UNAUTHORIZED = {
    "status": "error",
    "message": "Authentication credentials not found.",
    "category": "INVALID_AUTHENTICATION",
}


def hubspot_property_checks(properties, create, record):
    errors, warnings = record["errors"], record["warnings"]
    if not isinstance(properties, dict):
        return
    errors.extend(schema_errors("hubspot_props_create" if create else "hubspot_props", properties))
    custom = set(PLAN.get("hubspot_custom_properties", []))
    for name, value in properties.items():
        if name in HUBSPOT_READ_ONLY:
            errors.append(f"rule: properties/{name}: read-only property")
        elif name not in HUBSPOT_PROPERTIES and name not in custom:
            errors.append(f"rule: properties/{name}: property doesn't exist")
        if not isinstance(value, str) or value == "":
            continue
        if name == "hs_timestamp" and not value.isdigit():
            parsed = parse_time(value)
            if parsed is None:
                errors.append(f"rule: properties/hs_timestamp: neither epoch milliseconds nor an ISO 8601 date-time: {value!r}")
            elif parsed.tzinfo is None:
                warnings.append("properties/hs_timestamp: no UTC offset")
        if name == "hs_call_recording_url":
            if not value.lower().startswith("https://"):
                errors.append("rule: properties/hs_call_recording_url: only HTTPS URLs are accepted")
            if not urllib.parse.urlsplit(value).path.lower().endswith((".mp3", ".wav")):
                warnings.append("properties/hs_call_recording_url: only .mp3 or .wav URLs play back on records")
        if name == "hs_call_source" and value != "INTEGRATIONS_PLATFORM":
            warnings.append("properties/hs_call_source: documented value is INTEGRATIONS_PLATFORM")


def hubspot_object(object_id, properties, created, updated):
    return {"id": object_id, "properties": properties, "createdAt": created, "updatedAt": updated, "archived": False}


def hubspot_create(record, headers, raw, match, query):
    reject = require_bearer(record, headers, HUBSPOT_UNAUTHORIZED)
    body = json_body(record, headers, raw)
    if body is not None:
        record["errors"].extend(schema_errors("hubspot_create", body))
        unknown_keys(body, {"properties", "associations", "objectWriteTraceId"}, "", record["warnings"])
        hubspot_property_checks(body.get("properties"), True, record)

    def commit():
        object_id = str(50000000000 + next_counter())
        stamp = now_iso()
        properties = dict(body["properties"])
        properties.update({"hs_object_id": object_id, "hs_createdate": stamp, "hs_lastmodifieddate": stamp})
        answer = hubspot_object(object_id, properties, stamp, stamp)
        with LOCK:
            STATE["hubspot"][object_id] = dict(answer, associations=body.get("associations", []))
        return 201, answer, {}

    return {"reject": reject, "commit": commit}


def hubspot_update(record, headers, raw, match, query):
    object_id = match.group(1)
    reject = require_bearer(record, headers, HUBSPOT_UNAUTHORIZED)
    body = json_body(record, headers, raw)
    if body is not None:
        record["errors"].extend(schema_errors("hubspot_update", body))
        unknown_keys(body, {"properties", "objectWriteTraceId"}, "", record["warnings"])
        hubspot_property_checks(body.get("properties"), False, record)
    with LOCK:
        known = object_id in STATE["hubspot"]
    if reject is None and not known:
        record["errors"].append(f"no call {object_id}")
        reject = (404, {"status": "error", "message": "resource not found", "category": "OBJECT_NOT_FOUND", "correlationId": str(uuid.uuid4())}, {})

    def commit():
        stamp = now_iso()
        with LOCK:
            stored = STATE["hubspot"][object_id]
            stored["properties"].update(body["properties"])
            stored["properties"]["hs_lastmodifieddate"] = stamp
            stored["updatedAt"] = stamp
            answer = hubspot_object(object_id, dict(stored["properties"]), stored["createdAt"], stamp)
        return 200, answer, {}

    return {"reject": reject, "commit": commit}


# --- Salesforce -------------------------------------------------------------------------------------

SALESFORCE_UNAUTHORIZED = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
SALESFORCE_STATUS = {"Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"}
SALESFORCE_PRIORITY = {"High", "Normal", "Low"}


def salesforce_rules(body, record):
    errors, warnings = record["errors"], record["warnings"]
    value = body.get("ActivityDate")
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            date.fromisoformat(value)
        except ValueError:
            errors.append(f"rule: ActivityDate: not a date: {value!r}")
    value = body.get("ReminderDateTime")
    if isinstance(value, str) and parse_time(value) is None:
        errors.append(f"rule: ReminderDateTime: not an ISO 8601 date-time: {value!r}")
    if isinstance(body.get("Status"), str) and body["Status"] not in SALESFORCE_STATUS:
        warnings.append(f"Status {body['Status']!r} is not a default picklist value (orgs can add their own)")
    if isinstance(body.get("Priority"), str) and body["Priority"] not in SALESFORCE_PRIORITY:
        warnings.append(f"Priority {body['Priority']!r} is not a default picklist value (orgs can add their own)")
    for field, prefixes in (("WhoId", ("003", "00Q")), ("OwnerId", ("005", "00G"))):
        if isinstance(body.get(field), str) and not body[field].startswith(prefixes):
            warnings.append(f"{field} {body[field]!r} does not start with {' or '.join(prefixes)}")


def salesforce_create(record, headers, raw, match, query):
    reject = require_bearer(record, headers, SALESFORCE_UNAUTHORIZED)
    body = json_body(record, headers, raw)
    if body is not None:
        if body.get("TaskSubtype") != "Call":
            record["errors"].append(f"rule: TaskSubtype must be 'Call' for a call log, not {body.get('TaskSubtype')!r}")
        record["errors"].extend(e for e in schema_errors("salesforce_create", body) if "TaskSubtype" not in e)
        salesforce_rules(body, record)

    def commit():
        task_id = salesforce_id(next_counter())
        with LOCK:
            STATE["salesforce"][task_id] = dict(body, Id=task_id, api_version=match.group(1))
        return 201, {"id": task_id, "success": True, "errors": []}, {}

    return {"reject": reject, "commit": commit}


def salesforce_update(record, headers, raw, match, query):
    task_id = match.group(2)
    reject = require_bearer(record, headers, SALESFORCE_UNAUTHORIZED)
    body = json_body(record, headers, raw)
    if body is not None:
        if "TaskSubtype" in body:
            record["errors"].append("rule: TaskSubtype can only be set on create")
        rest = {k: v for k, v in body.items() if k != "TaskSubtype"}
        record["errors"].extend(schema_errors("salesforce_update", rest))
        salesforce_rules(body, record)
    with LOCK:
        key = next((k for k in STATE["salesforce"] if task_id in (k, k[:15])), None)
    if reject is None and key is None:
        record["errors"].append(f"no Task {task_id}")
        reject = (404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}], {})

    def commit():
        with LOCK:
            STATE["salesforce"][key].update(body)
        return 204, b"", {}

    return {"reject": reject, "commit": commit}


# --- Zendesk ----------------------------------------------------------------------------------------

ZENDESK_UNAUTHORIZED = {"error": "Couldn't authenticate you"}


def zendesk_auth(record, headers):
    """Zendesk takes Basic ({email}/token:{api_token} or {email}:{password}) or an OAuth Bearer token."""
    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            user, _, secret = base64.b64decode(credentials.strip()).decode().partition(":")
            if user and secret:
                return None
        except (ValueError, UnicodeDecodeError):
            pass
    elif scheme.lower() == "bearer" and bearer_token(headers):
        return require_bearer(record, headers, ZENDESK_UNAUTHORIZED)
    record["errors"].append("auth: missing Basic ({email}/token:{api_token}) or Bearer authorization")
    return (401, ZENDESK_UNAUTHORIZED, {})


def zendesk_rules(call, record):
    if not isinstance(call, dict):
        return
    errors, warnings = record["errors"], record["warnings"]
    times = {}
    for name in ("call_started_at", "call_ended_at"):
        if isinstance(call.get(name), str):
            times[name] = parse_time(call[name])
            if times[name] is None:
                errors.append(f"rule: call/{name}: not an ISO 8601 date-time: {call[name]!r}")
    check_order(times.get("call_started_at"), times.get("call_ended_at"), ("call_started_at", "call_ended_at"), errors, warnings)
    status = call.get("completion_status")
    if isinstance(status, str) and status and status not in ZENDESK_COMPLETION:
        warnings.append(f"call/completion_status {status!r} is not one of the values this receiver knows")
    unknown_keys(call, ZENDESK_FIELDS - {"id", "created_at", "updated_at"}, "call/", warnings)


def zendesk_create(record, headers, raw, match, query):
    reject = zendesk_auth(record, headers)
    body = json_body(record, headers, raw)
    if body is not None:
        record["errors"].extend(schema_errors("zendesk_create", body))
        unknown_keys(body, {"call", "comment"}, "", record["warnings"])
        zendesk_rules(body.get("call"), record)

    def commit():
        call_id = 360000000000 + next_counter()
        stamp = now_iso()
        call = dict(body["call"], id=call_id, created_at=stamp, updated_at=stamp)
        with LOCK:
            STATE["zendesk"][str(call_id)] = call
        return 201, {"call": call}, {}

    return {"reject": reject, "commit": commit}


def zendesk_update(record, headers, raw, match, query):
    call_id = match.group(1)
    reject = zendesk_auth(record, headers)
    body = json_body(record, headers, raw)
    if body is not None:
        record["errors"].extend(schema_errors("zendesk_update", body))
        unknown_keys(body, {"call", "comment"}, "", record["warnings"])
        zendesk_rules(body.get("call"), record)
    with LOCK:
        known = call_id in STATE["zendesk"]
    if reject is None and not known:
        record["errors"].append(f"no call {call_id}")
        reject = (404, {"error": "RecordNotFound", "description": "Not found"}, {})

    def commit():
        with LOCK:
            call = STATE["zendesk"][call_id]
            call.update(body["call"])
            call["updated_at"] = now_iso()
            answer = {"call": dict(call)}
        return 200, answer, {}

    return {"reject": reject, "commit": commit}


# --- Pipedrive --------------------------------------------------------------------------------------

PIPEDRIVE_UNAUTHORIZED = {"success": False, "error": "unauthorized access", "errorCode": 401, "error_info": "Please check developers.pipedrive.com"}


def pipedrive_auth(record, headers, query):
    """Pipedrive takes an api_token query parameter, an x-api-token header or an OAuth Bearer token."""
    if query.get("api_token") or headers.get("x-api-token"):
        return None
    if bearer_token(headers):
        return require_bearer(record, headers, PIPEDRIVE_UNAUTHORIZED)
    record["errors"].append("auth: no api_token query parameter, x-api-token header or Bearer token")
    return (401, PIPEDRIVE_UNAUTHORIZED, {})


def pipedrive_create(record, headers, raw, match, query):
    reject = pipedrive_auth(record, headers, query)
    body = json_body(record, headers, raw)
    if body is not None:
        record["errors"].extend(schema_errors("pipedrive", body))
        unknown_keys(body, PIPEDRIVE_FIELDS, "", record["warnings"])
        if body.get("deal_id") is not None and body.get("lead_id") is not None:
            record["errors"].append("rule: a call log is associated with either a deal or a lead, not both")
        times = [parse_time(body.get(k)) if isinstance(body.get(k), str) else None for k in ("start_time", "end_time")]
        check_order(times[0], times[1], ("start_time", "end_time"), record["warnings"], record["warnings"])

    def commit():
        log_id = hashlib.md5(f"pipedrive-{next_counter()}".encode()).hexdigest()
        data = dict(body, id=log_id, has_recording=False, company_id=1)
        data.setdefault("user_id", 1)
        with LOCK:
            STATE["pipedrive"][log_id] = data
        return 200, {"success": True, "data": data}, {}

    return {"reject": reject, "commit": commit}


def pipedrive_recording(record, headers, raw, match, query):
    log_id = match.group(1)
    reject = pipedrive_auth(record, headers, query)
    content_type = headers.get("content-type", "")
    record["body"] = {"bytes": len(raw)}
    file_bytes, file_type = None, None
    if not content_type.lower().startswith("multipart/form-data"):
        record["errors"].append("content-type must be multipart/form-data")
    else:
        message = BytesParser(policy=HTTP_POLICY).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
        for part in message.iter_parts() if message.is_multipart() else []:
            if part.get_param("name", header="content-disposition") == "file":
                file_bytes, file_type = part.get_payload(decode=True), part.get_content_type()
        if file_bytes is None:
            record["errors"].append("no multipart part named 'file'")
    record["upload"] = {
        "target": "pipedrive",
        "call_log_id": log_id,
        "bytes": len(file_bytes or b""),
        "sha256": hashlib.sha256(file_bytes or b"").hexdigest(),
        "content_type": file_type,
        "chunked": record["chunked"],
    }
    with LOCK:
        known = log_id in STATE["pipedrive"]
    if reject is None and not known:
        record["errors"].append(f"no call log {log_id}")
        reject = (404, {"success": False, "error": "Call log not found", "errorCode": 404}, {})

    def commit():
        with LOCK:
            STATE["pipedrive"][log_id]["has_recording"] = True
        return 200, {"success": True}, {}

    return {"reject": reject, "commit": commit}


# --- Slack ------------------------------------------------------------------------------------------


def slack_webhook(record, headers, raw, match, query):
    content_type = headers.get("content-type", "").lower()
    if "x-www-form-urlencoded" in content_type:
        record["body"], _ = describe_body(headers, raw, record)
        try:
            body = json.loads(record["body"].get("payload", ""))
        except ValueError:
            record["errors"].append("form body without a JSON 'payload' field")
            body = None
    else:
        body = json_body(record, headers, raw)
    if isinstance(body, dict):
        record["errors"].extend(schema_errors("slack", body))
        unknown_keys(body, SLACK_FIELDS, "", record["warnings"])
        if body.get("blocks") and not body.get("text"):
            record["warnings"].append("blocks without a top-level text: notifications show no fallback text")

    def commit():
        return 200, "ok", {}

    return {"commit": commit}


# --- recordings -------------------------------------------------------------------------------------


def recording(record, headers, raw, match, query):
    name = match.group(1)
    record["body"] = None
    auth = PLAN.get("recording_auth")
    if auth:
        expected = "Basic " + base64.b64encode(f"{auth['username']}:{auth['password']}".encode()).decode()
        if headers.get("authorization") != expected:
            record["errors"].append("auth: missing or wrong Basic authorization")
            return {"reject": (401, b"", {"WWW-Authenticate": 'Basic realm="recordings"'})}
    content_type = AUDIO_TYPES.get(os.path.splitext(name)[1].lower(), "application/octet-stream")

    def commit():
        return 200, Stream(RECORDING, PLAN.get("recording_chunked", False)), {"Content-Type": content_type}

    return {"commit": commit}


# --- routing ----------------------------------------------------------------------------------------

ROUTES = [
    ("POST", r"/miitel/webhook", miitel_create),
    ("PUT", r"/miitel/upload/(\d+)", miitel_upload),
    ("POST", r"/crm/v3/objects/calls", hubspot_create),
    ("PATCH", r"/crm/v3/objects/calls/([^/]+)", hubspot_update),
    ("POST", r"/services/data/(v\d+\.\d+)/sobjects/Task/?", salesforce_create),
    ("PATCH", r"/services/data/(v\d+\.\d+)/sobjects/Task/([A-Za-z0-9]+)", salesforce_update),
    ("POST", r"/api/v2/calls(?:\.json)?", zendesk_create),
    ("PUT", r"/api/v2/calls/(\d+)(?:\.json)?", zendesk_update),
    ("PATCH", r"/api/v2/calls/(\d+)(?:\.json)?", zendesk_update),
    ("POST", r"(?:/api)?/v1/callLogs", pipedrive_create),
    ("POST", r"(?:/api)?/v1/callLogs/([^/]+)/recordings", pipedrive_recording),
    ("POST", r"/slack/webhook", slack_webhook),
    ("GET", r"/recordings/([^/]+)", recording),
    ("HEAD", r"/recordings/([^/]+)", recording),
]


def find_route(method, path):
    for route_method, pattern, handler in ROUTES:
        match = re.fullmatch(pattern, path)
        if match and route_method == method:
            return handler, match
    return None, None


def main():
    server = ThreadingHTTPServer(("127.0.0.1", PLAN.get("port", 0)), Handler)
    server.daemon_threads = True
    SERVER_PORT[0] = server.server_address[1]
    print(f"PORT {SERVER_PORT[0]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
