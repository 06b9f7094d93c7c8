import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

/// Twilio Voice status callbacks (`adapter: twilio`): `application/x-www-form-urlencoded` posts to
/// the `StatusCallback` URL, one per call progress event (`initiated`, `ringing`, `answered`,
/// `completed`) of one `CallSid`, signed with `X-Twilio-Signature`.
///
/// The adapter owns what is Twilio's protocol: the form body becomes the mapping's input (one member
/// per parameter), the signature is checked with the account's auth token, and `twilio.time` reads
/// Twilio's RFC 2822 `Timestamp`. What the parameters mean is `Mappings/twilio.yaml`'s job.
public struct TwilioAdapter: VendorAdapter {
    public let name = "twilio"
    /// Twilio sends E.164 numbers; the region only matters for the rare national forms.
    public let defaultRegion = "US"

    public init() {}

    public func input(from request: InboundRequest, source: SourceSettings) throws(GatewayError) -> AdapterInput {
        guard request.isForm else {
            throw .unsupportedMediaType(
                "Twilio posts application/x-www-form-urlencoded, not \(request.mediaType ?? "an untyped body")")
        }
        var object = FormURLEncoding.object(try request.formFields())
        if !request.query.isEmpty { object["_query"] = .object(FormURLEncoding.object(request.query)) }
        return .payload(.json(.object(object)))
    }

    public var functions: [MappingFunction] {
        [
            MappingFunction(
                name: "twilio.time", arity: 1...1,
                summary: "Twilio's RFC 2822 Timestamp (Mon, 16 Aug 2010 03:45:01 +0000) as RFC 3339, or null"
            ) { arguments, _ throws(MessageError) in
                guard case .string(let text) = arguments[0] else { return .null }
                guard let time = TwilioTime.parse(text) else {
                    throw MessageError("'\(text)' is not an RFC 2822 time such as 'Mon, 16 Aug 2010 03:45:01 +0000'")
                }
                return .string(time.description)
            },
            TwilioCallerID.function,
        ]
    }

    /// `auth: { vendor_signature: { secret: "${TWILIO_AUTH_TOKEN}", url: https://… } }`.
    public func signatureVerifier(_ settings: CallGateConfig.VendorSignature) throws(MessageError)
        -> VendorSignatureVerifier?
    {
        guard let url = settings.url, url.hasPrefix("https://") || url.hasPrefix("http://") else {
            throw MessageError(
                "auth.vendor_signature.url is required for Twilio: the callback URL exactly as configured in Twilio (https://…/v1/ingest/ID), since Twilio signs it"
            )
        }
        // Base64 of HMAC-SHA1 with the auth token.
        return VendorSignatureVerifier(
            expectation: "an X-Twilio-Signature", header: "X-Twilio-Signature", algorithm: .sha1, encoding: .base64,
            keys: settings.secrets.map { Array($0.value.utf8) }
        ) { request in
            TwilioSignature.message(url: url, rawQuery: request.rawQuery, body: request.body)
        }
    }
}

/// What Twilio signs (twilio.com/docs/usage/security): the full URL it requested (with its query
/// string), then each POST parameter's name and value, sorted by name, with no delimiters. The
/// signature is the base64 HMAC-SHA1 of it with the account's auth token.
public enum TwilioSignature {
    public static func message(url: String, rawQuery: String?, body: [UInt8]) -> [UInt8] {
        var text = url
        if let rawQuery, !rawQuery.isEmpty { text += "?" + rawQuery }
        let parameters = (try? FormURLEncoding.decode(body)) ?? []
        for (name, value) in parameters.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) { text += name + value }
        return Array(text.utf8)
    }
}

/// RFC 2822 dates as Twilio writes them: `Mon, 16 Aug 2010 03:45:01 +0000`.
enum TwilioTime {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func parse(_ text: String) -> Timestamp? {
        var parts = text.split(separator: " ").map(String.init)
        if let first = parts.first, first.hasSuffix(",") { parts.removeFirst() }
        guard parts.count == 5, let day = Int(parts[0]), let monthIndex = months.firstIndex(of: parts[1]),
            let year = Int(parts[2])
        else { return nil }
        let clock = parts[3].split(separator: ":").compactMap { Int($0) }
        let zone = parts[4]
        guard clock.count == 3, zone.count == 5, let sign = zone.first, sign == "+" || sign == "-",
            let hours = Int(zone.dropFirst().prefix(2)), let minutes = Int(zone.suffix(2))
        else { return nil }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let iso =
            "\(year)-\(two(monthIndex + 1))-\(two(day))T\(two(clock[0])):\(two(clock[1])):\(two(clock[2]))"
            + "\(sign)\(two(hours)):\(two(minutes))"
        return try? TimeFormat.iso8601.parse(.string(iso), zone: nil)
    }
}
