import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel

extension SourceAuthenticator {
    /// The input without the credentials it carried, so they never reach the mapping, stored
    /// events or logs: the member `payload_secret.path` points at (when the path is a plain chain of
    /// names such as `$.extend.token`), and the top-level `query_key` member that adapters merging
    /// query parameters into the input (BIZTEL) put there. Anything else is returned unchanged.
    public func stripSecrets(from input: JSONValue) -> JSONValue {
        var out = input
        if let members = payloadSecretMembers { out = out.removingMember(at: members[...]) }
        if let key = queryKey { out = out.removingMember(at: [key.name]) }
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

extension JSONValue {
    /// The value without the member at the end of the chain `names`; unchanged when the chain does
    /// not lead through objects to that member. Used to strip secrets from payloads and
    /// `exclude` paths from deliveries.
    package func removingMember(at names: ArraySlice<String>) -> JSONValue {
        guard case .object(var object) = self, let name = names.first, let child = object[name] else { return self }
        // `.none` spelled out: a bare `nil` could be read as `JSONValue.null`, keeping the member.
        object[name] = names.count == 1 ? JSONValue?.none : child.removingMember(at: names.dropFirst())
        return .object(object)
    }
}
