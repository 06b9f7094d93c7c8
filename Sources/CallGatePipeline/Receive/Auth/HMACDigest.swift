import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
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
