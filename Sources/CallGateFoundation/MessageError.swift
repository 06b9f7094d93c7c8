/// A plain error carrying a message; wrapped with a location or field path by whoever catches it.
public struct MessageError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
