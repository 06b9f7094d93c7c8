import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateTestSupport
import Testing

/// Every fixture under Tests/Fixtures/miitel produces exactly its checked-in golden output.
/// Regenerate with `CALLGATE_UPDATE_GOLDENS=1 swift test --filter Golden` and review the diff.
@Suite struct MiiTelGoldenTests {
    @Test(arguments: Golden.fixtures("miitel"))
    func golden(_ fixture: Fixture) {
        if let difference = Golden.verify(fixture, source: "miitel") { Issue.record("\(difference)") }
    }

    @Test(arguments: Golden.fixtures("miitel", invalid: true))
    func invalidGolden(_ fixture: Fixture) {
        if let difference = Golden.verify(fixture, source: "miitel") { Issue.record("\(difference)") }
    }

    @Test func fixturesExist() {
        #expect(Golden.fixtures("miitel").count >= 6)
    }
}
