import Foundation
import Testing

@testable import CallGateConfig
@testable import CallGateFoundation
@testable import CallGateMapping
@testable import CallGateModel
@testable import CallGatePipeline
@testable import CallGateReceive

/// Docs/delivery.md: what each response means, the retry schedule, `Retry-After`, and the requests
/// sinks receive.
@Suite struct RetryPolicyTests {
    let now = Timestamp(seconds: 1_767_225_600)  // 2026-01-01T00:00:00Z
    let policy = RetryPolicy(jitter: 0)

    @Test(arguments: [
        (200, RetryPolicy.Verdict.delivered), (204, .delivered), (299, .delivered),
        (301, .retry), (302, .retry), (408, .retry), (425, .retry), (429, .retry), (500, .retry), (503, .retry),
        (599, .retry), (410, .dead(disablesSink: true)), (400, .dead(disablesSink: false)),
        (401, .dead(disablesSink: false)), (404, .dead(disablesSink: false)), (422, .dead(disablesSink: false)),
    ])
    func statusesMeanWhatTheSpecSays(status: Int, verdict: RetryPolicy.Verdict) {
        #expect(RetryPolicy.verdict(.response(status: status, retryAfter: nil)) == verdict)
    }

    @Test func connectionFailuresAreRetried() {
        #expect(RetryPolicy.verdict(.failure("connection refused")) == .retry)
    }

    @Test func theDefaultScheduleWaitsAsSpecified() {
        let waits = (1...9).map { attempt -> Int64 in
            guard case .retry(let at) = policy.result(of: .failure("x"), attempt: attempt, now: now) else { return -1 }
            return (at.microseconds - now.microseconds) / 1_000_000
        }
        #expect(waits == [5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400])
        #expect(policy.result(of: .failure("x"), attempt: 10, now: now) == .dead(disablesSink: false, exhausted: true))
    }

    @Test func jitterStaysWithinTenPercent() {
        let jittered = RetryPolicy()
        for random in [0.0, 0.25, 0.5, 0.999] {
            guard case .retry(let at) = jittered.result(of: .failure("x"), attempt: 2, now: now, random: random) else {
                Issue.record("not retried")
                return
            }
            let seconds = Double(at.microseconds - now.microseconds) / 1e6
            #expect(seconds >= 270 && seconds <= 330, "\(seconds)")
        }
        guard case .retry(let low) = jittered.result(of: .failure("x"), attempt: 2, now: now, random: 0),
            case .retry(let high) = jittered.result(of: .failure("x"), attempt: 2, now: now, random: 0.999)
        else { return }
        #expect(low < high)
    }

    @Test func retryAfterWinsWhenLongerAndIsClamped() {
        let short = RetryPolicy(schedule: [.zero, .seconds(1)], maxRetryAfter: .seconds(60), jitter: 0)
        #expect(
            short.result(of: .response(status: 503, retryAfter: "2"), attempt: 1, now: now)
                == .retry(at: now.adding(.seconds(2))))
        // Shorter than the schedule: the schedule wins.
        #expect(
            RetryPolicy(schedule: [.zero, .seconds(30)], jitter: 0).result(
                of: .response(status: 429, retryAfter: "2"), attempt: 1, now: now)
                == .retry(at: now.adding(.seconds(30))))
        // Longer than max_retry_after: clamped.
        #expect(
            short.result(of: .response(status: 503, retryAfter: "86400"), attempt: 1, now: now)
                == .retry(at: now.adding(.seconds(60))))
        // An HTTP date.
        #expect(
            short.result(of: .response(status: 503, retryAfter: "Thu, 01 Jan 2026 00:00:10 GMT"), attempt: 1, now: now)
                == .retry(at: now.adding(.seconds(10))))
        // Unreadable: ignored.
        #expect(
            short.result(of: .response(status: 503, retryAfter: "soon"), attempt: 1, now: now)
                == .retry(at: now.adding(.seconds(1))))
    }

    @Test func httpDatesInAllThreeForms() {
        let expected = Timestamp(seconds: 784_111_777)  // 1994-11-06T08:49:37Z, RFC 9110's example
        #expect(Timestamp(httpDate: "Sun, 06 Nov 1994 08:49:37 GMT") == expected)
        #expect(Timestamp(httpDate: "Sunday, 06-Nov-94 08:49:37 GMT") == expected)
        #expect(Timestamp(httpDate: "Sun Nov  6 08:49:37 1994") == expected)
        for bad in ["", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT", "06 Nov 1994", "tomorrow"] {
            #expect(Timestamp(httpDate: bad) == nil, "\(bad)")
        }
        #expect(RetryPolicy.retryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now: now) == .zero)
    }
}

@Suite struct DeliveryRequestTests {
    func sink(_ yaml: String) throws -> CallGateConfig.Sink {
        let config = try CallGateConfig(
            yaml: "sources:\n  - { id: m, adapter: miitel }\nsinks:\n" + yaml, file: "test.yaml",
            environment: ["A": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "B": "whsec_c2Vjb25kLXNlY3JldC1mb3ItdGVzdHM="])
        return try #require(config.sinks.first)
    }

