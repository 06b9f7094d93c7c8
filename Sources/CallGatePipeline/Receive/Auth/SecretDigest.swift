import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive
import Crypto

/// A configured secret kept as its SHA-256 digest, so a presented value is checked by comparing
/// two 32-byte digests in constant time: neither the secret's length nor the position of the first
/// differing byte shows in the timing.
///
/// It prints as `<redacted>`, even through `dump` or a failed test expectation: the digest of a
/// short token can be brute-forced.
struct SecretDigest: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let digest: [UInt8]

    var description: String { "<redacted>" }
    var debugDescription: String { "<redacted>" }
    var customMirror: Mirror { Mirror(self, children: [:]) }

    init(_ bytes: some Sequence<UInt8>) { digest = Self.hash(bytes) }
    init(_ secret: Secret) { self.init(secret.value.utf8) }

    /// Whether `presented` is the secret.
    func matches(_ presented: some Sequence<UInt8>) -> Bool {
        ConstantTime.equal(digest, Self.hash(presented))
    }

    static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        Array(SHA256.hash(data: Array(bytes)))
    }
}

extension [SecretDigest] {
    /// Whether `presented` is any of the secrets; every one is compared, so the time taken does not
    /// tell which one matched.
    func anyMatches(_ presented: some Sequence<UInt8>) -> Bool {
        let hash = SecretDigest.hash(presented)
        var found = false
        for secret in self where ConstantTime.equal(secret.digest, hash) { found = true }
        return found
    }
}

enum ConstantTime {
    /// Byte-wise equality whose running time depends only on the lengths, never on the contents.
    /// Lengths are not secret here: callers compare digests and MACs of fixed size.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}

/// Checks `Authorization: Bearer …` against one configured token in constant time (the admin API).
public struct BearerToken: Sendable, CustomStringConvertible {
    let digest: SecretDigest

    public init(_ secret: Secret) { digest = SecretDigest(secret) }

    public var description: String { "<redacted>" }

    /// Whether the header carries the token.
    public func accepts(authorization header: String?) -> Bool {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return false }
        return digest.matches(header.dropFirst(7).utf8)
    }
}
