import AsyncHTTPClient
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGateStore
import CallGateTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

@testable import CallGateConfig
@testable import CallGatePipeline
@testable import CallGateReceive
@testable import CallGateServer

/// A gateway on a test configuration and an in-memory store, with every log line captured.
struct GatewayHarness {
    let gateway: Gateway
    let store: any CallStore
    let logs: LogCapture
    /// The configuration file (in a directory of its own, with the file sinks' output).
    let configFile: URL

    static let secrets = [
        "MIITEL_TOKEN": "miitel-bearer-s3cret", "UDESK_TOKEN": "udesk-payload-s3cret",
        "BIZTEL_KEY": "biztel-key-s3cret",
        "PBX_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "HMAC_SECRET": "hmac-s3cret",
        "BASIC_PASSWORD": "basic-s3cret",
    ]

    static func mapping(_ vendor: String) -> String { PackageRoot.path("Mappings/\(vendor).yaml").path }

    /// Sources with each authentication method, plus open ones (the server binds loopback).
    static var yaml: String {
        """
        server: { host: 127.0.0.1, port: 0, max_body_bytes: 65536, trusted_proxies: [127.0.0.1/32] }
        store: { sqlite: unused.sqlite }
        sources:
          - { id: miitel, adapter: miitel, region: JP, mapping: \(mapping("miitel")) }
          - id: miitel-bearer
            adapter: miitel
            mapping: \(mapping("miitel"))
            auth: { bearer: "${MIITEL_TOKEN}" }
          - id: udesk
            adapter: udesk
            mapping: \(mapping("udesk"))
            auth: { payload_secret: { path: $.extend.token, value: "${UDESK_TOKEN}" } }
          - id: biztel
            adapter: biztel
            region: JP
            mapping: \(mapping("biztel"))
            recording_url: https://s0000.u.biztel.jp:8000/monitor_link/{ID}
            auth: { query_key: { name: key, value: "${BIZTEL_KEY}" } }
          - id: pbx
            adapter: pbx
            mapping: \(mapping("pbx"))
            timezone: Asia/Tokyo
            auth: { standard_webhooks: { secret: "${PBX_SECRET}" } }
          - id: pbx-hmac
            adapter: pbx
            mapping: \(mapping("pbx"))
            auth: { hmac: { header: X-Hub-Signature-256, secret: "${HMAC_SECRET}" } }
          - id: pbx-basic
            adapter: pbx
            mapping: \(mapping("pbx"))
            auth: { basic: { username: pbx, password: "${BASIC_PASSWORD}" } }
          - id: miitel-ips
            adapter: miitel
            mapping: \(mapping("miitel"))
            max_body_bytes: 2048
            auth: { allow_ips: [18.177.83.94/32, "2001:db8::/32"] }
        sinks:
          - { id: archive, type: file, path: events.jsonl }
          - { id: completed-only, type: file, path: completed.jsonl, events: [call.completed] }
        """
    }

    /// Loads the harness's configuration file again (what SIGHUP does in `callgate serve`).
    func load() throws -> Normalizer { try Normalizer.load(configFile: configFile.path, environment: Self.secrets) }

    static func make(yaml: String = yaml) throws -> GatewayHarness {
        try make(yaml: yaml, store: MemoryStore())
    }

    /// The harness on a new store of `kind` (the end-to-end tests run on each).
    static func make(yaml: String = yaml, store kind: StoreKind) async throws -> GatewayHarness {
        try make(yaml: yaml, store: try await kind.open())
    }

    static func make(yaml: String, store: any CallStore) throws -> GatewayHarness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("callgate.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let normalizer = try Normalizer.load(configFile: file.path, environment: secrets)
        let logs = LogCapture()
        var logger = Logger(label: "test") { _ in logs.handler }
        logger.logLevel = .trace
        return GatewayHarness(
            gateway: try Gateway(normalizer: normalizer, store: store, logger: logger), store: store, logs: logs,
            configFile: file)
    }

    func test(_ setup: TestingSetup = .router, _ body: @Sendable (any TestClientProtocol) async throws -> Void)
        async throws
    {
        let app = Application(router: gateway.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(setup) { client in try await body(client) }
    }
}

/// Runs the gateway's delivery workers (as `callgate serve` does) while `body` runs.
func delivering<T: Sendable>(_ gateway: Gateway, _ body: @Sendable () async throws -> T) async throws -> T {
    let client = DeliveryWorker.makeHTTPClient()
    do {
        let result = try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await gateway.runDelivery(client: client)
                return nil
            }
            let result = try await body()
            group.cancelAll()
            return result
        }
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// Waits until `condition` holds, up to `seconds`.
func eventually(_ seconds: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

extension TestResponse {
    var json: JSONValue { (try? JSONParser.parse(Array(buffer: body))) ?? .null }
    var text: String { String(buffer: body) }
    var errorCode: String? { json["error"]?["code"]?.stringValue }
}

func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }
func buffer(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

func fixtureBody(_ vendor: String, _ name: String) throws -> [UInt8] {
    guard let fixture = Golden.fixtures(vendor).first(where: { $0.name == name }) else {
        throw FixtureMissing(name: "\(vendor)/\(name)")
    }
    return fixture.body
}

/// Every log line, as text with its metadata (the logger's own included, such as `request_id`),
/// for asserting what never appears in logs.
final class LogCapture: Sendable {
    let lines = Mutex<[String]>([])
    /// The same lines as `log.format: json` writes them.
    let jsonLines = Mutex<[String]>([])

    var all: String { lines.withLock { $0.joined(separator: "\n") } }
    var json: String { jsonLines.withLock { $0.joined() } }

    /// A handler writing here.
    var handler: Handler { Handler(capture: self) }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(
            level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
            function: String, line: UInt
        ) {
            let all = self.metadata.merging(metadata ?? [:]) { _, new in new }
            let text = "\(level) \(message) \(all)"
            capture.lines.withLock { $0.append(text) }
            let event = LogEvent(
                level: level, message: message, metadata: metadata, source: source, file: file, function: function,
                line: line)
            let json = JSONLogHandler.line(event: event, label: "test", metadata: self.metadata)
            capture.jsonLines.withLock { $0.append(String(decoding: json, as: UTF8.self)) }
        }
    }
}
