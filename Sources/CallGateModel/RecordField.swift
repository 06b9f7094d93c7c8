import CallGateFoundation

/// What the canonical record expects in a field, so a mapping is checked against the model when
/// it is loaded: unknown fields and enum targets outside the vocabulary fail at start-up, not on
/// the first call.
package indirect enum FieldKind: Sendable {
    case any
    case string
    case number
    case time
    case phone
    case vocabulary(name: String, allowed: [String])
    case object([(String, FieldKind)])
    /// An object with operator-defined keys (`custom`, `vendor_meta`, `analytics`).
    case freeObject
    case array(FieldKind)

    package static func vocabulary<V: Vocabulary>(_ type: V.Type) -> FieldKind {
        .vocabulary(name: V.vocabularyName, allowed: V.all.map(\.rawValue))
    }

    package var elementKind: FieldKind {
        if case .array(let element) = self { return element }
        return .any
    }

    package var fieldNames: [String]? {
        if case .object(let fields) = self { return fields.map(\.0) }
        return nil
    }

    package func field(_ name: String) -> FieldKind? {
        if case .object(let fields) = self { return fields.first { $0.0 == name }?.1 }
        return nil
    }
}

/// One top-level field of the call record, declared once in `CallRecord.fields`: its canonical
/// name, its kind (what a mapping may put in it), and how it is written to canonical JSON (bytes
/// and tree), read (from mapping output, a stored event or external JSON) and merged with the
/// stored call.
package struct RecordField: Sendable {
    package let name: StaticString
    package let kind: FieldKind
    /// Writes the value (the key is written by the caller).
    let write: @Sendable (CallRecord, inout EventEncoder) -> Void
    let tree: @Sendable (CallRecord) -> JSONValue
    let read: @Sendable (FieldReader, inout CallRecord) throws(FieldError) -> Void
    /// Sets the field of the merged record (which starts as the stored one) from the stored and
    /// the incoming record.
    let merge: @Sendable (inout CallRecord, CallRecord, CallRecord) -> Void

    package var text: String { name.description }

    /// A field holding `T?`: absent, null and "" read as `nil`, written as `null`. Merged by
    /// `merge(stored, incoming)`; by default the incoming value when it is known, else the stored
    /// one (an unknown value never erases a known one). `get` and `set` are closures, not key
    /// paths: a key path applied at run time copies the whole record on every access.
    static func optional<T: RecordValue>(
        _ name: StaticString, _ get: @escaping @Sendable (CallRecord) -> T?,
        _ set: @escaping @Sendable (inout CallRecord, T?) -> Void,
        merge: @escaping @Sendable (T?, T?) -> T? = { stored, incoming in incoming ?? stored }
    ) -> RecordField {
        let key = name.description
        return RecordField(
            name: name, kind: T.kind,
            write: { record, e in
                if let value = get(record) { value.write(into: &e) } else { e.null() }
            },
            tree: { get($0)?.tree ?? .null },
            read: { (reader, record) throws(FieldError) in set(&record, try T.read(reader, key)) },
            merge: { merged, stored, incoming in set(&merged, merge(get(stored), get(incoming))) }
        )
    }

    /// A field that always has a value: `absent` gives it when the member is absent, null or ""
    /// (a default, or a "missing (required)" error).
    static func value<T: RecordValue>(
        _ name: StaticString, _ get: @escaping @Sendable (CallRecord) -> T,
        _ set: @escaping @Sendable (inout CallRecord, T) -> Void,
        absent: @escaping @Sendable (String) throws(FieldError) -> T,
        read: (@Sendable (FieldReader, String) throws(FieldError) -> T?)? = nil,
        merge: @escaping @Sendable (T, T) -> T
    ) -> RecordField {
        let key = name.description
        let readValue: @Sendable (FieldReader, String) throws(FieldError) -> T?
        if let read {
            readValue = read
        } else {
            readValue = { (reader, key) throws(FieldError) in try T.read(reader, key) }
        }
        return RecordField(
            name: name, kind: T.kind,
            write: { record, e in get(record).write(into: &e) },
            tree: { get($0).tree },
            read: { (reader, record) throws(FieldError) in
                if let value = try readValue(reader, key) {
                    set(&record, value)
                } else {
                    set(&record, try absent(key))
                }
            },
            merge: { merged, stored, incoming in set(&merged, merge(get(stored), get(incoming))) }
        )
    }

    /// A list field: absent or null is empty; elements that read as `nil` are left out. Merged as
    /// a union by default.
    static func list<T: RecordValue>(
        _ name: StaticString, _ get: @escaping @Sendable (CallRecord) -> [T],
        _ set: @escaping @Sendable (inout CallRecord, [T]) -> Void,
        element: @escaping @Sendable (FieldReader, String) throws(FieldError) -> [T],
        merge: @escaping @Sendable ([T], [T]) -> [T] = { stored, incoming in stored.union(incoming) }
    ) -> RecordField {
        let key = name.description
        return RecordField(
            name: name, kind: .array(T.kind),
            write: { record, e in e.array(get(record)) { e, value in value.write(into: &e) } },
            tree: { .array(get($0).map(\.tree)) },
            read: { (reader, record) throws(FieldError) in set(&record, try element(reader, key)) },
            merge: { merged, stored, incoming in set(&merged, merge(get(stored), get(incoming))) }
        )
    }
}

/// A value a record field holds: how it is written and read wherever it appears.
protocol RecordValue: Sendable, Equatable {
    static var kind: FieldKind { get }
    func write(into e: inout EventEncoder)
    var tree: JSONValue { get }
    /// The member `key` of `reader`; `nil` when absent, null or "".
    static func read(_ reader: FieldReader, _ key: String) throws(FieldError) -> Self?
}

/// A record value that is an object with fixed members (`line`, `customer`, a participant).
protocol RecordObject: RecordValue {
    /// The members, in canonical order, with their kinds.
    static var members: [(String, FieldKind)] { get }
    /// The value read from its object (whose members were checked); `nil` when it holds nothing.
    static func read(object: FieldReader) throws(FieldError) -> Self?
}

extension RecordObject {
    static var kind: FieldKind { .object(members) }

    static func read(_ reader: FieldReader, _ key: String) throws(FieldError) -> Self? {
        try reader.object(key) { (object) throws(FieldError) in try read(checked: object) }
    }

    /// Each element of the array member `key`, read as this object.
    static func elements(_ reader: FieldReader, _ key: String) throws(FieldError) -> [Self] {
        try reader.objects(key) { (object) throws(FieldError) in try read(checked: object) }
    }

    static func read(checked object: FieldReader) throws(FieldError) -> Self? {
        try object.rejectUnknown(members.map(\.0))
        return try read(object: object)
    }
}

extension RecordValue where Self: Vocabulary {
    static var kind: FieldKind { .vocabulary(Self.self) }
    func write(into e: inout EventEncoder) { e.string(rawValue) }
    var tree: JSONValue { .string(rawValue) }
    static func read(_ reader: FieldReader, _ key: String) throws(FieldError) -> Self? {
        try reader.vocabulary(key, Self.self)
    }
}

extension Array where Element: Equatable {
    /// These elements, then those of `other` not among them.
    func union(_ other: [Element]) -> [Element] {
        var out = self
        for x in other where !out.contains(x) { out.append(x) }
        return out
    }
}
