import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateStore
import CallGateTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// What the receive stage declares instead of the server testing names and code strings: the
/// methods an adapter accepts, and the HTTP status each `GatewayError` code carries.
@Suite struct ReceiveContractTests {
    /// A vendor the gateway has never heard of, calling with GET.
    struct GetVendorAdapter: VendorAdapter {
        let name = "acme"
        let defaultRegion = "US"
        var acceptsGET: Bool { true }
    }

    @Test func getIsAcceptedWhereTheAdapterDeclaresIt() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let mapping = PackageRoot.path("Mappings/aircall.yaml").path
        let config = directory.appendingPathComponent("callgate.yaml")
        try """
        sources:
          - { id: acme, adapter: acme, mapping: \(mapping) }
          - { id: other, adapter: generic, mapping: \(mapping) }
        """.write(to: config, atomically: true, encoding: .utf8)
        let normalizer = try Normalizer.load(
            configFile: config.path, environment: [:], adapters: [GenericAdapter(), GetVendorAdapter()],
            bundledMappings: [:])
        let service = try IngestService(normalizer: normalizer, store: MemoryStore(), logger: Logger(label: "test"))
        #expect(service.allowsGET("acme"))
        #expect(!service.allowsGET("other"))
        #expect(!service.allowsGET("nosuch"))
        let refused = await service.handle(
            InboundRequest(method: .get, rawQuery: "a=1"), source: "other")
        #expect(refused.status == 405)
        #expect(refused.code == "method_not_allowed")

        let shipped = try IngestService(
            normalizer: Golden.normalizer, store: MemoryStore(), logger: Logger(label: "test"))
        #expect(shipped.sources.keys.sorted().filter(shipped.allowsGET) == ["biztel"])
    }

    @Test func eachErrorCodeCarriesItsStatus() {
        let codes = GatewayError.Code.allCases.map { "\($0.rawValue) \($0.status)" }
        #expect(
            codes == [
                "malformed_body 400", "malformed_query 400", "bad_request 400", "unauthorized 401", "forbidden 403",
                "not_found 404", "unknown_source 404", "unknown_sink 404", "method_not_allowed 405",
                "header_timeout 408", "body_timeout 408", "already_replayed 409", "body_too_large 413",
                "unsupported_media_type 415", "unmappable_payload 422", "internal_error 500", "store_unavailable 503",
                "too_many_connections 503",
            ])
        // A 401 tells the client only that credentials are missing or wrong; the detail is logged.
        let refused = GatewayError.unauthorized("no X-Hub-Signature-256 header")
        #expect(refused.answer == "missing or invalid credentials")
        #expect(GatewayError.forbidden("198.51.100.1 is not in allow_ips").answer == "198.51.100.1 is not in allow_ips")
        let error = GatewayError.unsupportedMediaType("expected application/json, got text/xml")
        #expect(error.code == "unsupported_media_type")
        #expect(error.description == "unsupported_media_type: expected application/json, got text/xml")
        let response = GatewayResponse.error(error)
        #expect(response.status == 415)
        #expect(response.code == "unsupported_media_type")
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == #"{"error":{"code":"unsupported_media_type","message":"expected application/json, got text/xml"}}"#)
    }

    /// The mapping dry run answers with the status of the code, like ingest.
    @Test func theDryRunAnswersAnUnsupportedMediaTypeWith415() async throws {
        let harness = try GatewayHarness.make(yaml: AdminAPITests.yaml)
        try await harness.test { client in
            let response = try await client.execute(
                uri: "/v1/admin/map?source=miitel", method: .post,
                headers: [.authorization: "Bearer \(AdminAPITests.token)", .contentType: "application/xml"],
                body: buffer("<call/>"))
            #expect(response.status == .unsupportedMediaType)
            #expect(response.errorCode == "unsupported_media_type")
        }
    }
}
