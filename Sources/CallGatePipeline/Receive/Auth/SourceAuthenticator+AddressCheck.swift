import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

extension SourceAuthenticator {
    /// The `allow_ips` check alone: what a handshake (MiiTel's challenge, which stores nothing)
    /// must pass.
    /// - Throws: 403 `forbidden` when the client address is not allowed or cannot be determined.
    public func checkAddress(_ request: InboundRequest) throws(GatewayError) {
        guard !allowIPs.isEmpty else { return }
        guard let client = clientAddress(of: request) else {
            throw .forbidden("the client address is unknown (no peer address, or a malformed X-Forwarded-For)")
        }
        guard allowIPs.contains(where: { $0.contains(client) }) else {
            throw .forbidden("client address \(client) is not in this source's allow_ips")
        }
    }
}
