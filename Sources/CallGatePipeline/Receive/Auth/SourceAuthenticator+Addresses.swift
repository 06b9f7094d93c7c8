import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

extension SourceAuthenticator {
    /// The address of the client that sent the request, or `nil` when it cannot be known.
    ///
    /// It is the connecting peer, unless the peer is a trusted proxy: then `X-Forwarded-For` is
    /// read right to left, skipping trusted proxies, and the first address that is not one is the
    /// client (the entries further left were written by the client itself and prove nothing). When
    /// every entry is a trusted proxy, the leftmost is the client. A malformed entry on that walk
    /// makes the client unknown.
    public func clientAddress(of request: InboundRequest) -> IPAddress? {
        guard let peerText = request.peer, let peer = IPAddress(Self.withoutZone(peerText)) else { return nil }
        guard isTrustedProxy(peer) else { return peer }
        let forwarded = request.headerValues("X-Forwarded-For").filter { !ASCII.trimmed($0[...]).isEmpty }
        guard !forwarded.isEmpty else { return peer }
        var client = peer
        for entry in forwarded.joined(separator: ",").split(separator: ",", omittingEmptySubsequences: false)
            .reversed()
        {
            guard let address = IPAddress(ASCII.trimmed(entry)) else { return nil }
            client = address
            if !isTrustedProxy(address) { return address }
        }
        return client
    }

    func isTrustedProxy(_ address: IPAddress) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }

    /// `fe80::1%eth0` → `fe80::1`: a link-local peer may come with its interface.
    static func withoutZone(_ text: String) -> Substring {
        guard let percent = text.firstIndex(of: "%") else { return text[...] }
        return text[..<percent]
    }
}
