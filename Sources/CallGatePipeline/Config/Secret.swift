import CallGateFoundation
import CallGateMapping
import CallGateModel

/// A secret from the configuration. It prints as `<redacted>` so it cannot reach a log line or an
/// error message by accident; read `value` only where it is used.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

/// Where a configuration value was written, for errors raised after decoding.
public struct ConfigLocation: Sendable, Hashable {
    public var file: String
    public var line: Int
    public var column: Int

    public func error(_ message: String) -> LocatedError {
        LocatedError(file: file, line: line, column: column, message: message)
    }
}
