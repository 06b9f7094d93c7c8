import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateTestSupport
import Testing

/// Every fixture under Tests/Fixtures/aircall produces exactly its checked-in golden output: Aircall
/// call webhooks on an `adapter: generic` source with `Mappings/aircall.yaml`, no Swift of their own.
/// Regenerate with `CALLGATE_UPDATE_GOLDENS=1 swift test --filter Golden` and review the diff.
@Suite struct AircallGoldenTests {
    @Test(arguments: Golden.fixtures("aircall"))
    func golden(_ fixture: Fixture) {
        if let difference = Golden.verify(fixture, source: "aircall") { Issue.record("\(difference)") }
    }

    @Test(arguments: Golden.fixtures("aircall", invalid: true))
    func invalidGolden(_ fixture: Fixture) {
        if let difference = Golden.verify(fixture, source: "aircall") { Issue.record("\(difference)") }
    }

    @Test func fixturesExist() {
        #expect(Golden.fixtures("aircall").count == 14)
        #expect(Golden.fixtures("aircall", invalid: true).count == 2)
    }
}
