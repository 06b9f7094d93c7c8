import CallGateFoundation

/// A payload could not produce a valid record: names the field (`call.started_at`) and why.
public struct FieldError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}
