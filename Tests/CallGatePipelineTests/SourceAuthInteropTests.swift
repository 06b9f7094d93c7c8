import CallGateTestSupport
import Foundation
import Testing

@testable import CallGateAuth
@testable import CallGateConfig
@testable import CallGateFoundation
@testable import CallGateMapping
@testable import CallGateModel
@testable import CallGatePipeline
@testable import CallGateReceive

/// Standard Webhooks interop with the reference Python package (`pip install standardwebhooks`),
/// through `Tests/Support/standard_webhooks_oracle.py`: what it signs we accept, and what we sign
/// it accepts.
@Suite struct SourceAuthInteropTests {
    static let secrets = [
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "whsec_" + Base64.encode((0..<32).map { UInt8($0 * 7 + 1) }),
    ]
    /// Bodies with multi-byte UTF-8 and JSON escapes, so the bytes signed are not trivially ASCII.
    static let bodies = [
        #"{"test": 2432232314}"#,
        #"{"call_result":"客户接听","from":"+81 3-1234-5678","memo":"応答\n\"quoted\""}"#,
        "",
    ]

    static func oracle(_ request: JSONValue) throws -> JSONValue {
        let result = try PythonOracle.script(
            "standard_webhooks_oracle.py", stdin: Data(JSONWriter.compact.bytes(request)))
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONParser.parse([UInt8](result.stdout))
    }

    static var currentTime: Int64 { Int64(Date().timeIntervalSince1970) }

    @Test(.enabled(if: PythonOracle.shouldRun("standardwebhooks")))
    func whatPythonSignsVerifies() throws {
        let timestamp: Int64 = 1_700_000_123
        var cases: [JSONValue] = []
        for (i, body) in Self.bodies.enumerated() {
            for secret in Self.secrets {
                cases.append(
                    [
                        "secret": .string(secret), "id": .string("msg_\(i)"), "timestamp": .int(timestamp),
                        "body": .string(body),
                    ])
            }
        }
        let answer = try Self.oracle(["sign": .array(cases)])
        let signatures = try #require(answer["signatures"]?.arrayValue).compactMap { $0.stringValue }
        try #require(signatures.count == cases.count)

        let both = try SourceAuthTests.authenticator(
            "{ standard_webhooks: { secrets: [\(Self.secrets.joined(separator: ", "))] } }")
        let firstOnly = try SourceAuthTests.authenticator("{ standard_webhooks: { secret: \(Self.secrets[0]) } }")
        for (i, signature) in signatures.enumerated() {
            let body = Self.bodies[i / Self.secrets.count]
            let request = SourceAuthTests.request(
                [
                    ("webhook-id", "msg_\(i / Self.secrets.count)"), ("webhook-timestamp", String(timestamp)),
                    ("webhook-signature", signature),
                ], body: body)
            let now = Timestamp(seconds: timestamp + 10)
            #expect(SourceAuthTests.failure(both, request, now: now) == nil, "case \(i)")
            // Signed with the second secret → the first alone must refuse it.
            let signedWithFirst = i % Self.secrets.count == 0
            #expect((SourceAuthTests.failure(firstOnly, request, now: now) == nil) == signedWithFirst, "case \(i)")
            // And our own signing agrees byte for byte.
            let key = try StandardWebhooks.Key(Secret(Self.secrets[i % Self.secrets.count]))
            #expect(
                key.signature(id: "msg_\(i / Self.secrets.count)", timestamp: timestamp, body: Array(body.utf8))
                    == signature)
        }
    }

    @Test(.enabled(if: PythonOracle.shouldRun("standardwebhooks")))
    func whatWeSignPythonVerifies() throws {
        // Python checks the timestamp against its own clock, so sign with the current time.
        let timestamp = Self.currentTime
        let keys = try Self.secrets.map { try StandardWebhooks.Key(Secret($0)) }
        var cases: [JSONValue] = []
        var expected: [Bool] = []
        for (i, body) in Self.bodies.enumerated() {
            let header = StandardWebhooks.signatureHeader(
                id: "msg_\(i)", timestamp: timestamp, body: Array(body.utf8), keys: keys)
            func verify(_ secret: String, _ body: String, _ signature: String, _ accept: Bool) {
                cases.append([
                    "secret": .string(secret), "id": .string("msg_\(i)"), "timestamp": .int(timestamp),
                    "body": .string(body), "signature": .string(signature),
                ])
                expected.append(accept)
            }
            // The rotation header verifies with either key alone.
            verify(Self.secrets[0], body, header, true)
            verify(Self.secrets[1], body, header, true)
            // The oracle can say no: a changed body, or a key we did not sign with.
            verify(Self.secrets[0], body + " ", header, false)
            verify(
                "whsec_" + Base64.encode(Array("not one of ours".utf8)), body,
                keys[0].signature(id: "msg_\(i)", timestamp: timestamp, body: Array(body.utf8)), false)
        }
        let answer = try Self.oracle(["verify": .array(cases)])
        let verified = try #require(answer["verified"]?.arrayValue)
        #expect(verified == expected.map { JSONValue.bool($0) })
    }
}
