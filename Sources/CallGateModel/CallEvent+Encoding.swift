import CallGateFoundation

/// Writes events straight to compact JSON bytes, without building a `JSONValue` tree: the hot path
/// for delivery and for event ids. Byte-for-byte the same as `JSONWriter.compact.bytes(event.json)`
/// (a test holds them together).
package struct EventEncoder {
    package var out: [UInt8] = []
    private var first = true

    package init(capacity: Int = 4096) { out.reserveCapacity(capacity) }

    mutating func open() {
        out.append(UInt8(ascii: "{"))
        first = true
    }

    mutating func close() {
        out.append(UInt8(ascii: "}"))
        first = false
    }

    mutating func key(_ name: StaticString) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    mutating func null() { out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }

    mutating func string(_ s: String) { JSONWriter.writeString(s, into: &out) }

    mutating func string(_ s: String?) {
        if let s { string(s) } else { null() }
    }

    mutating func number(_ d: Double?) {
        if let d { JSONWriter.writeDouble(d, into: &out) } else { null() }
    }

    mutating func bool(_ b: Bool) { out.append(contentsOf: b ? Array("true".utf8) : Array("false".utf8)) }

    mutating func value(_ v: JSONValue) { JSONWriter.compact.write(v, into: &out) }

    mutating func time(_ t: Timestamp?) {
        guard let t else { return null() }
        out.append(UInt8(ascii: "\""))
        t.write(into: &out)
        out.append(UInt8(ascii: "\""))
    }

    mutating func field(_ name: StaticString, _ s: String?) {
        key(name)
        string(s)
    }

    mutating func array<T>(_ elements: [T], _ body: (inout EventEncoder, T) -> Void) {
        out.append(UInt8(ascii: "["))
        for (i, element) in elements.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            body(&self, element)
        }
        out.append(UInt8(ascii: "]"))
        first = false
    }

    mutating func phone(_ p: PhoneNumber?) {
        guard let p else { return null() }
        open()
        field("raw", p.raw)
        field("e164", p.e164)
        field("region", p.region)
        key("valid")
        bool(p.valid)
        field("extension", p.extension)
        field("presentation", p.presentation.rawValue)
        close()
    }
}
