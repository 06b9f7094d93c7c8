import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateTestSupport
import Foundation
import Testing

@testable import CallGateConfig
@testable import CallGatePipeline
@testable import CallGateReceive
@testable import CallGateServer

/// The file sink on opening: a torn last line is closed off by reading the last byte alone, and a
/// file it creates (in directories it creates) gets its directory entry synced.
@Suite struct FileSinkSenderTests {
    static func request(_ id: String) throws -> DeliveryRequest {
        let config = try CallGateConfig(
            yaml: "sources: []\nsinks: [{ id: archive, type: file, path: x.jsonl }]", file: "t.yaml", environment: [:])
        return try DeliveryRequest(
            event: Array(#"{"id":"\#(id)"}"#.utf8), eventId: id, sink: try #require(config.sinks.first), at: .now)
    }

    static func directory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-file-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// A 64 GiB archive (sparse, so it takes no disk) ending in a torn line: reading it whole to find
    /// its last byte would need 64 GiB of memory; the sender reads one byte.
    @Test func aTornLastLineOfAHugeArchiveIsClosedOffFromItsLastByte() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("events.jsonl").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let offset: UInt64 = 64 << 30
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: Array(#"{"id":"torn"#.utf8))
        try handle.close()

        let sender = FileSinkSender(path: path)
        #expect(
            await sender.send(try Self.request("evt_after"), eventId: "evt_after")
                == .response(status: 200, retryAfter: nil))

        let reader = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? reader.close() }
        try reader.seek(toOffset: offset)
        let tail = String(decoding: try reader.readToEnd() ?? Data(), as: UTF8.self)
        #expect(tail == #"{"id":"torn"# + "\n" + #"{"id":"evt_after"}"# + "\n")
    }

    @Test func aFileThatEndsInANewlineGetsNoBlankLine() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("events.jsonl").path
        try Data(#"{"id":"one"}"#.utf8 + [0x0A]).write(to: URL(fileURLWithPath: path))
        let sender = FileSinkSender(path: path)
        _ = await sender.send(try Self.request("two"), eventId: "two")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"id\":\"one\"}\n{\"id\":\"two\"}\n")
    }

    @Test func aNewFileInNewDirectoriesIsCreatedAndItsDirectorySynced() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("a/b/events.jsonl").path
        let sender = FileSinkSender(path: path)
        #expect(await sender.send(try Self.request("one"), eventId: "one") == .response(status: 200, retryAfter: nil))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"id\":\"one\"}\n")
        // Syncing a directory that is not there is an error, so the sync is not a no-op.
        #expect(throws: (any Error).self) {
            try FileSinkSender.synchronizeDirectory(directory.appendingPathComponent("missing").path)
        }
        try FileSinkSender.synchronizeDirectory(directory.appendingPathComponent("a/b").path)
    }
}
