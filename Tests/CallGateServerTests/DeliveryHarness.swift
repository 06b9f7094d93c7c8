import AsyncHTTPClient
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGateStore
import CallGateTestSupport
import Foundation
import Logging
import NIOCore
import Testing

@testable import CallGateConfig
@testable import CallGatePipeline
@testable import CallGateReceive
@testable import CallGateServer

/// `Tests/Support/sink_receiver.py` on loopback: records what arrives, verifies Standard Webhooks
/// signatures with the `standardwebhooks` package and reads CloudEvents with the `cloudevents` SDK.
final class Receiver: @unchecked Sendable {
    let process = Process()
    let port: Int

    /// - Parameter script: `sink_receiver.py`, or `target_receiver.py` (the stand-in for the
    ///   outbound destinations, checking each request against their schemas).
    init(_ plan: JSONValue = [:], script: String = "sink_receiver.py") throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", PackageRoot.path("Tests/Support/\(script)").path, JSONWriter.compact.string(plan),
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var seen = ""
        while !seen.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        guard let port = Int(seen.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
        else {
            process.terminate()
            throw StoreError("the receiver did not start: \(seen)")
        }
        self.port = port
    }

    var hook: String { "http://127.0.0.1:\(port)/hook" }

    /// Everything received so far, and how many OAuth tokens were issued.
    func received() async throws -> (deliveries: [JSONValue], tokens: Int) {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)/_received"), timeout: .seconds(10))
        let json = try JSONParser.parse(Array(buffer: try await response.body.collect(upTo: 16 << 20)))
        return (json["received"]?.arrayValue ?? [], Int(json["tokens_issued"]?.numberValue ?? 0))
    }

    /// `GET path` on the receiver, as JSON.
    func get(_ path: String) async throws -> JSONValue {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(10))
        return try JSONParser.parse(Array(buffer: try await response.body.collect(upTo: 16 << 20)))
    }

    var base: String { "http://127.0.0.1:\(port)" }

    func revokeToken() async throws {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/_revoke")
        request.method = .POST
        _ = try await HTTPClient.shared.execute(request, timeout: .seconds(10)).body.collect(upTo: 1024)
    }

    /// SIGKILL: the test process may have SIGTERM ignored (signal handling installs SIG_IGN),
    /// and children inherit that.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// A gateway with one open MiiTel source and the given sinks, on an in-memory store; its delivery
/// workers run while `deliver` runs its body.
struct DeliveryHarness {
    let gateway: Gateway
    let store: any CallStore
    let config: CallGateConfig

    static let miitelSource =
        "  - { id: miitel, adapter: miitel, region: JP, mapping: \(PackageRoot.path("Mappings/miitel.yaml").path) }"

    /// A fresh directory with `callgate.yaml`: `sources` (YAML list items, one open MiiTel source
    /// by default), an SQLite store (`store.sqlite`) and `sinks` (YAML list items).
    static func writeConfig(sinks: String, sources: String = miitelSource) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("callgate.yaml")
        try """
        server: { host: 127.0.0.1, port: 0 }
        store: { sqlite: store.sqlite }
        sources:
        \(sources)
        sinks:
        \(sinks)
        """.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    static func make(store kind: StoreKind = .memory, sinks: String, sources: String = miitelSource) async throws
        -> DeliveryHarness
    {
        let file = try writeConfig(sinks: sinks, sources: sources)
        let normalizer = try Normalizer.load(configFile: file.path, environment: [:])
        let store = try await kind.open()
        var logger = Logger(label: "delivery-test")
        logger.logLevel = ProcessInfo.processInfo.environment["CALLGATE_TEST_LOG"] == "1" ? .trace : .error
        return DeliveryHarness(
            gateway: try Gateway(normalizer: normalizer, store: store, logger: logger), store: store,
            config: normalizer.config)
    }

    /// Posts the MiiTel sample with its call id replaced, so each call gives a new event.
    @discardableResult
    func ingest(call: String) async throws -> String {
        let template = try Golden.json("miitel", "speech-recognition-ja")
        var object = template["call"]?.objectValue ?? JSONObject()
        object["id"] = .string(call)
        let response = await gateway.service.handle(
            InboundRequest(
                contentType: "application/json",
                body: JSONWriter.compact.bytes(template.setting("call", .object(object)))),
            source: "miitel")
        let json = try JSONParser.parse(response.body)
        try #require(response.status == 200, "\(json)")
        return try #require(json["id"]?.stringValue)
    }

    /// Runs the sinks' delivery workers while `body` runs.
    func deliver<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await delivering(gateway, body)
    }

    /// Waits until `condition` holds, up to `seconds`.
    func eventually(_ seconds: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
        try await CallGateServerTests.eventually(seconds, condition)
    }

    func rows(_ status: DeliveryStatus? = nil, sink: String? = nil) async -> [Delivery] {
        (try? await store.deliveries(status: status, sink: sink)) ?? []
    }
}
