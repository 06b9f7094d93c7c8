"""Self-checks for target_receiver.py: starts it on 127.0.0.1, sends a valid and an invalid request to
every endpoint (plus auth, unknown ids, a chunked PUT, planned statuses and delays) and reads
/_received back.

Usage: python3 Tests/Support/target_receiver_selftest.py   (exit 0 when every check passes)
"""

import base64
import hashlib
import http.client
import json
import os
import re
import subprocess
import sys
import time

RECEIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "target_receiver.py")
FAILURES = []
CHECKS = [0]


def check(condition, what, detail=None):
    CHECKS[0] += 1
    if not condition:
        FAILURES.append(f"{what}: {detail!r}" if detail is not None else what)
        print(f"FAIL {what}" + (f"\n     {detail!r}" if detail is not None else ""))


def start(plan):
    process = subprocess.Popen(
        [sys.executable, RECEIVER, json.dumps(plan)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    line = process.stdout.readline()
    match = re.fullmatch(r"PORT (\d+)\n", line)
    if not match:
        process.kill()
        raise SystemExit(f"receiver did not start: {line!r} {process.stderr.read()}")
    return process, int(match.group(1))


class Client:
    def __init__(self, port):
        self.port = port

    def request(self, method, path, body=None, headers=None):
        """(status, body bytes, headers dict lowercased). A dict/list body is sent as JSON."""
        headers = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            return response.status, data, {k.lower(): v for k, v in response.getheaders()}
        finally:
            connection.close()

    def json(self, method, path, body=None, headers=None):
        status, data, response_headers = self.request(method, path, body, headers)
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = data.decode("utf-8", "replace")
        return status, parsed, response_headers

    def received(self, prefix=None):
        return self.json("GET", "/_received" + (f"?path={prefix}" if prefix else ""))[1]


def errors_of(parsed):
    return " | ".join(parsed.get("errors", [])) if isinstance(parsed, dict) else str(parsed)


BEARER = {"Authorization": "Bearer test-token"}


def miitel_call(call_data_id, **overrides):
    item = {
        "call_data_id": call_data_id,
        "audio_file_type": "MP3",
        "event_type": "OUTGOING_CALL",
        "groupname": None,
        "queue_name": None,
        "call_starts_at": "2026-01-01T10:00:00+09:00",
        "call_answered_at": "2026-01-01T10:00:05+09:00",
        "call_ends_at": "2026-01-01T10:03:00+09:00",
        "circuit_number": None,
        "audio_channel_type": "STEREO",
        "participants": [
            {"type": "FROM", "stereo_lr": "left", "miitel_user_id": "u-1", "number": "0312345678", "name": "Agent"},
            {"type": "TO", "stereo_lr": "right", "miitel_user_id": None, "number": "09012345678", "name": None},
        ],
        "tags": [{"value": "callgate"}],
    }
    item.update(overrides)
    return {"call_data": [item]}


def test_miitel(client):
    status, body, _ = client.json("POST", "/miitel/webhook", miitel_call("c-1"))
    check(status == 200, "miitel valid create answers 200", (status, body))
    upload_url = (body or {}).get("upload_url", "")
    check(re.fullmatch(rf"http://127\.0\.0\.1:{client.port}/miitel/upload/\d+", upload_url), "miitel upload_url shape", body)

    bad = miitel_call("c-2", audio_file_type="mp3", event_type="INCOMING_CALL")
    bad["call_data"][0]["participants"][0]["miitel_user_id"] = None
    status, body, _ = client.json("POST", "/miitel/webhook", bad)
    text = errors_of(body)
    check(status == 400, "miitel invalid create answers 400", (status, body))
    check("audio_file_type" in text, "miitel reports audio_file_type", text)
    check("TO participant of INCOMING_CALL" in text, "miitel reports the TO miitel_user_id of an answered incoming call", text)

    status, body, _ = client.json("POST", "/miitel/webhook", miitel_call("c-3", event_type="EXTENSION"))
    check(status == 400 and "without groupname" in errors_of(body), "miitel EXTENSION without groupname needs a TO user", body)
    grouped = miitel_call("c-4", event_type="EXTENSION", groupname="Sales", call_answered_at=None)
    status, body, _ = client.json("POST", "/miitel/webhook", grouped)
    check(status == 200, "miitel unanswered EXTENSION to a group needs no TO user", body)
    status, body, _ = client.json("POST", "/miitel/webhook", miitel_call("c-5", event_type="AUTOMATIC_RECORD", participants=[
        {"type": "FROM", "stereo_lr": "left", "number": "0312345678"},
        {"type": "TO", "stereo_lr": "right", "number": "0300000000"}]))
    check(status == 200, "miitel AUTOMATIC_RECORD needs no user ids", body)
    status, body, _ = client.json("POST", "/miitel/webhook", miitel_call("c-6", call_ends_at="2026-01-01T09:00:00+09:00"))
    check(status == 400 and "before" in errors_of(body), "miitel end before start is refused", body)
    status, body, _ = client.json("POST", "/miitel/webhook", miitel_call("c-1"))
    check(status == 400 and "duplicate call_data_id" in errors_of(body), "miitel duplicate call_data_id", body)
    status, body, _ = client.request("POST", "/miitel/webhook", b"{not json", {"Content-Type": "application/json"})
    check(status == 400, "miitel non-JSON body answers 400", (status, body))

    # A chunked PUT: the plan answers the first upload 503, the retry 200.
    path = upload_url.split(str(client.port), 1)[1]
    audio = bytes(range(256)) * 300 + b"tail"
    chunks = [audio[i : i + 7000] for i in range(0, len(audio), 7000)]
    status, _, _ = client.request("PUT", path, iter(chunks), {"Content-Type": "audio/mpeg"})
    check(status == 503, "miitel planned 503 on the first upload", status)
    status, _, _ = client.request("PUT", path, iter(chunks), {"Content-Type": "audio/mpeg"})
    check(status == 200, "miitel chunked upload answers 200", status)
    status, _, _ = client.request("PUT", "/miitel/upload/999999", b"abc", {"Content-Type": "audio/mpeg"})
    check(status == 403, "miitel unknown upload URL answers 403", status)

    report = client.received()
    uploads = [u for u in report["uploads"] if u.get("target") == "miitel" and u["status"] == 200]
    check(len(uploads) == 1, "one successful miitel upload recorded", report["uploads"])
    if uploads:
        check(uploads[0]["bytes"] == len(audio), "upload byte count", uploads[0])
        check(uploads[0]["sha256"] == hashlib.sha256(audio).hexdigest(), "upload sha256", uploads[0])
        check(uploads[0]["content_type"] == "audio/mpeg" and uploads[0]["chunked"], "upload content type and chunked", uploads[0])
        check(uploads[0]["call_data_id"] == "c-1", "upload tied to its call_data_id", uploads[0])
    check(report["duplicates"] == {"c-1": 1}, "duplicates counted", report["duplicates"])


def hubspot_valid():
    return {
        "properties": {
            "hs_timestamp": "2026-01-01T01:00:00.000Z",
            "hs_call_title": "Call from +81 3-1234-5678",
            "hs_call_body": "Summary",
            "hs_call_direction": "INBOUND",
            "hs_call_duration": "180000",
            "hs_call_from_number": "+81312345678",
            "hs_call_to_number": "+81398765432",
            "hs_call_status": "COMPLETED",
            "hs_call_recording_url": "https://example.com/r/call.mp3",
            "hs_call_disposition": "f240bbac-87c9-4f6e-bf70-924b57d47db7",
            "hubspot_owner_id": "123",
        },
        "associations": [
            {"to": {"id": "501"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 194}]}
        ],
    }


def test_hubspot(client):
    status, body, _ = client.json("POST", "/crm/v3/objects/calls", hubspot_valid())
    check(status == 401, "hubspot without bearer answers 401", (status, body))
    status, body, _ = client.json("POST", "/crm/v3/objects/calls", hubspot_valid(), BEARER)
    check(status == 201, "hubspot valid create answers 201", (status, body))
    call_id = (body or {}).get("id", "")
    check(call_id.isdigit(), "hubspot id is a numeric string", body)
    check(body and body.get("archived") is False and body.get("createdAt") and body.get("updatedAt"), "hubspot object shape", body)
    check(body and body["properties"].get("hs_call_status") == "COMPLETED", "hubspot echoes properties", body)

    bad = {"properties": {"hs_call_status": "DONE", "hs_call_duration": 1000, "hs_foo": "x",
                          "hs_call_recording_url": "http://example.com/r.mp3"}}
    status, body, _ = client.json("POST", "/crm/v3/objects/calls", bad, BEARER)
    text = errors_of(body)
    check(status == 400, "hubspot invalid create answers 400", (status, body))
    for needle in ("associations", "hs_timestamp", "DONE", "1000", "hs_foo", "HTTPS"):
        check(needle in text, f"hubspot reports {needle}", text)

    status, body, _ = client.json("PATCH", f"/crm/v3/objects/calls/{call_id}", {"properties": {"hs_call_body": "updated"}}, BEARER)
    check(status == 200 and body["properties"]["hs_call_body"] == "updated", "hubspot PATCH answers 200 with the object", (status, body))
    status, body, _ = client.json("PATCH", f"/crm/v3/objects/calls/{call_id}", {"properties": {"hs_call_direction": "SIDEWAYS"}}, BEARER)
    check(status == 400, "hubspot invalid PATCH answers 400", (status, body))
    status, body, _ = client.json("PATCH", "/crm/v3/objects/calls/1", {"properties": {"hs_call_body": "x"}}, BEARER)
    check(status == 404, "hubspot PATCH of an unknown id answers 404", (status, body))
    objects = client.received()["objects"]["hubspot"]
    check(objects.get(call_id, {}).get("properties", {}).get("hs_call_body") == "updated", "hubspot PATCH stored", objects)


def test_salesforce(client):
    base = "/services/data/v60.0/sobjects/Task"
    valid = {
        "Subject": "Inbound call",
        "TaskSubtype": "Call",
        "CallType": "Inbound",
        "CallDurationInSeconds": 180,
        "CallObject": "callgate-abc",
        "CallDisposition": "connected",
        "Description": "Summary",
        "Status": "Completed",
        "Priority": "Normal",
        "ActivityDate": "2026-01-01",
        "WhoId": "003000000000001AAA",
    }
    status, body, _ = client.json("POST", base, valid)
    check(status == 401 and body[0]["errorCode"] == "INVALID_SESSION_ID", "salesforce without bearer answers 401", (status, body))
    status, body, _ = client.json("POST", base, valid, BEARER)
    check(status == 201 and body["success"] is True and body["errors"] == [], "salesforce valid create answers 201", (status, body))
    task_id = (body or {}).get("id", "")
    check(re.fullmatch(r"00T[A-Za-z0-9]{15}", task_id), "salesforce id is 00T + 15 characters", task_id)

    bad = dict(valid, TaskSubtype="Task", CallDurationInSeconds="60", CallObject="x" * 256, ActivityDate="2026/01/01", Id="x")
    status, body, _ = client.json("POST", base, bad, BEARER)
    text = errors_of(body)
    check(status == 400, "salesforce invalid create answers 400", (status, body))
    for needle in ("TaskSubtype", "CallDurationInSeconds", "CallObject", "ActivityDate", "'Id'"):
        check(needle in text, f"salesforce reports {needle}", text)

    status, data, headers = client.request("PATCH", f"{base}/{task_id}", json.dumps({"CallDisposition": "done"}).encode(),
                                           dict(BEARER, **{"Content-Type": "application/json"}))
    check(status == 204 and data == b"", "salesforce PATCH answers 204 without a body", (status, data))
    status, body, _ = client.json("PATCH", f"{base}/{task_id}", {"TaskSubtype": "Call"}, BEARER)
    check(status == 400 and "only be set on create" in errors_of(body), "salesforce PATCH of TaskSubtype is refused", body)
    status, body, _ = client.json("PATCH", f"{base}/00T000000000000AAA", {"Subject": "x"}, BEARER)
    check(status == 404 and body[0]["errorCode"] == "NOT_FOUND", "salesforce PATCH of an unknown id answers 404", (status, body))


def test_zendesk(client):
    basic = {"Authorization": "Basic " + base64.b64encode(b"agent@example.com/token:abc").decode()}
    valid = {"call": {"app_id": 1352, "from_line": "+183808333456", "to_line": "+149488484873",
                      "call_started_at": "2022-01-27T15:31:40+01", "direction": "inbound", "ticket_id": 512}}
    status, body, _ = client.json("POST", "/api/v2/calls", valid)
    check(status == 401, "zendesk without auth answers 401", (status, body))
    status, body, _ = client.json("POST", "/api/v2/calls", valid, basic)
    check(status == 201 and isinstance(body["call"]["id"], int), "zendesk valid create answers 201 {call}", (status, body))
    call_id = body["call"]["id"] if status == 201 else 0
    status, body, _ = client.json("POST", "/api/v2/calls.json", valid["call"], basic)
    check(status == 400 and "'call' is a required property" in errors_of(body), "zendesk refuses a body without the call wrapper", body)
    bad = {"call": {"app_id": "1352", "from_line": "+1", "call_started_at": "yesterday", "direction": "in"}}
    status, body, _ = client.json("POST", "/api/v2/calls", bad, BEARER)
    text = errors_of(body)
    check(status == 400, "zendesk invalid create answers 400", (status, body))
    for needle in ("to_line", "app_id", "'in'", "yesterday"):
        check(needle in text, f"zendesk reports {needle}", text)
    status, body, _ = client.json("PUT", f"/api/v2/calls/{call_id}", {"call": {"call_ended_at": "2022-01-27T15:40:00+01:00",
                                                                               "completion_status": "completed"}}, basic)
    check(status == 200 and body["call"]["completion_status"] == "completed", "zendesk PUT update answers 200", (status, body))
    status, body, _ = client.json("PATCH", f"/api/v2/calls/{call_id}.json", {"call": {"agent_id": 7}}, basic)
    check(status == 200 and body["call"]["agent_id"] == 7, "zendesk PATCH update answers 200", (status, body))
    status, body, _ = client.json("PUT", "/api/v2/calls/1", {"call": {"agent_id": 7}}, basic)
    check(status == 404, "zendesk update of an unknown id answers 404", (status, body))


def multipart(field, filename, content_type, data, boundary="callgate-boundary"):
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
            f"Content-Type: {content_type}\r\n\r\n").encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_pipedrive(client):
    valid = {"outcome": "connected", "to_phone_number": "+81398765432", "from_phone_number": "+81312345678",
             "start_time": "2026-01-01 01:00:00", "end_time": "2026-01-01 01:03:00", "duration": "180",
             "subject": "Call", "person_id": 5, "note": "<p>Summary</p>"}
    status, body, _ = client.json("POST", "/api/v1/callLogs", valid)
    check(status == 401, "pipedrive without auth answers 401", (status, body))
    status, body, _ = client.json("POST", "/api/v1/callLogs?api_token=abc", valid)
    check(status == 200 and body["success"] is True and re.fullmatch(r"[0-9a-f]+", body["data"]["id"]),
          "pipedrive valid create answers 200 {success, data.id hex}", (status, body))
    log_id = body["data"]["id"] if status == 200 else "x"
    status, body, _ = client.json("POST", "/v1/callLogs", valid, BEARER)
    check(status == 200, "pipedrive accepts /v1/callLogs with a bearer token", (status, body))
    bad = dict(valid, outcome="answered", start_time="2026-01-01T01:00:00Z", duration=180, deal_id=1,
               lead_id="b3b1c2d3-4e5f-6789-abcd-ef0123456789")
    del bad["to_phone_number"]
    status, body, _ = client.json("POST", "/api/v1/callLogs?api_token=abc", bad)
    text = errors_of(body)
    check(status == 400, "pipedrive invalid create answers 400", (status, body))
    for needle in ("answered", "to_phone_number", "start_time", "duration", "deal or a lead"):
        check(needle in text, f"pipedrive reports {needle}", text)
    data, content_type = multipart("file", "call.mp3", "audio/mpeg", b"ID3" + bytes(5000))
    status, body, _ = client.json("POST", f"/api/v1/callLogs/{log_id}/recordings?api_token=abc", data, {"Content-Type": content_type})
    check(status == 200 and body == {"success": True}, "pipedrive recording upload answers 200", (status, body))
    status, body, _ = client.json("POST", "/api/v1/callLogs/nope/recordings?api_token=abc", data, {"Content-Type": content_type})
    check(status == 404, "pipedrive recording for an unknown call log answers 404", (status, body))
    uploads = [u for u in client.received()["uploads"] if u.get("target") == "pipedrive" and u["status"] == 200]
    check(uploads and uploads[0]["bytes"] == 5003 and uploads[0]["content_type"] == "audio/mpeg", "pipedrive upload recorded", uploads)
    check(client.received()["objects"]["pipedrive"][log_id]["has_recording"] is True, "pipedrive has_recording set")


