/// Sends one delivery request and reports what came back; never throws.
protocol SinkSender: Sendable {
    func send(_ request: DeliveryRequest, eventId: String) async -> RetryPolicy.Outcome
    /// Sends and returns the answer's body too (up to 64 KiB): what a transform reads the
    /// destination's id and the recording's upload URL from.
    func exchange(_ request: DeliveryRequest, eventId: String) async -> (RetryPolicy.Outcome, [UInt8])
}

extension SinkSender {
    func exchange(_ request: DeliveryRequest, eventId: String) async -> (RetryPolicy.Outcome, [UInt8]) {
        (await send(request, eventId: eventId), [])
    }
}
