import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive
import Foundation

#if canImport(Glibc)
    import Glibc
    private func openDirectory(_ path: String) -> Int32 { Glibc.open(path, O_RDONLY | O_DIRECTORY) }
#elseif canImport(Darwin)
    import Darwin
    private func openDirectory(_ path: String) -> Int32 { Darwin.open(path, O_RDONLY | O_DIRECTORY) }
#endif

/// `type: file`: appends each event as one JSON line and fsyncs before the row counts as
/// delivered.
actor FileSinkSender: SinkSender {
    let path: String
    private var handle: FileHandle?

    init(path: String) { self.path = path }

    func send(_ request: DeliveryRequest, eventId: String) async -> RetryPolicy.Outcome {
        do {
            let handle = try open()
            try handle.seekToEnd()
            try handle.write(contentsOf: request.body + [0x0A])
            try handle.synchronize()
            return .response(status: 200, retryAfter: nil)
        } catch {
            self.handle = nil
            return .failure("cannot append to \(path): \(error.localizedDescription)")
        }
    }

    private func open() throws -> FileHandle {
        if let handle { return handle }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) {
            // A file that cannot be created fails to open just below, with the reason.
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            // The new file's directory entry must be on disk too, or a crash could lose the file
            // with lines already counted as delivered.
            try Self.synchronizeDirectory(directory.path)
        }
        let handle = try FileHandle(forUpdating: url)
        // A line torn by a crash mid-append is closed off, so the next event starts a line of its
        // own (the torn event was not recorded as delivered and is written again whole).
        if let last = try Self.lastByte(of: handle), last != 0x0A {
            try handle.seekToEnd()
            try handle.write(contentsOf: [0x0A])
        }
        self.handle = handle
        return handle
    }

    /// The file's last byte, read alone (the archive can be gigabytes); nil when it is empty.
    static func lastByte(of handle: FileHandle) throws -> UInt8? {
        let end = try handle.seekToEnd()
        guard end > 0 else { return nil }
        try handle.seek(toOffset: end - 1)
        return try handle.read(upToCount: 1)?.first
    }

    static func synchronizeDirectory(_ path: String) throws {
        let fd = openDirectory(path)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }
}
