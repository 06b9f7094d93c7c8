import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

extension SourceAuthenticator {
    /// The input without the credentials it carried, so they never reach the mapping, stored
    /// events or logs: the member `payload_secret.path` points at (when the path is a plain chain of
    /// names such as `$.extend.token`), and the top-level `query_key` member that adapters merging
    /// query parameters into the input (BIZTEL) put there. Anything else is returned unchanged.
    public func stripSecrets(from input: JSONValue) -> JSONValue { secrets.strip(input) }

    /// `stripSecrets(from:)` for mapping input; a tape is kept as it is unless a secret can be in it.
    public func stripSecrets(from input: MappingInput) -> MappingInput { secrets.strip(input) }

    /// What `stripSecrets` removes.
    var secrets: SourceSecrets { SourceSecrets(payloadMembers: payloadSecretMembers, queryKey: queryKey?.name) }

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

/// Where a source's credentials travel inside a request, so they can be removed before the mapping
/// sees it: the member `payload_secret.path` names (a chain of member names such as
/// `$.extend.token`) and the `query_key` parameter (which BIZTEL's adapter also merges into the
/// input). Read from the configuration alone, without checking any credential, so the paths that
/// do not authenticate (`callgate map`, the admin dry run, replay) remove exactly what ingest does.
public struct SourceSecrets: Sendable, Equatable {
    /// The member names leading to the payload secret, when its path is a plain chain.
    let payloadMembers: [String]?
    /// The name of the `query_key` parameter.
    let queryKey: String?

    init(payloadMembers: [String]?, queryKey: String?) {
        self.payloadMembers = payloadMembers
        self.queryKey = queryKey
    }

    /// The secrets of a source's `auth` (none for `nil`).
    public init(_ auth: CallGateConfig.SourceAuth?) {
        payloadMembers = auth?.payloadSecret.flatMap { SourceAuthenticator.memberChain($0.path) }
        queryKey = auth?.queryKey?.name
    }

    /// Whether nothing is removed (no credential travels in the payload or the query).
    public var isEmpty: Bool { payloadMembers == nil && queryKey == nil }

    /// The input without the payload secret member and the top-level `query_key` member.
    public func strip(_ input: JSONValue) -> JSONValue {
        var out = input
        if let payloadMembers { out = out.removingMember(at: payloadMembers[...]) }
        if let queryKey { out = out.removingMember(at: [queryKey]) }
        return out
    }

    /// `strip(_:)` for mapping input; a tape is kept as it is unless a secret can be in it.
    public func strip(_ input: MappingInput) -> MappingInput {
        guard !isEmpty else { return input }
        return .json(strip(input.json))
    }

    /// The query parameters without the `query_key` parameter.
    public func strip(query: [(String, String)]) -> [(String, String)] {
        guard let queryKey else { return query }
        return query.filter { $0.0 != queryKey }
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