    @Test func standardWebhooksSigningReproducesTheKnownVector() throws {
        let sink = try sink(
            "  - { id: s, type: http, url: http://127.0.0.1:1/, auth: { standard_webhooks: { secret: \"${A}\" } } }")
        let headers = try DeliveryRequest.authHeaders(
            sink.auth, eventId: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330,
            body: Array(#"{"test": 2432232314}"#.utf8))
        #expect(headers.first { $0.name == "webhook-id" }?.value == "msg_p5jXN8AQM9LWM0D4loKWxJek")
        #expect(headers.first { $0.name == "webhook-timestamp" }?.value == "1614265330")
        #expect(
            headers.first { $0.name == "webhook-signature" }?.value == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        )
    }

    @Test func severalSecretsGiveSeveralSignatures() throws {
        let sink = try sink(
            "  - { id: s, type: http, url: http://127.0.0.1:1/, auth: { standard_webhooks: { secrets: [\"${A}\", \"${B}\"] } } }"
        )
        let headers = try DeliveryRequest.authHeaders(sink.auth, eventId: "evt_1", timestamp: 1, body: Array("{}".utf8))
        let signatures = headers.first { $0.name == "webhook-signature" }?.value.split(separator: " ") ?? []
        #expect(signatures.count == 2)
        #expect(Set(signatures).count == 2)
        #expect(signatures.allSatisfy { $0.hasPrefix("v1,") })
    }

    @Test func hmacMatchesRFC4231InHexAndBase64() throws {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let body = Array("what do ya want for nothing?".utf8)
        let hex = try sink("  - { id: s, type: http, url: http://127.0.0.1:1/, auth: { hmac: { secret: Jefe } } }")
        #expect(
            try DeliveryRequest.authHeaders(hex.auth, eventId: "e", timestamp: 0, body: body).first?.value
                == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let base64 = try sink(
            "  - { id: s, type: http, url: http://127.0.0.1:1/, auth: { hmac: { header: X-Sig, secret: Jefe, encoding: base64, prefix: \"\" } } }"
        )
        let header = try #require(
            try DeliveryRequest.authHeaders(base64.auth, eventId: "e", timestamp: 0, body: body).first)
        #expect(header.name == "X-Sig")
        #expect(header.value == "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=")
    }

    @Test func bearerBasicAndStaticHeaders() throws {
        let sink = try sink(
            """
              - id: s
                type: http
                url: http://127.0.0.1:1/
                headers: { X-Team: calls }
                auth: { basic: { username: user, password: pass } }
            """)
        let request = try DeliveryRequest(event: Array("{}".utf8), eventId: "e", sink: sink, at: Timestamp(seconds: 0))
        #expect(request.headers.map(\.name) == ["X-Team", "authorization"])
        #expect(request.headers.last?.value == "Basic dXNlcjpwYXNz")
    }

    static let event: [UInt8] = Array(
        #"{"id":"evt_1","type":"call.completed","time":"2026-01-01T00:00:00Z","source":"miitel","call":{"call_key":"call_1","from":{"raw":"0312345678","e164":"+81312345678"},"transcript":{"text":"secret talk"}}}"#
            .utf8)

    @Test func excludedPathsAreRemovedAndCanonicalIsTheEventItself() throws {
        let plain = try sink("  - { id: s, type: file, path: x.jsonl }")
        #expect(try DeliveryRequest.body(event: Self.event, sink: plain).body == Self.event)
        let redacted = try sink(
            "  - { id: s, type: file, path: x.jsonl, exclude: [call.transcript, call.from.raw, call.nope] }")
        let (body, type) = try DeliveryRequest.body(event: Self.event, sink: redacted)
        #expect(type == "application/json")
        let json = try JSONParser.parse(body)
        #expect(json["call"]?["transcript"] == nil)
        #expect(json["call"]?["from"] == ["e164": "+81312345678"])
        #expect(!String(decoding: body, as: UTF8.self).contains("secret talk"))
    }

    @Test func cloudEventsEnvelope() throws {
        let sink = try sink("  - { id: s, type: file, path: x.jsonl, format: cloudevents }")
        let (body, type) = try DeliveryRequest.body(event: Self.event, sink: sink)
        #expect(type == "application/cloudevents+json")
        let json = try JSONParser.parse(body)
        #expect(json["specversion"] == "1.0")
        #expect(json["id"] == "evt_1")
        #expect(json["source"] == "/callgate/sources/miitel")
        #expect(json["type"] == "call.completed")
        #expect(json["subject"] == "call_1")
        #expect(json["time"] == "2026-01-01T00:00:00Z")
        #expect(json["dataschema"] == .string(DeliveryRequest.dataSchema))
        #expect(json["data"] == (try JSONParser.parse(Self.event)))
        // The stored bytes are the envelope's `data` byte for byte: not parsed and written again.
        let data = Array(#""data":"#.utf8) + Self.event + Array("}".utf8)
        #expect(Array(body.suffix(data.count)) == data)
    }

    /// With `exclude`, the event is edited as a tree and the envelope wraps the edited event.
    @Test func cloudEventsEnvelopeOfARedactedEvent() throws {
        let sink = try sink(
            "  - { id: s, type: file, path: x.jsonl, format: cloudevents, exclude: [call.transcript] }")
        let json = try JSONParser.parse(try DeliveryRequest.body(event: Self.event, sink: sink).body)
        #expect(json["subject"] == "call_1")
        #expect(json["data"]?["call"]?["transcript"] == nil)
        #expect(json["data"]?["call"]?["from"]?["raw"] != nil)
    }
}
