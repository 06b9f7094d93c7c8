/// Sends one delivery request and reports what came back; never throws.
protocol SinkSender: Sendable {
    func send(_ request: DeliveryRequest, eventId: String) async -> RetryPolicy.Outcome
}
