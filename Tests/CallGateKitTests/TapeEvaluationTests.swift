import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateTestSupport
import Testing

/// The mapping engine reads JSON bodies from a tape over the request's bytes and everything else
/// (forms, query parameters, stored events) as a `JSONValue` tree. Both readings of every vendor
/// fixture must give byte-identical events, or the same error.
@Suite struct TapeEvaluationTests {
    static let fixtures: [Fixture] = ["miitel", "udesk", "pbx", "biztel"].flatMap {
        Golden.fixtures($0) + Golden.fixtures($0, invalid: true)
    }.filter { fixture in
        (try? JSONParser.parse(fixture.body))?.objectValue != nil
    }

    @Test func everyVendorHasJSONFixtures() {
        for vendor in ["miitel", "udesk", "pbx", "biztel"] {
            #expect(Self.fixtures.contains { $0.vendor == vendor }, "\(vendor)")
        }
    }

    @Test(arguments: fixtures) func tapeAndTreeGiveTheSameEvents(_ fixture: Fixture) throws {
        let pipeline = try #require(Golden.normalizer.pipeline(for: fixture.vendor))
        let tree = try JSONParser.parse(fixture.body)
        let tape = try JSONTape(parsing: fixture.body)
        let fromTree = Result { () throws -> [CallEvent] in
            try pipeline.events(from: .json(tree), receivedAt: Golden.receivedAt)
        }
        let fromTape = Result { () throws -> [CallEvent] in
            try pipeline.events(from: .tape(tape), receivedAt: Golden.receivedAt)
        }
        switch (fromTree, fromTape) {
        case (.success(let a), .success(let b)):
            #expect(!a.isEmpty)
            #expect(a.map { $0.jsonBytes() } == b.map { $0.jsonBytes() })
        case (.failure(let a), .failure(let b)):
            #expect("\(a)" == "\(b)")
        default:
            Issue.record("the tape and the tree disagree: \(fromTree) against \(fromTape)")
        }
    }
}
