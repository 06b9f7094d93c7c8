import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateTestSupport
import Testing

/// Every fixture under Tests/Fixtures/udesk produces exactly its checked-in golden output.
/// Regenerate with `CALLGATE_UPDATE_GOLDENS=1 swift test --filter Golden` and review the diff.
@Suite struct UdeskGoldenTests {
    @Test(arguments: Golden.fixtures("udesk"))
    func golden(_ fixture: Fixture) {
        if let difference = Golden.verify(fixture, source: "udesk") { Issue.record("\(difference)") }
    }

    @Test(arguments: Golden.fixtures("udesk", invalid: true))
    func invalidGolden(_ fixture: Fixture) {
        if let difference = Golden.verify(fixture, source: "udesk") { Issue.record("\(difference)") }
    }

    @Test func fixturesExist() {
        #expect(Golden.fixtures("udesk").count >= 6)
    }
}
