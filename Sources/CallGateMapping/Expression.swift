import CallGateFoundation
import CallGateModel

/// A value expression of the mapping language, compiled once from YAML (Docs/mapping-language.md).
indirect enum Expression: Sendable {
    case literal(JSONValue)
    /// The first node a path selects, or null.
    case path(PathReference)
    /// Every node a path selects, as an array.
    case list(PathReference)
    /// Text with `{{ path }}` placeholders; null when any placeholder is null.
    case template([TemplatePart])
    /// The first non-null value.
    case coalesce([Expression])
    /// An enum translation table; `defaultValue` covers null and unlisted values.
    case map(Expression, table: [String: JSONValue], defaultValue: JSONValue?, ignoreCase: Bool)
    case convert(Expression, Conversion)
    case text(Expression, TextOperation)
    /// A vendor time → RFC 3339 UTC text.
    case time(Expression, TimeFormat, zone: TimeZoneSpec?)
    /// A vendor number → canonical phone object.
    case phone(Expression, region: String?)
    case secondsBetween(Expression, Expression)
    case earliest([Expression])
    case latest([Expression])
    /// Evaluates `body` once per element of `source` (bound to `@` and to `slot`), dropping nulls.
    case each(Expression, slot: Int, body: Expression)
    case flatten(Expression)
    case filter(Expression, slot: Int, where: Condition)
    case sort(Expression, slot: Int, key: Expression, descending: Bool)
    /// An object; `dropEmpty` leaves out null and "" members (free objects such as `vendor_meta`).
    case object([(String, Expression)], dropEmpty: Bool)
    case array([Expression])
    case conditional(Condition, then: Expression, else: Expression)
    case function(MappingFunction, [Expression])
    case without(Expression, keys: [String])
    case merge([Expression])
    case join(Expression, separator: String)
    case first(Expression)
    /// The value, or a failure with `message` when it is null, "" or empty (outbound mappings:
    /// a value the destination requires).
    case require(Expression, message: Expression?)
    /// The value in `table` (an object) of the first key that has one.
    case lookup(Expression, table: Expression)
    /// The lowercased extension of a URL's or file's path (`mp3`), without its query.
    case fileExtension(Expression)
    /// The product of numbers (an integer when every factor is one).
    case multiply([Expression])
    /// A number rounded to the nearest integer (halves away from zero).
    case round(Expression)
    /// An RFC 3339 time written as `unix_ms`, `unix` or a UTC `date` (YYYY-MM-DD).
    case formatTime(Expression, TimeOutput)
}

/// The forms `format_time` writes.
enum TimeOutput: String, Sendable, CaseIterable {
    case unixMilliseconds = "unix_ms"
    case unix
    case date
    case rfc3339
    /// `2024-05-14 02:01:20`, UTC (Pipedrive).
    case utcDateTime = "utc_datetime"
}

/// A path plus, for `$name` paths, the slot its variable lives in.
/// A class so that evaluating one retains a single reference instead of copying the path's parts.
final class PathReference: Sendable {
    let path: JSONPath
    let slot: Int?
    /// Where evaluation starts, without the variable's name.
    let start: Start
    /// The path's segments.
    let segments: [JSONPath.Segment]

    enum Start { case document, current, slot(Int) }

    init(path: JSONPath, slot: Int?) {
        self.path = path
        self.slot = slot
        self.segments = path.segments
        switch path.root {
        case .document: start = .document
        case .current: start = .current
        case .variable: start = .slot(slot ?? 0)
        }
    }
}

enum TemplatePart: Sendable {
    case text(String)
    case value(Expression)
}

enum Conversion: String, Sendable {
    case string, int, number, bool
}

enum TextOperation: String, Sendable {
    case trim, lowercase, uppercase
}

/// A condition of the mapping language (`when:`, `if:`, `where:`).
indirect enum Condition: Sendable {
    case always
    /// The value is not null (after `null_strings`).
    case exists(Expression)
    case missing(Expression)
    case equal(Expression, Expression)
    case notEqual(Expression, Expression)
    case oneOf(Expression, [JSONValue])
    case not(Condition)
    case all([Condition])
    case any([Condition])
    /// The value is text beginning with the prefix.
    case startsWith(Expression, String)
}

/// A function an adapter module registers for its mapping: the escape hatch for what YAML cannot
/// say (`udesk.record_expires_at`).
public struct MappingFunction: Sendable {
    /// Namespaced name used in YAML: `{ fn: udesk.record_expires_at, args: [...] }`.
    public let name: String
    public let arity: ClosedRange<Int>
    /// A one-line description for `Docs/` and error messages.
    public let summary: String
    public let body: @Sendable ([JSONValue], FunctionContext) throws(MessageError) -> JSONValue

    public init(
        name: String, arity: ClosedRange<Int>, summary: String,
        body: @escaping @Sendable ([JSONValue], FunctionContext) throws(MessageError) -> JSONValue
    ) {
        self.name = name
        self.arity = arity
        self.summary = summary
        self.body = body
    }
}

/// What a named function may know besides its arguments.
public struct FunctionContext: Sendable {
    public let source: SourceSettings
    public let receivedAt: Timestamp

    public init(source: SourceSettings, receivedAt: Timestamp) {
        self.source = source
        self.receivedAt = receivedAt
    }
}

/// A failure while evaluating a mapping on a payload, with the output field it happened in.
struct EvaluationError: Error {
    var path: [String]
    var message: String

    init(_ message: String) {
        self.path = []
        self.message = message
    }

    func inside(_ component: String) -> EvaluationError {
        var copy = self
        copy.path.insert(component, at: 0)
        return copy
    }
}