def test_slack(client):
    valid = {
        "text": "Call from +81 3-1234-5678",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Incoming call", "emoji": True}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "*From* +81 3-1234-5678"},
             "fields": [{"type": "mrkdwn", "text": "*Duration*\n3:00"}]},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "via CallGate"}]},
            {"type": "divider"},
            {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Play"},
                                              "url": "https://example.com/r.mp3"}]},
        ],
    }
    started = time.monotonic()
    status, data, headers = client.request("POST", "/slack/webhook", json.dumps(valid).encode(), {"Content-Type": "application/json"})
    check(status == 200 and data == b"ok" and headers["content-type"].startswith("text/plain"), "slack valid answers 200 ok", (status, data))
    check(time.monotonic() - started >= 0.2, "slack delay_seconds applied")
    bad = {"blocks": [{"type": "header", "text": {"type": "mrkdwn", "text": "h" * 151}},
                      {"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11},
                      {"type": "section", "text": {"type": "mrkdwn", "text": "s" * 3001}},
                      {"type": "carousel"}] + [{"type": "divider"}] * 47}
    status, body, _ = client.json("POST", "/slack/webhook", bad)
    text = errors_of(body)
    check(status == 400, "slack invalid answers 400", (status, body))
    for needle in ("blocks:", "blocks/0/text/text", "blocks/0/text/type", "blocks/1/fields", "blocks/2/text/text", "carousel"):
        check(needle in text, f"slack reports {needle}", text)
    status, body, _ = client.json("POST", "/slack/webhook", {"username": "x"})
    check(status == 400, "slack message without text or blocks answers 400", (status, body))
    form = "payload=" + json.dumps({"text": "hi"}).replace(" ", "+")
    status, data, _ = client.request("POST", "/slack/webhook", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"})
    check(status == 200 and data == b"ok", "slack form payload answers 200", (status, data))


def test_recordings(client, plan):
    status, _, headers = client.request("GET", "/recordings/a.mp3")
    check(status == 401 and "basic" in headers.get("www-authenticate", "").lower(), "recording without auth answers 401", status)
    auth = plan["recording_auth"]
    basic = {"Authorization": "Basic " + base64.b64encode(f"{auth['username']}:{auth['password']}".encode()).decode()}
    status, data, headers = client.request("GET", "/recordings/a.mp3", headers=basic)
    check(status == 200 and len(data) == plan["recording_bytes"], "recording served with its size", (status, len(data)))
    check(headers.get("content-type") == "audio/mpeg", "recording .mp3 content type", headers)
    report = client.received()
    check(hashlib.sha256(data).hexdigest() == report["recording_sha256"], "recording sha256 matches /_received")
    for name, expected in (("b.wav", "audio/wav"), ("c.m4a", "audio/mp4"), ("d.bin", "application/octet-stream")):
        status, _, headers = client.request("GET", f"/recordings/{name}", headers=basic)
        check(status == 200 and headers.get("content-type") == expected, f"recording {name} content type", headers)


def test_received(client):
    report = client.received()
    check(all(r["status"] is not None and isinstance(r["errors"], list) for r in report["received"]), "every record has status and errors")
    check(all(k == k.lower() for r in report["received"] for k in r["headers"]), "headers are lowercased")
    filtered = client.received("/crm/")["received"]
    check(filtered and all(r["path"].startswith("/crm/") for r in filtered), "/_received?path= filters by prefix", len(filtered))
    status, _, _ = client.request("GET", "/nowhere")
    check(status == 404, "unknown endpoint answers 404", status)
    invalid = [r for r in report["received"] if r["status"] == 400]
    check(all(r["errors"] for r in invalid), "every 400 carries its errors")


def test_second_instance():
    process, port = start({"upload_status": 403, "recording_chunked": True, "recording_bytes": 50000})
    try:
        client = Client(port)
        status, body, _ = client.json("POST", "/miitel/webhook", miitel_call("z-1"))
        path = body["upload_url"].split(str(port), 1)[1]
        status, _, _ = client.request("PUT", path, b"RIFF" + bytes(100), {"Content-Type": "audio/wav"})
        check(status == 403, "upload_status 403 answered to an upload", status)
        status, data, headers = client.request("GET", "/recordings/x.wav")
        check(status == 200 and headers.get("transfer-encoding") == "chunked" and len(data) == 50000,
              "chunked recording without auth", (status, headers, len(data)))
    finally:
        process.terminate()
        process.wait(timeout=10)


def main():
    plan = {
        "responses": {"/miitel/upload/": [503]},
        "delay_seconds": {"/slack/": 0.2},
        "recording_auth": {"username": "rec", "password": "secret"},
        "recording_bytes": 123457,
    }
    process, port = start(plan)
    try:
        client = Client(port)
        test_miitel(client)
        test_hubspot(client)
        test_salesforce(client)
        test_zendesk(client)
        test_pipedrive(client)
        test_slack(client)
        test_recordings(client, plan)
        test_received(client)
    finally:
        process.terminate()
        process.wait(timeout=10)
    test_second_instance()
    print(f"{CHECKS[0] - len(FAILURES)}/{CHECKS[0]} checks passed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
