import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive
import Crypto

/// Keyed digests and their comparison, for adapters whose vendor signs requests in its own way.
public enum HMACDigest {
    /// HMAC-SHA1 (RFC 2104), still what some vendors sign with (Twilio).
    public static func sha1(key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        Array(HMAC<Insecure.SHA1>.authenticationCode(for: Array(message), using: SymmetricKey(data: Array(key))))
    }

    /// HMAC-SHA256.
    public static func sha256(key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(message), using: SymmetricKey(data: Array(key))))
    }

    /// Whether `a` and `b` are equal, in a time that depends only on their lengths.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}

extension VendorSignatureVerifier {
    /// The HMAC of `message` with `key`.
    func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        switch algorithm {
        case .sha1: HMACDigest.sha1(key: key, message: message)
        case .sha256: HMACDigest.sha256(key: key, message: message)
        }
    }

    /// Whether the request's signature header holds the HMAC of what it signs, with one of `keys`.
    public func verifies(_ request: InboundRequest) -> Bool {
        guard let text = request.header(header) else { return false }
        let presented: [UInt8]?
        switch encoding {
        case .base64: presented = Base64.decode(text)
        case .hex: presented = Hex.decode(text)
        }
        guard let presented else { return false }
        let signed = message(request)
        return keys.contains { HMACDigest.constantTimeEqual(mac(key: $0, message: signed), presented) }
    }

    /// The header value the vendor sends for `request` when it signs with `key` (for tests and
    /// for tools that replay a vendor's requests).
    public func signature(of request: InboundRequest, key: String) -> String {
        let code = mac(key: Array(key.utf8), message: message(request))
        switch encoding {
        case .base64: return Base64.encode(code)
        case .hex: return Hex.encode(code)
        }
    }
}
