import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateTestSupport
import Testing

/// Every fixture under Tests/Fixtures/twilio produces exactly its checked-in golden output.
/// Regenerate with `CALLGATE_UPDATE_GOLDENS=1 swift test --filter Golden` and review the diff.
@Suite struct TwilioGoldenTests {
    @Test(arguments: Golden.fixtures("twilio"))
    func golden(_ fixture: Fixture) {
        if let difference = Golden.verify(fixture, source: "twilio") { Issue.record("\(difference)") }
    }

    @Test func fixturesExist() {
        #expect(Golden.fixtures("twilio").count >= 11)
    }
}
