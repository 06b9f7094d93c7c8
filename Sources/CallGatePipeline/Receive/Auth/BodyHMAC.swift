import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive
import Crypto

/// GitHub-style body signatures: a header such as `X-Hub-Signature-256: sha256=<hex>` carrying
/// HMAC-SHA256 of the raw body, keyed with the secret's UTF-8 bytes.
struct BodyHMAC: Sendable {
    let header: String
    let prefix: String
    let encoding: CallGateConfig.HMACEncoding
    let keys: [SymmetricKey]

    init(_ config: CallGateConfig.HMACVerification) throws(MessageError) {
        guard !config.header.isEmpty, config.header.utf8.allSatisfy(Self.isTokenCharacter) else {
            throw MessageError("auth.hmac.header must be a header name such as X-Hub-Signature-256")
        }
        guard !config.secrets.isEmpty, config.secrets.allSatisfy({ !$0.value.isEmpty }) else {
            throw MessageError("auth.hmac needs at least one non-empty secret")
        }
        header = config.header
        prefix = config.prefix
        encoding = config.encoding
        keys = config.secrets.map { SymmetricKey(data: Array($0.value.utf8)) }
    }

    /// Checks every `header` field of the request; valid when one carries the MAC of the body under
    /// any key.
    func verify(_ request: InboundRequest) -> CredentialVerdict {
        let values = request.headerValues(header)
        guard !values.isEmpty else { return .absent }
        var presented: [[UInt8]] = []
        for value in values {
            let text = ASCII.trimmed(value[...])
            guard ASCII.hasPrefixIgnoringCase(text, prefix) else {
                return .invalid("\(header) does not start with '\(prefix)'")
            }
            let encoded = Substring(text.utf8.dropFirst(prefix.utf8.count))
            let decoded =
                switch encoding {
                case .hex: Hex.decode(encoded)
                case .base64: Base64.decode(encoded)
                }
            guard let mac = decoded else {
                return .invalid("\(header) is not \(encoding.rawValue) after '\(prefix)'")
            }
            presented.append(mac)
        }
        var matched = false
        for key in keys {
            let expected = Array(HMAC<SHA256>.authenticationCode(for: request.body, using: key))
            for mac in presented where ConstantTime.equal(expected, mac) { matched = true }
        }
        return matched ? .valid : .invalid("the \(header) signature does not match")
    }

    /// RFC 9110 `tchar`.
    static func isTokenCharacter(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(b)
        }
    }
}
