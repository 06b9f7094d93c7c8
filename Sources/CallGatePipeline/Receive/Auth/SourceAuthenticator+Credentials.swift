import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

extension SourceAuthenticator {
    /// `Authorization: Bearer <token>` (scheme in any case, RFC 9110 §11.1).
    func checkBearer(_ request: InboundRequest) -> CredentialVerdict {
        let tokens = Self.credentials(in: request, scheme: "Bearer")
        guard !tokens.isEmpty else { return .absent }
        for token in tokens where bearer.anyMatches(token.utf8) { return .valid }
        return .invalid("the bearer token is not valid")
    }

    /// `Authorization: Basic base64(username:password)` (RFC 7617).
    func checkBasic(_ request: InboundRequest) -> CredentialVerdict {
        let encoded = Self.credentials(in: request, scheme: "Basic")
        guard !encoded.isEmpty else { return .absent }
        var malformed = false
        for text in encoded {
            guard let decoded = Base64.decode(text) else {
                malformed = true
                continue
            }
            if basic.anyMatches(decoded) { return .valid }
        }
        return .invalid(malformed ? "the Basic credentials are not base64" : "the Basic credentials are not valid")
    }

    /// The `query_key` parameter, from the query string or, for adapters that merge form fields and
    /// query parameters into one object (BIZTEL), a top-level string member of the payload.
    func checkQueryKey(_ request: InboundRequest) -> CredentialVerdict {
        guard let key = queryKey else { return .absent }
        let name = key.name
        var presented = request.query.filter { $0.0 == name }.map(\.1)
        if let member = request.payload?[name]?.stringValue { presented.append(member) }
        guard !presented.isEmpty else { return .absent }
        var matched = false
        for value in presented where key.digest.matches(value.utf8) { matched = true }
        return matched ? .valid : .invalid("the '\(name)' parameter is not valid")
    }

    /// The string at `payload_secret.path` in the payload.
    func checkPayloadSecret(_ request: InboundRequest) -> CredentialVerdict {
        guard let secret = payloadSecret, let payload = request.payload,
            let value = secret.path.first(from: payload, document: payload)
        else { return .absent }
        guard case .string(let text) = value else {
            return .invalid("the payload secret at \(secret.path) is not a string")
        }
        return secret.digest.matches(text.utf8) ? .valid : .invalid("the payload secret at \(secret.path) is not valid")
    }

    /// The credentials of every `Authorization` header using `scheme`, trimmed.
    static func credentials(in request: InboundRequest, scheme: String) -> [Substring] {
        var out: [Substring] = []
        for value in request.headerValues("Authorization") {
            let text = ASCII.trimmed(value[...])
            guard ASCII.hasPrefixIgnoringCase(text, scheme),
                let separator = text.utf8.dropFirst(scheme.utf8.count).first, ASCII.isSpace(separator)
            else { continue }
            out.append(ASCII.trimmed(Substring(text.utf8.dropFirst(scheme.utf8.count))))
        }
        return out
    }
}
