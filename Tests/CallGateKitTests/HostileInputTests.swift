import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateTestSupport
import Foundation
import Testing

/// Corrupted and hostile bodies through every source: each must give events or a `GatewayError`
/// with a known code — never a crash, a hang or an event that breaks the model's rules.
@Suite struct HostileInputTests {
    /// A small deterministic generator (SplitMix64), so a failure reproduces exactly.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    static let codes: Set<String> = ["malformed_body", "unsupported_media_type", "unmappable_payload"]

    static func mutate(_ body: [UInt8], _ random: inout Random) -> [UInt8] {
        var bytes = body
        guard !bytes.isEmpty else { return [UInt8(random.below(256))] }
        switch random.below(6) {
        case 0:  // flip a bit
            let i = random.below(bytes.count)
            bytes[i] ^= UInt8(1 << random.below(8))
        case 1:  // truncate
            bytes.removeLast(random.below(bytes.count))
        case 2:  // insert structural characters
            let chars = Array("{}[]\",:\\0-e.".utf8)
            bytes.insert(chars[random.below(chars.count)], at: random.below(bytes.count))
        case 3:  // invalid UTF-8
            bytes.insert(contentsOf: [0xC3, 0x28, 0xFF], at: random.below(bytes.count))
        case 4:  // duplicate a slice
            let start = random.below(bytes.count)
            let end = min(bytes.count, start + random.below(64))
            bytes.insert(contentsOf: bytes[start..<end], at: random.below(bytes.count))
        default:  // replace a value-ish region with a hostile string
            let hostile = Array(#""\u0000\ud800<script>${X}%00\u202e""#.utf8)
            bytes.insert(contentsOf: hostile, at: random.below(bytes.count))
        }
        return bytes
    }

    @Test(arguments: ["miitel", "udesk", "biztel", "pbx"])
    func mutatedFixturesNeverCrash(_ vendor: String) throws {
        var random = Random(state: UInt64(vendor.utf8.reduce(7) { $0 &* 31 &+ UInt64($1) }))
        var events = 0
        var errors = 0
        for fixture in Golden.fixtures(vendor) + Golden.fixtures(vendor, invalid: true) {
            for _ in 0..<150 {
                var request = try fixture.request()
                request.body = Self.mutate(request.body, &random)
                do {
                    switch try Golden.process(request, source: vendor) {
                    case .events(let produced):
                        events += produced.count
                        for event in produced {
                            // Whatever got through still obeys the model and reads back unchanged.
                            #expect(try CallEvent(json: JSONParser.parse(event.jsonBytes())) == event)
                            #expect(event.call.status == .ended || event.call.outcome == nil)
                        }
                    case .handshake(let response):
                        #expect(response.status == 200)
                    }
                } catch let error as GatewayError {
                    errors += 1
                    #expect(Self.codes.contains(error.code), "\(error)")
                }
            }
        }
        // Both outcomes occur, so the mutations reach the mapping and not only the parser.
        #expect(events > 0)
        #expect(errors > 0)
    }

    @Test func deepNestingAndHugeNumbersAreRejectedCleanly() throws {
        let deep = Array(String(repeating: "[", count: 100_000).utf8)
        #expect(throws: GatewayError.self) {
            _ = try Golden.process(InboundRequest(contentType: "application/json", body: deep), source: "miitel")
        }
        let huge = Array(#"{"call": {"id": 1e999999, "details": []}}"#.utf8)
        #expect(throws: GatewayError.self) {
            _ = try Golden.process(InboundRequest(contentType: "application/json", body: huge), source: "miitel")
        }
    }

    @Test func wrongTypesEverywhereGiveFieldErrors() throws {
        let sample = try Golden.json("udesk", "call-trigger-ja")
        guard case .object(let object) = sample else { return }
        var random = Random(state: 42)
        let replacements: [JSONValue] = [.null, .bool(true), .int(-1), .double(1e300), "", [], ["x": ["y": []]]]
        for key in object.keys {
            for _ in 0..<3 {
                let payload = sample.setting(key, replacements[random.below(replacements.count)])
                do {
                    _ = try Golden.events(Golden.jsonRequest(payload), source: "udesk")
                } catch let error as GatewayError {
                    #expect(error.code == "unmappable_payload", "\(key): \(error)")
                }
            }
        }
    }
}
