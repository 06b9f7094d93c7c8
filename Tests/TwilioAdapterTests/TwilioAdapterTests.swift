import CallGateAuth
import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateTestSupport
import Foundation
import HTTPTypes
import Testing
import TwilioAdapter

/// Twilio Voice status callbacks: the signature, the status vocabulary, and merging by CallSid.
@Suite struct TwilioAdapterTests {
    /// The example of Twilio's request-validation documentation (twilio.com/docs/usage/security):
    /// auth token 12345, this URL and these POST parameters sign to `0/KCTR6DLpKmkAf8muzZqo1nDgQ=`.
    @Test func thePublishedSignatureVector() throws {
        let body = Array(
            "CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030&To=%2B18005551212".utf8)
        let signature = try TwilioSignature.signature(
            authToken: "12345", url: "https://mycompany.com/myapp.php", rawQuery: "foo=1&bar=2", body: body)
        #expect(signature == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    }

    @Test func theVerifierTakesAnyConfiguredTokenAndNothingElse() throws {
        let url = "https://hooks.example.com/v1/ingest/twilio"
        let verifier = try #require(
            try TwilioAdapter().signatureVerifier(
                CallGateConfig.VendorSignature(secrets: [Secret("old-token"), Secret("new-token")], url: url)))
        let body = try fixture("inbound-completed")
        for token in ["old-token", "new-token"] {
            let signature = try TwilioSignature.signature(authToken: token, url: url, rawQuery: nil, body: body)
            #expect(
                verifier.verifies(InboundRequest(headers: HTTPFields([("X-Twilio-Signature", signature)]), body: body)))
        }
        let forged = try TwilioSignature.signature(authToken: "guess", url: url, rawQuery: nil, body: body)
        #expect(!verifier.verifies(InboundRequest(headers: HTTPFields([("X-Twilio-Signature", forged)]), body: body)))
        // The signature covers the URL (with its query) and every parameter.
        let good = try TwilioSignature.signature(authToken: "new-token", url: url, rawQuery: nil, body: body)
        #expect(
            !verifier.verifies(
                InboundRequest(headers: HTTPFields([("X-Twilio-Signature", good)]), rawQuery: "a=1", body: body)))
        #expect(
            !verifier.verifies(
                InboundRequest(headers: HTTPFields([("X-Twilio-Signature", good)]), body: body + Array("&x=1".utf8))))
        #expect(
            !verifier.verifies(InboundRequest(headers: HTTPFields([("X-Twilio-Signature", "not base64!")]), body: body))
        )
        // Printed or dumped, the verifier shows no key.
        var dumped = ""
        dump(verifier, to: &dumped)
        for text in ["\(verifier)", dumped, String(reflecting: verifier)] {
            #expect(!text.contains("token") && !text.contains("111"), "\(text)")
            #expect(text.contains("2 redacted"), "\(text)")
        }
        // A URL is required: Twilio signs it.
        #expect(throws: MessageError.self) {
            try TwilioAdapter().signatureVerifier(CallGateConfig.VendorSignature(secrets: [Secret("t")], url: nil))
        }
    }

    /// The same signature as Twilio's own Python library (`twilio.request_validator`).
    @Test func theSignatureMatchesTwiliosLibrary() throws {
        let url = "https://hooks.example.com/v1/ingest/twilio?tenant=a%20b"
        let body = try fixture("dial-child-leg-completed")
        let script = """
            import sys, urllib.parse
            from twilio.request_validator import RequestValidator
            params = dict(urllib.parse.parse_qsl(sys.stdin.read(), keep_blank_values=True))
            print(RequestValidator("s3cret-token").compute_signature(sys.argv[1], params))
            """
        let run = try Subprocess.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, url], stdin: Data(body))
        if run.status != 0, run.stderr.contains("No module named 'twilio'"),
            ProcessInfo.processInfo.environment["CALLGATE_REQUIRE_INTEROP"] != "1"
        {
            return  // pip install twilio to run this check; CI requires it
        }
        #expect(run.status == 0, "\(run.stderr)")
        let theirs = String(decoding: run.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let ours = try TwilioSignature.signature(
            authToken: "s3cret-token", url: "https://hooks.example.com/v1/ingest/twilio", rawQuery: "tenant=a%20b",
            body: body)
        #expect(ours == theirs)
    }

    /// Every CallStatus of the table in Docs/vendors/twilio.md, written independently of the mapping.
    static let statuses: [String: (type: EventType, status: CallStatus, outcome: CallOutcome?)] = [
        "queued": (.started, .queued, nil), "initiated": (.started, .ringing, nil),
        "ringing": (.ringing, .ringing, nil), "in-progress": (.answered, .inProgress, nil),
        "completed": (.completed, .ended, .answered), "busy": (.completed, .ended, CallOutcome(rawValue: "busy")),
        "no-answer": (.completed, .ended, .noAnswer), "failed": (.completed, .ended, CallOutcome(rawValue: "failed")),
        "canceled": (.completed, .ended, CallOutcome(rawValue: "canceled")),
    ]

    @Test func everyCallStatusAndDirection() throws {
        var seen: Set<String> = []
        for fixture in Golden.fixtures("twilio") {
            let event = try #require(try Golden.events("twilio", fixture.name).first)
            let status = try #require(event.vendorEvent)
            let expected = try #require(Self.statuses[status], "unexpected CallStatus \(status)")
            #expect(event.type == expected.type, "\(fixture.name)")
            #expect(event.call.status == expected.status, "\(fixture.name)")
            #expect(event.call.outcome == expected.outcome, "\(fixture.name)")
            let direction =
                fixture.name.hasPrefix("inbound") || fixture.name.hasPrefix("completed") ? "inbound" : "outbound"
            #expect(event.call.direction.rawValue == direction, "\(fixture.name)")
            seen.insert(status)
        }
        #expect(seen == Set(Self.statuses.keys), "fixtures miss \(Set(Self.statuses.keys).subtracting(seen))")
    }

    @Test func aDialedLegNamesItsParent() throws {
        let event = try #require(try Golden.events("twilio", "dial-child-leg-completed").first)
        #expect(event.call.previousLegId == "CA0123456789abcdef0123456789abcdef")
        #expect(event.call.legKind.rawValue == "transfer")
        #expect(event.call.direction == .outbound)
    }

    @Test func theCallbacksOfOneCallMergeIntoOneCall() throws {
        var keys: Set<String> = []
        for name in ["inbound-initiated", "inbound-ringing", "inbound-in-progress", "inbound-completed"] {
            keys.insert(try #require(try Golden.events("twilio", name).first).call.callKey)
        }
        #expect(keys.count == 1)
        let completed = try #require(try Golden.events("twilio", "inbound-completed").first)
        #expect(completed.time == Timestamp(rfc3339: "2026-11-10T09:03:05Z"))
        #expect(completed.call.durations.total == 185)
    }

    @Test func onlyFormsAreAccepted() throws {
        let request = InboundRequest(contentType: "application/json", body: Array("{}".utf8))
        #expect(throws: GatewayError.self) {
            try TwilioAdapter().input(from: request, source: SourceSettings(id: "t", adapter: "twilio", region: "US"))
        }
    }

    func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: PackageRoot.path("Tests/Fixtures/twilio/\(name).form")))
    }
}
