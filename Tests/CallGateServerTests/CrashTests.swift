import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateStore
import CallGateTestSupport
import Foundation
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The real binary, killed with SIGKILL while requests are in flight: every request it answered
/// 200 must be in the store exactly once after a restart.
/// A running `callgate serve` and the port it listens on (read from its start-up log line).
final class GatewayProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    /// Everything it wrote to standard error so far.
    let log = SharedText()

    init(config: URL) throws {
        process.executableURL = PackageRoot.path(".build/debug/callgate")
        process.arguments = ["serve", "--config", config.path]
        process.currentDirectoryURL = config.deletingLastPathComponent()
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var seen = ""
        var port: Int?
        let deadline = Date().addingTimeInterval(30)
        while port == nil, Date() < deadline {
            let chunk = stderr.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if let range = seen.range(of: #"http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                port = Int(seen[range].split(separator: ":").last ?? "")
            }
        }
        guard let port else {
            process.terminate()
            throw StoreError("the server did not start: \(seen)")
        }
        self.port = port
        log.append(seen)
        // Keep draining its log so it never blocks on a full pipe.
        let handle = stderr.fileHandleForReading
        Thread.detachNewThread { [log] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                log.append(String(decoding: chunk, as: UTF8.self))
            }
        }
    }

    func kill9() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

/// Text appended from one thread and read from others.
final class SharedText: @unchecked Sendable {
    private let lock = NSLock()
    private var value = ""
    var text: String { lock.withLock { value } }
    func append(_ more: String) { lock.withLock { value += more } }
}

/// What the posting tasks share.
final class Progress: Sendable {
    let next = Atomic<Int>(0)
    let acknowledged = Mutex<[Int: String]>([:])
}

@Suite struct CrashTests {
    static func post(_ body: [UInt8], port: Int) async -> (status: Int, body: JSONValue)? {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/ingest/miitel")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body)
        request.timeoutInterval = 10
        guard let (data, response) = try? await URLSession.shared.data(for: request),
            let http = response as? HTTPURLResponse
        else { return nil }
        return (http.statusCode, (try? JSONParser.parse([UInt8](data))) ?? .null)
    }

    static func payload(_ template: JSONValue, _ i: Int) -> [UInt8] {
        var call = template["call"]?.objectValue ?? JSONObject()
        call["id"] = .string("crash-call-\(i)")
        return JSONWriter.compact.bytes(template.setting("call", .object(call)))
    }

    /// A fresh directory with a configuration for one open MiiTel source, an SQLite store
    /// (`store.sqlite`) and a file sink.
    static func configuration() throws -> (directory: URL, config: URL) {
        let config = try DeliveryHarness.writeConfig(sinks: "  - { id: archive, type: file, path: events.jsonl }")
        return (config.deletingLastPathComponent(), config)
    }

    @Test func everyAcknowledgedEventSurvivesKill9ExactlyOnce() async throws {
        let (directory, config) = try Self.configuration()

        let template = try Golden.json("miitel", "speech-recognition-ja")
        let server = try GatewayProcess(config: config)
        let total = 400
        let shared = Progress()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    while true {
                        let i = shared.next.add(1, ordering: .relaxed).oldValue
                        if i >= total { return }
                        guard let (status, body) = await Self.post(Self.payload(template, i), port: server.port) else {
                            continue
                        }
                        if status == 200, let id = body["id"]?.stringValue {
                            shared.acknowledged.withLock { $0[i] = id }
                        }
                    }
                }
            }
            group.addTask {
                // Kill mid-stream, once a good share has been acknowledged.
                while shared.acknowledged.withLock({ $0.count }) < total / 4 {
                    try await Task.sleep(for: .milliseconds(5))
                }
                server.kill9()
            }
            try await group.waitForAll()
        }
        let acked = shared.acknowledged.withLock { $0 }
        #expect(acked.count >= total / 4)
        #expect(acked.count < total, "the kill came too late to interrupt anything")

        // Restart on the same store: every acknowledged payload is already there, once.
        let restarted = try GatewayProcess(config: config)
        defer { restarted.stop() }
        for (i, id) in acked.sorted(by: { $0.key < $1.key }) {
            let answer = await Self.post(Self.payload(template, i), port: restarted.port)
            #expect(answer?.status == 200)
            #expect(answer?.body["status"] == "duplicate", "payload \(i) was acknowledged but not stored")
            #expect(answer?.body["id"]?.stringValue == id)
        }
        let store = try SQLiteStore(path: directory.appendingPathComponent("store.sqlite").path)
        let events = try await store.events(callKey: nil, limit: 10 * total)
        let ids = events.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(Set(acked.values).isSubset(of: Set(ids)))
        let deliveries = try await store.deliveries(status: nil, sink: "archive")
        #expect(deliveries.count == ids.count)

        // Delivery: the restarted server sends what the killed one had not, so every acknowledged
        // event reaches the file sink at least once. Duplicates (delivered, then killed before the
        // attempt was recorded) are counted and reported.
        let deadline = ContinuousClock.now + .seconds(60)
        while try await !store.deliveries(status: .pending, sink: "archive").isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try await store.deliveries(status: .pending, sink: "archive").isEmpty)
        let lines = try String(contentsOf: directory.appendingPathComponent("events.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        var delivered: [String: Int] = [:]
        var torn = 0
        for line in lines {
            guard let id = (try? JSONParser.parse(Array(line.utf8)))?["id"]?.stringValue else {
                torn += 1
                continue
            }
            delivered[id, default: 0] += 1
        }
        let missing = Set(acked.values).subtracting(delivered.keys)
        #expect(missing.isEmpty, "acknowledged but never delivered: \(missing.count)")
        let duplicates = delivered.values.reduce(0) { $0 + $1 - 1 }
        print(
            "kill -9 delivery: \(acked.count) acknowledged, \(delivered.count) distinct events delivered, \(duplicates) duplicate deliveries, \(torn) torn lines"
        )
        #expect(torn <= 1)
        try await store.close()
    }

    /// SIGTERM: in-flight work finishes, the store is closed, the process exits 0.
    @Test func sigtermShutsDownGracefully() async throws {
        let (directory, config) = try Self.configuration()
        let server = try GatewayProcess(config: config)
        let template = try Golden.json("miitel", "speech-recognition-ja")
        let answer = await Self.post(Self.payload(template, 1), port: server.port)
        #expect(answer?.status == 200)
        server.process.terminate()
        server.process.waitUntilExit()
        #expect(server.process.terminationReason == .exit)
        #expect(server.process.terminationStatus == 0)
        let store = try SQLiteStore(path: directory.appendingPathComponent("store.sqlite").path)
        #expect(try await store.events(callKey: nil, limit: 10).count == 1)
        try await store.close()
    }
}
