import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

/// Udesk call trigger (`adapter: udesk`): JSON posts carrying the call's fields and the admin's
/// `extend` object. Udesk signs nothing; authentication is configured per source.
public struct UdeskAdapter: VendorAdapter {
    public let name = "udesk"
    public let defaultRegion = "CN"

    public init() {}

    public var functions: [MappingFunction] { [Self.recordExpiresAt] }

    /// `udesk.record_expires_at(url)`: the expiry of a signed OSS recording URL, from its
    /// `Expires=<epoch seconds>` parameter, as RFC 3339; null when the URL carries none.
    ///
    /// Udesk's published sample omits the `?` before the signature parameters
    /// (`…mp3OSSAccessKeyId=…&Expires=1552455986&…`), so the parameter is found anywhere after the
    /// path rather than by parsing a query string.
    public static let recordExpiresAt = MappingFunction(
        name: "udesk.record_expires_at", arity: 1...1,
        summary: "expiry time of a signed recording URL (its Expires= parameter)"
    ) { args, _ throws(MessageError) in
        guard case .string(let url) = args[0], !url.isEmpty else { return .null }
        guard let range = url.range(of: "Expires=") else { return .null }
        let digits = url[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let seconds = Int64(digits), let expires = Timestamp(checkedSeconds: seconds) else {
            throw MessageError(
                "the recording URL's Expires= parameter is not a number of seconds between years 1 and 9999")
        }
        return .string(expires.description)
    }
}
