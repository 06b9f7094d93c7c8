import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import Foundation

/// `callgate bench map`: normalization throughput on one thread, the whole path from request
/// bytes to serialized event JSON, optionally beside jq running the equivalent translation on the
/// same input in the same run.
public struct MapBenchmark {
    public var pipeline: SourcePipeline
    public var payload: [UInt8]
    public var seconds: Double

    public init(pipeline: SourcePipeline, payload: [UInt8], seconds: Double) {
        self.pipeline = pipeline
        self.payload = payload
        self.seconds = seconds
    }

    public struct Result: Sendable {
        public var records: Int
        public var payloads: Int
        public var elapsed: Double
        public var recordsPerSecond: Double { Double(records) / elapsed }
        public var microsecondsPerRecord: Double { elapsed * 1e6 / Double(records) }
    }

    /// Runs for about `seconds` after a short warm-up.
    public func run() throws -> Result {

        let request = InboundRequest(contentType: "application/json", body: payload)
        let receivedAt = Timestamp.now
        var sink = 0
        func once() throws -> Int {
            guard case .events(let events) = try pipeline.process(request, receivedAt: receivedAt) else { return 0 }
            for event in events { sink &+= event.jsonBytes().count }
            return events.count
        }
        let warmUp = ContinuousClock.now
        while ContinuousClock.now - warmUp < .milliseconds(300) { _ = try once() }
        var records = 0
        var payloads = 0
        let start = ContinuousClock.now
        let budget = Duration.milliseconds(Int64(seconds * 1000))
        while true {
            for _ in 0..<64 {
                records += try once()
                payloads += 1
            }
            if ContinuousClock.now - start >= budget { break }
        }
        let elapsed = ContinuousClock.now - start
        if sink == 42 { print("") }  // keeps the serialization from being optimized away
        return Result(records: records, payloads: payloads, elapsed: Self.seconds(elapsed))
    }

    /// Microseconds per payload spent in each stage, measured alone: parsing, mapping (including
    /// record checks and event ids), encoding the events; and, within mapping, the event ids
    /// alone (encoding the record for the hash and SHA-512).
    public struct Stages: Sendable {
        public var parse: Double
        public var map: Double
        public var encode: Double
        public var identity: Double
    }

    public func stages(iterations: Int = 2000) throws -> Stages {
        var parsed = try JSONTape(parsing: payload)
        let parseTime = try Self.time(iterations) { parsed = try JSONTape(parsing: payload) }
        var events: [CallEvent] = []
        let receivedAt = Timestamp.now
        let mapTime = try Self.time(iterations) {
            events = try pipeline.events(from: .tape(parsed), receivedAt: receivedAt)
        }
        var size = 0
        let encodeTime = try Self.time(iterations) { for event in events { size &+= event.jsonBytes().count } }
        var ids = 0
        let identityTime = try Self.time(iterations) {
            for event in events { ids &+= EventIdentity.eventId(for: event).utf8.count }
        }
        return Stages(parse: parseTime, map: mapTime, encode: encodeTime, identity: identityTime)
    }

    static func time(_ iterations: Int, _ body: () throws -> Void) throws -> Double {
        for _ in 0..<max(1, iterations / 10) { try body() }
        let start = ContinuousClock.now
        for _ in 0..<iterations { try body() }
        return seconds(ContinuousClock.now - start) * 1e6 / Double(iterations)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Runs `jq -c -f program` over `copies` concatenated copies of the payload and returns the
    /// records (output lines) per second, or `nil` when jq is not installed.
    public func runJQ(program: String, copies: Int) throws -> Result? {
        guard let jq = Self.which("jq") else { return nil }
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-bench-\(getpid()).json")
        var data = Data()
        let compact = JSONWriter.compact.bytes(try JSONParser.parse(payload))
        for _ in 0..<copies {
            data.append(contentsOf: compact)
            data.append(0x0A)
        }
        try data.write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: jq)
        process.arguments = ["-c", "-f", program, input.path]
        let output = Pipe()
        process.standardOutput = output
        let start = ContinuousClock.now
        try process.run()
        var lines = 0
        let handle = output.fileHandleForReading
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            lines += chunk.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        }
        process.waitUntilExit()
        let elapsed = Self.seconds(ContinuousClock.now - start)
        guard process.terminationStatus == 0 else {
            throw BenchmarkError(message: "jq exited with \(process.terminationStatus)")
        }
        return Result(records: lines, payloads: copies, elapsed: elapsed)
    }

    static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let path = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// The jq version string, for the report.
    public static func jqVersion() -> String? {
        guard let jq = which("jq") else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: jq)
        process.arguments = ["--version"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try? process.run()
        process.waitUntilExit()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

public struct BenchmarkError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
