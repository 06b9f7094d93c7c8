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

/// How loosely-typed values become canonical ones while a record is read: vendor strings in time
/// fields are ISO 8601 (offset-less ones in `zone`), phone strings are normalized with `region`.
public struct CoercionContext: Sendable {
    public var region: String
    public var zone: TimeZoneSpec?
    public init(region: String, zone: TimeZoneSpec? = nil) {
        self.region = region
        self.zone = zone
    }
}

/// Reads the members of one object of a mapping's output, tracking the field path for errors.
struct FieldReader {
    let object: JSONObject
    let path: String
    let context: CoercionContext

    init(_ value: JSONValue, path: String, context: CoercionContext) throws(FieldError) {
        guard case .object(let object) = value else {
            throw FieldError(path: path, message: "expected an object, got \(value.kindName)")
        }
        self.object = object
        self.path = path
        self.context = context
    }

    func sub(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The member, with JSON null and "" read as absent.
    func value(_ key: String) -> JSONValue? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let s)? where s.isEmpty: return nil
        case let v?: return v
        }
    }

    func string(_ key: String) throws(FieldError) -> String? {
        guard let v = value(key) else { return nil }
        return try Self.text(v, path: sub(key))
    }

    static func text(_ v: JSONValue, path: String) throws(FieldError) -> String {
        switch v {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return JSONWriter.compact.string(.double(d))
        case .bool(let b): return b ? "true" : "false"
        default: throw FieldError(path: path, message: "expected a string, got \(v.kindName)")
        }
    }

    func requiredString(_ key: String) throws(FieldError) -> String {
        guard let s = try string(key) else { throw FieldError(path: sub(key), message: "missing (required)") }
        return s
    }

    func vocabulary<V: Vocabulary>(_ key: String, _ type: V.Type) throws(FieldError) -> V? {
        guard let raw = try string(key) else { return nil }
        guard let v = V(validating: raw) else {
            throw FieldError(path: sub(key), message: "'\(raw)' is not a \(V.vocabularyName) (one of \(V.choices))")
        }
        return v
    }

    func requiredVocabulary<V: Vocabulary>(_ key: String, _ type: V.Type) throws(FieldError) -> V {
        guard let v = try vocabulary(key, type) else { throw FieldError(path: sub(key), message: "missing (required)") }
        return v
    }

    func number(_ key: String) throws(FieldError) -> Double? {
        guard let v = value(key) else { return nil }
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s):
            guard let d = Double(s.trimmingASCIISpaces()), d.isFinite else {
                throw FieldError(path: sub(key), message: "'\(s)' is not a number")
            }
            return d
        default: throw FieldError(path: sub(key), message: "expected a number, got \(v.kindName)")
        }
    }

    func time(_ key: String) throws(FieldError) -> Timestamp? {
        guard let v = value(key) else { return nil }
        do {
            return try TimeFormat.iso8601.parse(v, zone: context.zone)
        } catch {
            throw FieldError(path: sub(key), message: error.message)
        }
    }

    func phone(_ key: String) throws(FieldError) -> PhoneNumber? {
        guard let v = object[key] else { return nil }
        switch v {
        case .null: return nil
        case .string(let s): return PhoneNormalizer.normalize(s, defaultRegion: context.region)
        case .int(let i): return PhoneNormalizer.normalize(String(i), defaultRegion: context.region)
        case .object: return try PhoneNumber(json: v, path: sub(key))
        default: throw FieldError(path: sub(key), message: "expected a phone number string, got \(v.kindName)")
        }
    }

    func reader(_ key: String) throws(FieldError) -> FieldReader? {
        guard let v = value(key) else { return nil }
        return try FieldReader(v, path: sub(key), context: context)
    }

    /// Elements of an array member (absent or null → none), each with its path.
    func elements(_ key: String) throws(FieldError) -> [(JSONValue, String)] {
        guard let v = value(key) else { return [] }
        guard case .array(let a) = v else {
            throw FieldError(path: sub(key), message: "expected an array, got \(v.kindName)")
        }
        return a.enumerated().map { ($1, "\(sub(key))[\($0)]") }
    }

    func freeObject(_ key: String) throws(FieldError) -> JSONObject? {
        guard let v = value(key) else { return nil }
        guard case .object(let o) = v else {
            throw FieldError(path: sub(key), message: "expected an object, got \(v.kindName)")
        }
        return o
    }

    /// Rejects members the canonical model does not have, so a typo cannot vanish silently.
    func rejectUnknown(_ known: Set<String>) throws(FieldError) {
        for key in object.keys where !known.contains(key) {
            throw FieldError(path: sub(key), message: "not a field of the canonical record")
        }
    }
}
