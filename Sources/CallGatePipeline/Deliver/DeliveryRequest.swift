import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive
import Crypto

/// The body and headers of one delivery to a sink (Docs/delivery.md): the stored event, minus the
/// sink's `exclude` paths, as canonical JSON or a CloudEvents 1.0 structured-mode envelope, signed
/// as the sink's auth says.
public struct DeliveryRequest: Sendable {
    public var body: [UInt8]
    public var contentType: String
    public var headers: [(name: String, value: String)]

    /// The request for one attempt to deliver a stored event to `sink`: body, content type, the
    /// sink's static headers and its authentication headers for this attempt's time.
    public init(event: [UInt8], eventId: String, sink: CallGateConfig.Sink, at time: Timestamp) throws(MessageError) {
        (body, contentType) = try Self.body(event: event, sink: sink)
        headers =
            sink.headers.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
            + (try Self.authHeaders(sink.auth, eventId: eventId, timestamp: time.microseconds / 1_000_000, body: body))
    }

    /// The schema every event's record follows (`dataschema` of CloudEvents deliveries).
    public static let dataSchema = "https://callgate.dev/schema/callgate.call.v1.json"

    /// Builds the body for `sink` from the stored event JSON.
    /// - Throws: when the stored event cannot be read (it was written by this program, so this
    ///   means corruption).
    public static func body(event: [UInt8], sink: CallGateConfig.Sink) throws(MessageError) -> (
        body: [UInt8], contentType: String
    ) {
        if sink.exclude.isEmpty, sink.format == .canonical { return (event, "application/json") }
        var json: JSONValue
        do {
            json = try JSONParser.parse(event)
        } catch {
            throw MessageError("the stored event cannot be read: \(error)")
        }
        for path in sink.exclude { json = json.removingMember(at: path.split(separator: ".").map(String.init)[...]) }
        switch sink.format {
        case .canonical:
            return (JSONWriter.compact.bytes(json), "application/json")
        case .cloudevents:
            let envelope: JSONValue = [
                "specversion": "1.0",
                "id": json["id"] ?? .null,
                "source": .string("/callgate/sources/" + (json["source"]?.stringValue ?? "")),
                "type": json["type"] ?? .null,
                "time": json["time"] ?? .null,
                "subject": json["call"]?["call_key"] ?? .null,
                "dataschema": .string(dataSchema),
                "datacontenttype": "application/json",
                "data": json,
            ]
            return (JSONWriter.compact.bytes(envelope), "application/cloudevents+json")
        }
    }

    /// The authentication headers of `auth` for this body (OAuth 2 tokens are added by the sender,
    /// which fetches them).
    /// - Parameters:
    ///   - eventId: `webhook-id`, the same on every retry so receivers can de-duplicate.
    ///   - timestamp: unix seconds of this attempt.
    public static func authHeaders(
        _ auth: CallGateConfig.SinkAuth?, eventId: String, timestamp: Int64, body: [UInt8]
    ) throws(MessageError) -> [(name: String, value: String)] {
        guard let auth else { return [] }
        var headers: [(name: String, value: String)] = []
        if !auth.standardWebhooks.isEmpty {
            var keys: [StandardWebhooks.Key] = []
            for secret in auth.standardWebhooks { keys.append(try StandardWebhooks.Key(secret)) }
            headers.append(("webhook-id", eventId))
            headers.append(("webhook-timestamp", String(timestamp)))
            headers.append(
                (
                    "webhook-signature",
                    StandardWebhooks.signatureHeader(id: eventId, timestamp: timestamp, body: body, keys: keys)
                ))
        }
        if let hmac = auth.hmac {
            let mac = Array(
                HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(hmac.secret.value.utf8))))
            let encoded =
                switch hmac.encoding {
                case .hex: mac.map { hexDigits($0) }.joined()
                case .base64: Base64.encode(mac)
                }
            headers.append((hmac.header, hmac.prefix + encoded))
        }
        if let bearer = auth.bearer { headers.append(("authorization", "Bearer " + bearer.value)) }
        if let basic = auth.basic {
            let pair = Array((basic.username + ":" + basic.password.value).utf8)
            headers.append(("authorization", "Basic " + Base64.encode(pair)))
        }
        return headers
    }

    static func hexDigits(_ b: UInt8) -> String {
        let digits: [Character] = Array("0123456789abcdef")
        return String([digits[Int(b >> 4)], digits[Int(b & 0xF)]])
    }
}
