import CallGateFoundation
import CallGateMapping
import CallGateMappings
import CallGateModel
import CallGateTestSupport
import Testing

/// Runs the bundled target mappings on events built from the shipped fixtures.
enum Targets {
    static func mapping(_ name: String) throws -> TargetMapping {
        try TargetMapping(yaml: try #require(BundledMappings.target(name)), file: "Mappings/targets/\(name).yaml")
    }

    /// An answered inbound Udesk call (agent 73937, zhang.wei@huaxin-cs.cn), its recording an MP3.
    static func answeredInbound() throws -> CallEvent { try Golden.events("udesk", "inbound-answered")[0] }

    static func plan(
        _ mapping: TargetMapping, _ event: CallEvent, tables: JSONValue = [:], destination: String? = nil,
        url: String = "https://destination.example/objects"
    ) throws(MappingError) -> OutboundPlan {
        var copy = event
        return try mapping.plan(
            TargetInput(event: copy.jsonBytes(), sink: "test", url: url, tables: tables, destinationId: destination))
    }

    /// The request a plan sends (failing the test on a skip).
    static func request(
        _ mapping: TargetMapping, _ event: CallEvent, tables: JSONValue = [:], destination: String? = nil,
        url: String = "https://destination.example/objects"
    ) throws -> OutboundRequest {
        guard case .send(let request) = try plan(mapping, event, tables: tables, destination: destination, url: url)
        else {
            Issue.record("expected a request, got a skip")
            throw FixtureMissing(name: "request")
        }
        return request
    }

    /// The failure of a plan (nil when it produced a request).
    static func failure(_ mapping: TargetMapping, _ event: CallEvent, tables: JSONValue = [:]) -> MappingError? {
        do {
            _ = try plan(mapping, event, tables: tables)
            return nil
        } catch {
            return error
        }
    }
}
