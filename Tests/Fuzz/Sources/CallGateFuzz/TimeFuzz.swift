import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive

/// `time` and `retry-after`: every way a time arrives from a payload or a peer's header.
enum TimeFuzz {
    /// The formats the shipped mappings use, and the shapes a mapping author may write.
    static let formats = [
        "iso8601", "epoch_s", "epoch_ms", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss Z", "yyyy/MM/dd HH:mm:ss.SSS",
        "yyyyMMddHHmmss", "yyyy-MM-dd'T'HH:mm:ssXXX",
    ]
    static let zones = [nil, "UTC", "+09:00", "-14:00", "Asia/Tokyo", "Asia/Shanghai", "America/New_York"]

    /// First byte: format and zone; the rest: the value, as a string and, when it is a number, as
    /// a JSON number too (epoch times arrive both ways). A pattern of the fuzzer's own follows a
    /// newline.
    static func run(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let parts = fields(Array(bytes.dropFirst()), separator: 0x0A, count: 2)
        let zone = zones[Int(selector >> 4) % zones.count].flatMap { TimeZoneSpec($0) }
        let value = text(parts[0])
        var candidates = [JSONValue.string(value)]
        if let number = try? JSONParser.parse(parts[0]) { candidates.append(number) }
        let pattern = parts[1].isEmpty ? formats[Int(selector & 0x0F) % formats.count] : text(parts[1])
        guard let format = try? TimeFormat(pattern) else { return }
        for candidate in candidates {
            guard let time = try? format.parse(candidate, zone: zone) else { continue }
            // Printing walks the civil-date conversion, which must hold for any accepted time.
            let printed = time.description
            if let back = try? TimeFormat.iso8601.parse(.string(printed), zone: nil) {
                invariant(back == time, "RFC 3339 output \(printed) reads back as \(back)")
            }
        }
    }

    /// `Retry-After` from a sink's answer: delay-seconds or an HTTP date, at a fixed or fuzzed now.
    static func runRetryAfter(_ bytes: [UInt8]) {
        let header = text(bytes)
        let now = Timestamp(microseconds: 1_764_720_000_000_000)
        guard let wait = RetryPolicy.retryAfter(header, now: now) else { return }
        invariant(wait >= .zero, "a negative Retry-After wait")
        let policy = RetryPolicy()
        _ = policy.result(of: .response(status: 503, retryAfter: header), attempt: 1, now: now, random: 0.5)
    }
}
