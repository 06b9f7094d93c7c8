import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateStore
import CallGateTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import CallGateConfig
@testable import CallGatePipeline
@testable import CallGateReceive
@testable import CallGateServer

/// The server's own limits on real loopback sockets: a client trickling its headers or its body a
/// byte at a time (each byte would reset an idle timer) is cut off at the deadline and counted; one
/// connection over `max_connections` is answered 503; an idle connection is closed.
@Suite struct ServerLimitsTests {
    /// The harness's gateway served as `callgate serve` serves it (with `ConnectionLimits`), on a
    /// free loopback port.
    static func serving(
        _ server: String, _ body: @Sendable (_ port: Int, _ h: GatewayHarness) async throws -> Void
    ) async throws {
        let yaml = GatewayHarness.yaml.replacingOccurrences(
            of: "server: { host: 127.0.0.1, port: 0, max_body_bytes: 65536, trusted_proxies: [127.0.0.1/32] }",
            with: "server: { host: 127.0.0.1, port: 0, max_body_bytes: 65536, \(server) }")
        let h = try GatewayHarness.make(yaml: yaml)
        let limits = ConnectionLimits(h.gateway.config.server.limits, metrics: h.gateway.metrics)
        // Not HummingbirdTesting's `.live`: its client holds a connection of its own, which would
        // count against `max_connections`.
        let (ports, port) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: h.gateway.router(), server: limits.server,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { port.yield($0.localAddress?.port ?? 0) })
        let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "limits-test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let bound = try #require(await iterator.next())
            do {
                try await body(bound, h)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
        }
    }

    static func cutOffs(_ h: GatewayHarness, _ reason: String) -> Double? {
        PrometheusText(String(decoding: h.gateway.metrics.render(), as: UTF8.self))
            .value("callgate_http_cutoffs_total", ["reason": reason])
    }

    @Test func aClientTricklingItsHeadersIsCutOffAndCounted() async throws {
        try await Self.serving("header_timeout: 1s, body_timeout: 30s") { port, h in
            let client = try SlowClient(port: port)
            // 300 bytes at one per 100 ms would take 30 s.
            let head =
                "POST /v1/ingest/miitel HTTP/1.1\r\nHost: 127.0.0.1\r\n" + String(repeating: "X-Pad: y\r\n", count: 25)
            let trickle = client.trickle(Array(head.utf8), every: .milliseconds(100))
            let answer = await offPool { client.readAll() }
            #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer)")
            #expect(answer.contains(#""code":"header_timeout""#))
            #expect(trickle.sent < head.utf8.count, "every byte was sent before the cut-off")
            #expect(Self.cutOffs(h, "header_timeout") == 1)
            #expect(Self.cutOffs(h, "body_timeout") == nil)
        }
    }

    @Test func aClientTricklingItsBodyIsCutOffAndCounted() async throws {
        // Each byte (one per 100 ms) resets the idle timeout, so without a deadline of its own the
        // body would never be cut off. The idle timeout (1.5 s) is far above the pauses, so a busy
        // machine delaying the trickling thread does not close the connection as idle first.
        try await Self.serving("idle_timeout: 1500ms, header_timeout: 1s, body_timeout: 2s") { port, h in
            let client = try SlowClient(port: port)
            try client.send(
                Array(
                    "POST /v1/ingest/miitel HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 300\r\n\r\n"
                        .utf8))
            let trickle = client.trickle(Array(repeating: UInt8(ascii: " "), count: 300), every: .milliseconds(100))
            let answer = await offPool { client.readAll() }
            #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer)")
            #expect(answer.contains(#""code":"body_timeout""#))
            #expect(trickle.sent < 300, "every byte was sent before the cut-off")
            #expect(trickle.sent >= 10, "cut off before the body deadline: after \(trickle.sent) bytes")
            #expect(Self.cutOffs(h, "body_timeout") == 1)
            // Nothing was stored for the cut-off request.
            #expect(try await h.store.quarantined(source: nil, includeResolved: true).isEmpty)
        }
    }

    @Test func oneConnectionOverTheLimitIsAnswered503AndCounted() async throws {
        try await Self.serving("max_connections: 2") { port, h in
            let first = try SlowClient(port: port)
            let second = try SlowClient(port: port)
            try first.send(Array("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
            #expect(await offPool { first.readResponse() }.hasPrefix("HTTP/1.1 200"))
            let third = try SlowClient(port: port)
            try third.send(Array("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
            let refused = await offPool { third.readAll() }
            #expect(refused.hasPrefix("HTTP/1.1 503"), "\(refused)")
            #expect(refused.contains(#""code":"too_many_connections""#))
            #expect(Self.cutOffs(h, "too_many_connections") == 1)
            // Once one closes, a new connection is served.
            first.close()
            _ = second
            var served = false
            for _ in 0..<50 where !served {
                let again = try SlowClient(port: port)
                try again.send(Array("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
                served = await offPool { again.readResponse() }.hasPrefix("HTTP/1.1 200")
                if !served { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(served)
        }
    }

    @Test func anIdleConnectionIsClosed() async throws {
        try await Self.serving("idle_timeout: 300ms") { port, _ in
            let client = try SlowClient(port: port)
            try client.send(Array("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
            #expect(await offPool { client.readResponse() }.hasPrefix("HTTP/1.1 200"))
            // Kept alive, then closed by the server (the read sees the end, not its own 15 s timeout).
            #expect(await offPool { client.readAll() } == "")
            #expect(client.lastReadEndedWithEOF)
        }
    }
}

/// Runs blocking socket reads on a thread of their own: on the cooperative pool (two threads on a
/// two-core machine) they would starve the very server they wait for.
func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: work()) }
    }
}

/// A raw TCP connection on loopback that can send a request in pieces, or as slowly as a slowloris
/// does (also used by `ReloadTests`).
final class SlowClient: @unchecked Sendable {
    let fd: Int32
    /// Bytes sent by the trickling thread, and whether it should stop.
    final class Trickle: Sendable {
        let count = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
        var sent: Int { count.load(ordering: .relaxed) }
    }
    private(set) var lastReadEndedWithEOF = false
    private var closed = false

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { throw StoreError("cannot connect to port \(port)") }
        // A read never waits more than 15 s, so a test fails instead of hanging.
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close() }

    func close() {
        guard !closed else { return }
        closed = true
        Foundation.close(fd)
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes {
                Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard n > 0 else { throw StoreError("send failed") }
            offset += n
        }
    }

    /// Sends `bytes` one at a time, `interval` apart, on a thread of its own, until all are sent, a
    /// send fails (the server closed) or something has been read.
    func trickle(_ bytes: [UInt8], every interval: Duration) -> Trickle {
        let trickle = Trickle()
        let fd = self.fd
        let pause = UInt32(
            interval.components.attoseconds / 1_000_000_000_000 + interval.components.seconds * 1_000_000)
        Thread.detachNewThread {
            for byte in bytes {
                if trickle.stop.load(ordering: .relaxed) { return }
                let n = withUnsafeBytes(of: byte) { Foundation.send(fd, $0.baseAddress, 1, Int32(MSG_NOSIGNAL)) }
                guard n == 1 else { return }
                trickle.count.add(1, ordering: .relaxed)
                usleep(pause)
            }
        }
        self.trickling = trickle
        return trickle
    }

    private var trickling: Trickle?

    /// Everything until the server closes the connection (or 15 s pass).
    func readAll() -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        lastReadEndedWithEOF = false
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                trickling?.stop.store(true, ordering: .relaxed)
                received += buffer[..<n]
                continue
            }
            lastReadEndedWithEOF = n == 0
            break
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// One response (its head and a Content-Length body), leaving the connection open.
    func readResponse() -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            received += buffer[..<n]
            let text = String(decoding: received, as: UTF8.self)
            if let end = text.range(of: "\r\n\r\n"),
                let line = text[..<end.lowerBound].split(separator: "\r\n").first(where: {
                    $0.lowercased().hasPrefix("content-length:")
                }),
                let length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)),
                text.utf8.count - text.utf8.distance(from: text.startIndex, to: end.upperBound) >= length
            {
                return text
            }
        }
        return String(decoding: received, as: UTF8.self)
    }
}
