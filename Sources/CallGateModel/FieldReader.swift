import CallGateFoundation

/// Reads the members of one object of a mapping's output. Errors carry the path relative to this
/// object; `nested` prefixes the parent's key while unwinding, so no path string is built unless
/// something fails.
package struct FieldReader {
    let object: JSONObject
    /// The top level of a mapping's `call:` output, one value per field of
    /// `CallRecord.fieldNames` (by position), instead of an object: no object is built and no
    /// member is searched for.
    let slots: [JSONValue]?
    let context: CoercionContext
    /// The top level of mapping output has field names the compiler already checked; nested objects
    /// and stored or external JSON do not.
    let checkKeys: Bool

    init(_ value: JSONValue, context: CoercionContext, checkKeys: Bool) throws(FieldError) {
        guard case .object(let object) = value else {
            throw FieldError(path: "", message: "expected an object, got \(value.kindName)")
        }
        self.object = object
        self.slots = nil
        self.context = context
        self.checkKeys = checkKeys
    }

    package init(callSlots: [JSONValue], context: CoercionContext) {
        self.object = JSONObject()
        self.slots = callSlots
        self.context = context
        self.checkKeys = false
    }

    /// The member as given (JSON null included), or nil when absent.
    @inline(__always) func member(_ key: String) -> JSONValue? {
        guard let slots else { return object[key] }
        guard let index = CallRecord.fieldIndex[key] else { return nil }
        return slots[index]
    }

    /// Runs `body`, prefixing any error's path with `component` (`key` or `[3]`).
    @inline(__always) static func nested<T>(_ component: String, _ body: () throws(FieldError) -> T) throws(FieldError)
        -> T
    {
        do {
            return try body()
        } catch {
            var e = error
            if component.isEmpty { throw e }
            e.path =
                e.path.isEmpty ? component : (e.path.hasPrefix("[") ? component + e.path : component + "." + e.path)
            throw e
        }
    }

    /// The member, with JSON null and "" read as absent.
    func value(_ key: String) -> JSONValue? {
        switch member(key) {
        case nil, .null?: return nil
        case .string(let s)? where s.isEmpty: return nil
        case let v?: return v
        }
    }

    func string(_ key: String) throws(FieldError) -> String? {
        guard let v = value(key) else { return nil }
        return try Self.text(v, path: key)
    }

    package static func text(_ v: JSONValue, path: String) throws(FieldError) -> String {
        switch v {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return JSONWriter.compact.string(.double(d))
        case .bool(let b): return b ? "true" : "false"
        default: throw FieldError(path: path, message: "expected a string, got \(v.kindName)")
        }
    }

    func requiredString(_ key: String) throws(FieldError) -> String {
        guard let s = try string(key) else { throw FieldError(path: key, message: "missing (required)") }
        return s
    }

    func vocabulary<V: Vocabulary>(_ key: String, _ type: V.Type) throws(FieldError) -> V? {
        guard let raw = try string(key) else { return nil }
        guard let v = V(validating: raw) else {
            throw FieldError(path: key, message: "'\(raw)' is not a \(V.vocabularyName) (one of \(V.choices))")
        }
        return v
    }

    func requiredVocabulary<V: Vocabulary>(_ key: String, _ type: V.Type) throws(FieldError) -> V {
        guard let v = try vocabulary(key, type) else { throw FieldError(path: key, message: "missing (required)") }
        return v
    }

    func number(_ key: String) throws(FieldError) -> Double? {
        guard let v = value(key) else { return nil }
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s):
            guard let d = Double(s.trimmingASCIISpaces()), d.isFinite else {
                throw FieldError(path: key, message: "'\(s)' is not a number")
            }
            return d
        default: throw FieldError(path: key, message: "expected a number, got \(v.kindName)")
        }
    }

    func time(_ key: String) throws(FieldError) -> Timestamp? {
        guard let v = value(key) else { return nil }
        do {
            return try TimeFormat.iso8601.parse(v, zone: context.zone)
        } catch {
            throw FieldError(path: key, message: error.message)
        }
    }

    func phone(_ key: String) throws(FieldError) -> PhoneNumber? {
        guard let v = member(key) else { return nil }
        switch v {
        case .null: return nil
        case .string(let s): return context.phone(s)
        case .int(let i): return context.phone(String(i))
        case .object: return try Self.nested(key) { () throws(FieldError) in try PhoneNumber(json: v, path: "") }
        default: throw FieldError(path: key, message: "expected a phone number string, got \(v.kindName)")
        }
    }

    /// Reads a nested object member with `body`; absent, null and "" give `nil`.
    func object<T>(_ key: String, _ body: (FieldReader) throws(FieldError) -> T?) throws(FieldError) -> T? {
        guard let v = value(key) else { return nil }
        return try Self.nested(key) { () throws(FieldError) in
            // Nested objects may come whole from the payload, so their keys are always checked.
            try body(try FieldReader(v, context: context, checkKeys: true))
        }
    }

    /// Reads each element of an array member with `body` (absent or null → none; `nil` results are
    /// left out).
    func elements<T>(_ key: String, _ body: (JSONValue) throws(FieldError) -> T?) throws(FieldError) -> [T] {
        guard let v = value(key) else { return [] }
        guard case .array(let a) = v else {
            throw FieldError(path: key, message: "expected an array, got \(v.kindName)")
        }
        var out: [T] = []
        out.reserveCapacity(a.count)
        for (i, element) in a.enumerated() {
            let item = try Self.nested(key) { () throws(FieldError) in
                try Self.nested("[\(i)]") { () throws(FieldError) in try body(element) }
            }
            if let item { out.append(item) }
        }
        return out
    }

    /// Reads each element as an object.
    func objects<T>(_ key: String, _ body: (FieldReader) throws(FieldError) -> T?) throws(FieldError) -> [T] {
        try elements(key) { (element) throws(FieldError) -> T? in
            try body(try FieldReader(element, context: context, checkKeys: true))
        }
    }

    func freeObject(_ key: String) throws(FieldError) -> JSONObject? {
        guard let v = value(key) else { return nil }
        guard case .object(let o) = v else {
            throw FieldError(path: key, message: "expected an object, got \(v.kindName)")
        }
        return o
    }

    /// Rejects members the canonical model does not have, so a typo cannot vanish silently.
    func rejectUnknown(_ known: [String]) throws(FieldError) {
        guard checkKeys else { return }
        for (key, _) in object where !known.contains(key) {
            throw FieldError(path: key, message: "not a field of the canonical record")
        }
    }
}
