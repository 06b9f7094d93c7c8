import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateTestSupport
import Foundation
import Testing

/// Every fixture of every vendor produces exactly its checked-in golden output, through the
/// shipped `callgate.yaml`: the fixtures under `Tests/Fixtures/<id>/` (and `<id>/invalid/`) go to
/// the source `<id>`. A vendor added with a source and a fixture folder is covered without a line
/// here. Regenerate with `CALLGATE_UPDATE_GOLDENS=1 swift test --filter Golden` and review the diff.
@Suite struct GoldenTests {
    /// The shipped sources that have a fixture folder.
    static let vendors: [String] = Golden.normalizer.config.sources.map(\.id).filter {
        FileManager.default.fileExists(atPath: PackageRoot.fixture($0).path)
    }

    static let fixtures: [Fixture] = vendors.flatMap { Golden.fixtures($0) + Golden.fixtures($0, invalid: true) }

    @Test(arguments: fixtures)
    func golden(_ fixture: Fixture) {
        if let difference = Golden.verify(fixture, source: fixture.vendor) { Issue.record("\(difference)") }
    }

    /// No vendor silently drops out: each has its fixtures (Aircall's count is exact, as its
    /// mapping is YAML alone and every documented webhook has one).
    @Test func everyVendorHasItsFixtures() {
        #expect(Self.vendors.sorted() == ["aircall", "biztel", "miitel", "pbx", "twilio", "udesk"])
        let minimum = ["aircall": 14, "biztel": 6, "miitel": 6, "pbx": 6, "twilio": 11, "udesk": 6]
        for (vendor, count) in minimum {
            #expect(Golden.fixtures(vendor).count >= count, "\(vendor)")
        }
        #expect(Golden.fixtures("aircall").count == 14)
        #expect(Golden.fixtures("aircall", invalid: true).count == 2)
    }
}
