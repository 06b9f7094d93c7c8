import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import Foundation

extension Golden {
    /// The events a fixture produces through the shipped configuration (failing loudly otherwise).
    public static func events(
        _ vendor: String, _ name: String, source: String? = nil, receivedAt: Timestamp = receivedAt
    )
        throws -> [CallEvent]
    {
        guard let fixture = fixtures(vendor).first(where: { $0.name == name }) else {
            throw FixtureMissing(name: "\(vendor)/\(name)")
        }
        return try events(fixture.request(), source: source ?? vendor, receivedAt: receivedAt)
    }

    /// Runs a request through a shipped source.
    public static func events(_ request: InboundRequest, source: String, receivedAt: Timestamp = receivedAt) throws
        -> [CallEvent]
    {
        guard case .events(let events) = try process(request, source: source, receivedAt: receivedAt) else {
            throw FixtureMissing(name: "expected events, got a handshake")
        }
        return events
    }

    public static func process(_ request: InboundRequest, source: String, receivedAt: Timestamp = receivedAt) throws
        -> SourcePipeline.Outcome
    {
        guard let pipeline = normalizer.pipeline(for: source) else { throw FixtureMissing(name: "source \(source)") }
        return try pipeline.process(request, receivedAt: receivedAt)
    }

    /// A JSON request with the given body.
    public static func jsonRequest(_ value: JSONValue) -> InboundRequest {
        InboundRequest(contentType: "application/json", body: JSONWriter.compact.bytes(value))
    }

    /// A fixture's body parsed as JSON (to build variations in tests).
    public static func json(_ vendor: String, _ name: String) throws -> JSONValue {
        guard let fixture = fixtures(vendor).first(where: { $0.name == name }) else {
            throw FixtureMissing(name: "\(vendor)/\(name)")
        }
        return try JSONParser.parse(fixture.body)
    }
}

public struct FixtureMissing: Error, CustomStringConvertible {
    public var name: String
    public init(name: String) { self.name = name }
    public var description: String { "fixture \(name) not found" }
}

extension JSONValue {
    /// A copy with `object[key] = value` (top-level).
    public func setting(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var o) = self else { return self }
        o[key] = value
        return .object(o)
    }
}
