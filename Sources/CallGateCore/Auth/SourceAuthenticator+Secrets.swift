extension SourceAuthenticator {
    /// The input without the credentials it carried, so they never reach the mapping, stored
    /// events or logs: the member `payload_secret.path` points at (when the path is a plain chain of
    /// names such as `$.extend.token`), and the top-level `query_key` member that adapters merging
    /// query parameters into the input (BIZTEL) put there. Anything else is returned unchanged.
    public func stripSecrets(from input: JSONValue) -> JSONValue {
        var out = input
        if let members = payloadSecretMembers { out = Self.removing(members[...], from: out) }
        if let key = queryKey { out = Self.removing([key.name], from: out) }
        return out
    }

    /// `stripSecrets(from:)` for mapping input; a tape is kept as it is unless a secret can be in it.
    public func stripSecrets(from input: MappingInput) -> MappingInput {
        guard readsPayload else { return input }
        return .json(stripSecrets(from: input.json))
    }

    /// Whether a credential can be in the payload (`payload_secret`, or `query_key` merged into it).
    public var readsPayload: Bool { payloadSecret != nil || queryKey != nil }

    /// The query parameters without the `query_key` parameter.
    public func stripSecrets(fromQuery query: [(name: String, value: String)]) -> [(name: String, value: String)] {
        guard let key = queryKey else { return query }
        return query.filter { $0.name != key.name }
    }

    /// `value` without the member at the end of `names`; unchanged when the chain does not lead
    /// through objects to that member.
    static func removing(_ names: ArraySlice<String>, from value: JSONValue) -> JSONValue {
        guard case .object(var object) = value, let name = names.first, let child = object[name] else { return value }
        // `.none` spelled out: a bare `nil` could be read as `JSONValue.null`, keeping the member.
        object[name] = names.count == 1 ? JSONValue?.none : removing(names.dropFirst(), from: child)
        return .object(object)
    }

    /// The member names of a path made only of names (`$.a.b` → `["a", "b"]`), else `nil`.
    static func memberChain(_ path: JSONPath) -> [String]? {
        guard path.root == .document, !path.segments.isEmpty else { return nil }
        var names: [String] = []
        for segment in path.segments {
            guard case .name(let name) = segment else { return nil }
            names.append(name)
        }
        return names
    }
}
