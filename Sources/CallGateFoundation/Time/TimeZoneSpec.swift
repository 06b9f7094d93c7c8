import Foundation

/// The zone to assume for a time written without an offset: a fixed offset (`+09:00`, `Z`, `UTC`)
/// or an IANA Area/Location name (`Asia/Tokyo`), whose offset may depend on the date.
/// Abbreviations such as `CST` or `JST` are refused because they are ambiguous.
public struct TimeZoneSpec: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case fixed(seconds: Int)
        case named(String)
    }

    let kind: Kind
    public let description: String

    public static let utc = TimeZoneSpec(kind: .fixed(seconds: 0), description: "UTC")

    /// Parses `UTC`, `Z`, `+09:00`, `+0900`, `-05` or an IANA zone name; `nil` when unknown.
    public init?(_ text: String) {
        description = text
        if text == "UTC" || text == "Z" || text == "GMT" {
            kind = .fixed(seconds: 0)
            return
        }
        var scanner = TimeScanner(text)
        if let offset = scanner.offset(), scanner.atEnd {
            kind = .fixed(seconds: offset)
            return
        }
        // Only Area/Location names: abbreviations are ambiguous (CST is China Standard Time to
        // Udesk but America/Chicago to Foundation).
        guard text.contains("/"), TimeZone(identifier: text) != nil else { return nil }
        kind = .named(text)
    }

    private init(kind: Kind, description: String) {
        self.kind = kind
        self.description = description
    }

    /// The UTC instant of a wall-clock time (in microseconds since the epoch, read as if UTC).
    func instant(fromLocal local: Int64) -> Int64 {
        switch kind {
        case .fixed(let seconds):
            return local - Int64(seconds) * 1_000_000
        case .named(let name):
            guard let zone = TimeZone(identifier: name) else { return local }
            // Two steps settle the offset even next to a daylight-saving change.
            let guess = Date(timeIntervalSince1970: Double(local) / 1_000_000)
            var offset = Int64(zone.secondsFromGMT(for: guess)) * 1_000_000
            let second = Date(timeIntervalSince1970: Double(local - offset) / 1_000_000)
            offset = Int64(zone.secondsFromGMT(for: second)) * 1_000_000
            return local - offset
        }
    }
}
