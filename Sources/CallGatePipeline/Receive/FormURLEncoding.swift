import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel

/// `application/x-www-form-urlencoded` and query strings (WHATWG URL standard parsing).
public enum FormURLEncoding {
    /// Decodes `a=1&b=%E7%9D%80%E4%BF%A1&c` into ordered pairs; `+` is a space.
    /// - Throws: when a percent-escape is malformed, the result is not UTF-8, or there are more
    ///   than `maxFields` fields.
    public static func decode(_ text: some Collection<UInt8>, maxFields: Int = .max) throws(GatewayError)
        -> [(String, String)]
    {
        var pairs: [(String, String)] = []
        for part in text.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            guard pairs.count < maxFields else {
                throw .malformedBody("more than \(maxFields) fields in form or query data (limit: max_form_fields)")
            }
            let pieces = part.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = try unescape(pieces[0])
            let value = pieces.count > 1 ? try unescape(pieces[1]) : ""
            pairs.append((name, value))
        }
        return pairs
    }

    public static func decode(_ text: String, maxFields: Int = .max) throws(GatewayError) -> [(String, String)] {
        try decode(Array(text.utf8), maxFields: maxFields)
    }

    static func unescape(_ bytes: some Collection<UInt8>) throws(GatewayError) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i != bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "+") {
                out.append(0x20)
            } else if b == UInt8(ascii: "%") {
                let h = bytes.index(after: i)
                guard h != bytes.endIndex, bytes.index(after: h) != bytes.endIndex,
                    let hi = Hex.value(bytes[h]), let lo = Hex.value(bytes[bytes.index(after: h)])
                else { throw .malformedBody("malformed percent-escape in form or query data") }
                out.append(hi << 4 | lo)
                i = bytes.index(after: bytes.index(after: h))
                continue
            } else {
                out.append(b)
            }
            i = bytes.index(after: i)
        }
        guard let s = String(validating: out, as: UTF8.self) else {
            throw .malformedBody("form or query data is not UTF-8")
        }
        return s
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986), for rebuilding a query.
    public static func encode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(b)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Pairs as a JSON object of strings; a repeated name keeps its last value.
    public static func object(_ pairs: [(String, String)]) -> JSONObject {
        var object = JSONObject()
        object.merge(pairs.lazy.map { ($0.0, JSONValue.string($0.1)) })
        return object
    }
}
