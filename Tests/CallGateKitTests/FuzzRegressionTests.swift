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

/// Every input a fuzz target once crashed on (`Tests/Fixtures/fuzz/<target>/`, Docs/fuzzing.md),
/// replayed through the same code as the target: each must now give a result or a clean error.
@Suite struct FuzzRegressionTests {
    static let directory = PackageRoot.path("Tests/Fixtures/fuzz").path

    static var inputs: [(target: String, name: String)] {
        let targets = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return targets.sorted().flatMap { target in
            ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/" + target)) ?? []).sorted().map {
                (target, $0)
            }
        }
    }

    @Test func thereAreReproducers() {
        #expect(!Self.inputs.isEmpty)
    }

    @Test(arguments: inputs.map { "\($0.target)/\($0.name)" })
    func replays(_ path: String) throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.directory + "/" + path)))
        let target = String(path.prefix { $0 != "/" })
        let now = Timestamp(seconds: 1_700_000_000)
        switch target {
        case "retry-after":
            let header = String(decoding: bytes, as: UTF8.self)
            let wait = RetryPolicy.retryAfter(header, now: now)
            #expect(wait == nil || wait! >= .zero)
            let decision = RetryPolicy().result(of: .response(status: 503, retryAfter: header), attempt: 1, now: now)
            guard case .retry(let at) = decision else {
                Issue.record("a 503 is retried, got \(decision)")
                return
            }
            #expect(at > now && at.isInRange)
        case let mapping where mapping.hasPrefix("mapping-"):
            let source = String(mapping.dropFirst("mapping-".count))
            let request = try MapRequest.make(body: bytes, query: nil, contentType: nil)
            do {
                _ = try Golden.process(request, source: source)
            } catch let error as GatewayError {
                #expect(["malformed_body", "unsupported_media_type", "unmappable_payload"].contains(error.code))
            }
        case "json":
            _ = try? JSONTape(parsing: bytes, limits: .ingest)
        case "form", "query":
            _ = try? FormURLEncoding.decode(bytes, maxFields: InputLimits.ingest.maxFormFields)
        default:
            Issue.record("no replay for fuzz target '\(target)': add one here")
        }
    }
}
