import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive
import Crypto

/// Standard Webhooks signatures (https://www.standardwebhooks.com; Docs/authentication.md and
/// Docs/delivery.md): `webhook-signature` is a space-separated list of
/// `v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>`, where the key is the base64
/// text after `whsec_`.
public enum StandardWebhooks {
    /// How far `webhook-timestamp` may be from the receiver's clock, either way: 5 minutes, as in
    /// the specification's reference libraries.
    public static let toleranceSeconds: Int64 = 300

    /// A signing key decoded from its `whsec_<base64>` text.
    public struct Key: Sendable {
        let key: SymmetricKey

        /// Decodes `whsec_<base64>`. As in the reference libraries, the `whsec_` prefix may be left out.
        /// - Throws: `MessageError` when the text is not base64 or decodes to nothing; the message
        ///   never contains the secret.
        public init(_ secret: Secret) throws(MessageError) {
            var text = Substring(secret.value)
            if text.hasPrefix("whsec_") { text = text.dropFirst(6) }
            guard let bytes = Base64.decode(text), !bytes.isEmpty else {
                throw MessageError("a Standard Webhooks secret must be whsec_ followed by base64")
            }
            key = SymmetricKey(data: bytes)
        }

        /// The raw MAC over the signed content.
        func mac(id: String, timestamp: Int64, body: some Collection<UInt8>) -> [UInt8] {
            var hmac = HMAC<SHA256>(key: key)
            hmac.update(data: Array("\(id).\(timestamp).".utf8))
            hmac.update(data: Array(body))
            return Array(hmac.finalize())
        }

        /// `v1,<base64>` for one message.
        public func signature(id: String, timestamp: Int64, body: some Collection<UInt8>) -> String {
            "v1," + Base64.encode(mac(id: id, timestamp: timestamp, body: body))
        }
    }

    /// The `webhook-signature` header value: one `v1,…` per key, space-separated (key rotation).
    public static func signatureHeader(id: String, timestamp: Int64, body: some Collection<UInt8>, keys: [Key])
        -> String
    {
        keys.map { $0.signature(id: id, timestamp: timestamp, body: body) }.joined(separator: " ")
    }

    /// Verifies the `webhook-id`, `webhook-timestamp` and `webhook-signature` headers of `request`
    /// against `keys`: valid when the timestamp is within the tolerance of `now` and any `v1`
    /// signature matches any key.
    static func verify(_ request: InboundRequest, keys: [Key], now: Timestamp) -> CredentialVerdict {
        let id = request.header("webhook-id")
        let timestampText = request.header("webhook-timestamp")
        let signatures = request.headerValues("webhook-signature").joined(separator: " ")
        guard id != nil || timestampText != nil || !signatures.isEmpty else { return .absent }
        guard let id, !id.isEmpty, let timestampText, !signatures.isEmpty else {
            return .invalid("a Standard Webhooks request needs webhook-id, webhook-timestamp and webhook-signature")
        }
        guard let timestamp = unixSeconds(timestampText) else {
            return .invalid("webhook-timestamp is not a whole number of seconds since 1970")
        }
        let skew = now.microseconds - timestamp * 1_000_000
        guard abs(skew) <= toleranceSeconds * 1_000_000 else {
            return .invalid(
                "webhook-timestamp is \(abs(skew) / 1_000_000) s \(skew > 0 ? "behind" : "ahead of") the server "
                    + "clock, outside the ±\(toleranceSeconds) s tolerance")
        }
        var presented: [[UInt8]] = []
        for entry in signatures.split(separator: " ") {
            guard entry.hasPrefix("v1,"), let bytes = Base64.decode(entry.dropFirst(3)) else { continue }
            presented.append(bytes)
        }
        guard !presented.isEmpty else { return .invalid("webhook-signature has no v1 signature") }
        var matched = false
        for key in keys {
            let expected = key.mac(id: id, timestamp: timestamp, body: request.body)
            for signature in presented where ConstantTime.equal(expected, signature) { matched = true }
        }
        return matched ? .valid : .invalid("no webhook signature matches")
    }

    /// Decimal digits only, at most 12 (year 33658): no sign, fraction or spaces.
    static func unixSeconds(_ text: String) -> Int64? {
        guard (1...12).contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        return Int64(text)
    }
}
