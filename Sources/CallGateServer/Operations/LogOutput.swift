import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import Foundation
import Logging

/// The gateway's log handlers (`log:`): human-readable lines (`text`, the default) or one JSON
/// object per line (`json`), on standard error. The level lives in a shared box so a reload can
/// change it.
public enum LogOutput {
    /// The level every handler made by `bootstrap` uses; a reload sets it.
    public static let level = LevelBox()

    /// Installs the handlers for the process (once).
    public static func bootstrap(format: String, level: Logger.Level) {
        Self.level.value = level
        let writer = LineWriter(handle: FileHandle.standardError)
        LoggingSystem.bootstrap { label in
            if format == "json" { return JSONLogHandler(label: label, level: Self.level, writer: writer) }
            return LevelControlled(inner: StreamLogHandler.standardError(label: label), level: Self.level)
        }
    }

    public final class LevelBox: @unchecked Sendable {
        private let lock = NSLock()
        private var level = Logger.Level.info
        public var value: Logger.Level {
            get { lock.withLock { level } }
            set { lock.withLock { level = newValue } }
        }
    }
}

/// Writes whole lines; one line at a time, so lines of concurrent requests never interleave.
final class LineWriter: @unchecked Sendable {
    private let lock = NSLock()
    private let handle: FileHandle
    init(handle: FileHandle) { self.handle = handle }
    func write(_ bytes: [UInt8]) { lock.withLock { handle.write(Data(bytes)) } }
}

/// A handler whose level is the shared box's.
struct LevelControlled<Inner: LogHandler>: LogHandler {
    var inner: Inner
    let level: LogOutput.LevelBox

    var logLevel: Logger.Level {
        get { level.value }
        set {}
    }
    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) { inner.log(event: event) }
}

/// One JSON object per line: `time` (RFC 3339, UTC), `level`, `label`, `message`, then the
/// metadata (`request_id`, `source`, `sink`, `event_id`, …) as strings, arrays and objects.
public struct JSONLogHandler: LogHandler {
    public let label: String
    public var metadata: Logger.Metadata = [:]
    let level: LogOutput.LevelBox
    let writer: LineWriter

    init(label: String, level: LogOutput.LevelBox, writer: LineWriter) {
        self.label = label
        self.level = level
        self.writer = writer
    }

    public var logLevel: Logger.Level {
        get { level.value }
        set {}
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        writer.write(Self.line(event: event, label: label, metadata: metadata))
    }

    /// The line for one event (with its newline).
    static func line(event: LogEvent, label: String, metadata base: Logger.Metadata, at time: Date = Date())
        -> [UInt8]
    {
        var o = JSONObject()
        o["time"] = .string(Timestamp(microseconds: Int64((time.timeIntervalSince1970 * 1e6).rounded())).description)
        o["level"] = .string(event.level.rawValue)
        o["label"] = .string(label)
        o["message"] = .string(event.message.description)
        let merged = base.merging(event.metadata ?? [:]) { _, new in new }
        for key in merged.keys.sorted() where o[key] == nil {
            o[key] = json(merged[key]!)
        }
        return JSONWriter.compact.bytes(.object(o)) + [0x0A]
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let s): .string(s)
        case .stringConvertible(let s): .string(s.description)
        case .array(let a): .array(a.map(json))
        case .dictionary(let d): .object(JSONObject(d.keys.sorted().map { ($0, json(d[$0]!)) }))
        }
    }
}
