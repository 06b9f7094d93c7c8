/// A JSON value with object members kept in document order.
///
/// Integers and fractional numbers are distinct cases so that identifiers such as Udesk's
/// `conversation_id` survive a round trip unchanged; comparisons treat `1` and `1.0` as equal.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// Whether the value is JSON `null`.
    @inlinable public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The string, when this is a string.
    @inlinable public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The object, when this is an object.
    @inlinable public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The elements, when this is an array.
    @inlinable public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The number as a `Double`, when this is a number.
    @inlinable public var numberValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// The member named `key`, when this is an object that has it.
    @inlinable public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// A short name of the value's kind, for error messages.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// A JSON object whose members keep their order, stored as one contiguous array of pairs.
/// Lookups scan linearly: vendor objects are small, and a scan over a few dozen short keys beats
/// hashing each key.
public struct JSONObject: Sendable, Hashable, Sequence {
    public static func == (a: JSONObject, b: JSONObject) -> Bool { JSONValue.object(a) == JSONValue.object(b) }
    public func hash(into hasher: inout Hasher) { JSONValue.object(self).hash(into: &hasher) }

    @usableFromInline var members: [Member]

    @usableFromInline struct Member: Sendable {
        @usableFromInline var key: String
        @usableFromInline var value: JSONValue
        @usableFromInline init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    public init() { members = [] }

    public init(_ pairs: [(String, JSONValue)]) {
        members = []
        members.reserveCapacity(pairs.count)
        for (k, v) in pairs { self[k] = v }
    }

    /// Appends without checking for an existing key; callers guarantee uniqueness.
    @inlinable package mutating func appendUnchecked(_ key: String, _ value: JSONValue) {
        members.append(Member(key: key, value: value))
    }

    public mutating func reserveCapacity(_ n: Int) { members.reserveCapacity(n) }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    public var keys: [String] { members.map(\.key) }
    public var values: [JSONValue] { members.map(\.value) }

    @inlinable public func index(of key: String) -> Int? {
        var i = 0
        let n = members.count
        while i < n {
            if members[i].key == key { return i }
            i += 1
        }
        return nil
    }

    /// The member's value; setting `nil` removes the member, setting a value replaces it in place
    /// or appends it.
    public subscript(key: String) -> JSONValue? {
        @inlinable get {
            guard let i = index(of: key) else { return nil }
            return members[i].value
        }
        set {
            if let i = index(of: key) {
                if let newValue { members[i].value = newValue } else { members.remove(at: i) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    /// Sets each pair in order, as `self[key] = value` would (a repeated name keeps its last value,
    /// in the place it first had), in time linear in the number of pairs.
    public mutating func merge(_ pairs: some Sequence<(String, JSONValue)>) {
        var index: [String: Int] = [:]
        for (i, member) in members.enumerated() where index[member.key] == nil { index[member.key] = i }
        for (key, value) in pairs {
            if let i = index[key] {
                members[i].value = value
            } else {
                index[key] = members.count
                members.append(Member(key: key, value: value))
            }
        }
    }

    public struct Iterator: IteratorProtocol {
        var base: IndexingIterator<[Member]>
        public mutating func next() -> (String, JSONValue)? {
            guard let m = base.next() else { return nil }
            return (m.key, m.value)
        }
    }

    public func makeIterator() -> Iterator { Iterator(base: members.makeIterator()) }
}

extension JSONValue: Hashable {
    /// Numbers compare by value (`44` equals `44.0`: the same JSON number); everything else
    /// structurally, with object members in order.
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.int, .double), (.double, .int), (.double, .double): return a.numberValue == b.numberValue
        case (.array(let x), .array(let y)):
            // Element by element rather than `x == y`: the Swift 6.3.1 optimizer crashes
            // ("Found ownership error", CopyPropagation) specializing Array<JSONValue>.== here.
            guard x.count == y.count else { return false }
            for i in x.indices where !(x[i] == y[i]) { return false }
            return true
        case (.object(let x), .object(let y)):
            guard x.members.count == y.members.count else { return false }
            for i in x.members.indices {
                guard x.members[i].key == y.members[i].key, x.members[i].value == y.members[i].value else {
                    return false
                }
            }
            return true
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .int, .double: hasher.combine(numberValue)
        case .string(let s): hasher.combine(s)
        case .array(let a):
            hasher.combine(a.count)
            for element in a { element.hash(into: &hasher) }
        case .object(let o):
            hasher.combine(o.members.count)
            for member in o.members {
                hasher.combine(member.key)
                member.value.hash(into: &hasher)
            }
        }
    }
}

extension JSONObject {
    /// A copy without null and "" members, recursively: "unknown is null or absent, never ''".
    public func withoutEmptyMembers() -> JSONObject {
        var out = JSONObject()
        out.reserveCapacity(members.count)
        for member in members {
            switch member.value {
            case .null: continue
            case .string(let s) where s.isEmpty: continue
            case .object(let o): out.appendUnchecked(member.key, .object(o.withoutEmptyMembers()))
            default: out.appendUnchecked(member.key, member.value)
            }
        }
        return out
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByNilLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
}
