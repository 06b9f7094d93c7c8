import CallGateAuth
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
    /// POST, or what a transform asks for.
    public var method = "POST"
    /// The sink's URL, unless a transform wrote another (`…/calls/{id}` for an update).
    public var url: String?

    /// The request for one attempt to deliver a stored event to `sink`: body, content type, the
    /// sink's static headers and its authentication headers for this attempt's time.
    public init(event: [UInt8], eventId: String, sink: CallGateConfig.Sink, at time: Timestamp) throws(MessageError) {
        (body, contentType) = try Self.body(event: event, sink: sink)
        headers = try Self.headers(sink: sink, extra: [], eventId: eventId, at: time, body: body)
    }

    /// The request a sink's transform wrote, with the sink's static headers and authentication
    /// headers for this attempt's time.
    public init(outbound: OutboundRequest, eventId: String, sink: CallGateConfig.Sink, at time: Timestamp)
        throws(MessageError)
    {
        switch outbound.format {
        case .json:
            body = JSONWriter.compact.bytes(outbound.body)
            contentType = "application/json"
        case .form:
            var pairs: [String] = []
            if case .object(let object) = outbound.body {
                for (name, value) in object where !value.isNull {
                    let text =
                        switch value {
                        case .string(let s): s
                        default: JSONWriter.compact.string(value)
                        }
                    pairs.append(FormURLEncoding.encode(name) + "=" + FormURLEncoding.encode(text))
                }
            }
            body = Array(pairs.joined(separator: "&").utf8)
            contentType = "application/x-www-form-urlencoded"
        }
        method = outbound.method
        url = outbound.url
        headers = try Self.headers(
            sink: sink, extra: outbound.headers.map { (name: $0.name, value: $0.value) }, eventId: eventId, at: time,
            body: body)
    }

    /// The sink's static headers, then `extra` (a transform's), then its authentication headers.
    static func headers(
        sink: CallGateConfig.Sink, extra: [(name: String, value: String)], eventId: String, at time: Timestamp,
        body: [UInt8]
    ) throws(MessageError) -> [(name: String, value: String)] {
        sink.headers.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) } + extra
            + (try authHeaders(sink.auth, eventId: eventId, timestamp: time.microseconds / 1_000_000, body: body))
    }

    /// The schema every event's record follows (`dataschema` of CloudEvents deliveries).
    public static let dataSchema = "https://callgate.dev/schema/callgate.call.v1.json"

    /// Builds the body for `sink` from the stored event JSON. The stored bytes are sent as they
    /// are, canonical or as the `data` of a CloudEvents envelope; only a sink with `exclude` paths
    /// has the event parsed into a tree and written again.
    /// - Throws: when the stored event cannot be read (it was written by this program, so this
    ///   means corruption).
    public static func body(event: [UInt8], sink: CallGateConfig.Sink) throws(MessageError) -> (
        body: [UInt8], contentType: String
    ) {
        guard !sink.exclude.isEmpty else {
            switch sink.format {
            case .canonical: return (event, "application/json")
            case .cloudevents: return (try cloudEvent(data: event), "application/cloudevents+json")
            }
        }
        var json: JSONValue
        do {
            json = try JSONParser.parse(event)
        } catch {
            throw MessageError("the stored event cannot be read: \(error)")
        }
        for path in sink.exclude { json = json.removingMember(at: path.split(separator: ".").map(String.init)[...]) }
        let data = JSONWriter.compact.bytes(json)
        switch sink.format {
        case .canonical: return (data, "application/json")
        case .cloudevents: return (try cloudEvent(data: data), "application/cloudevents+json")
        }
    }

    /// A CloudEvents 1.0 structured-mode envelope around the event's canonical JSON `data`, which
    /// goes in byte for byte; the envelope's attributes are read from it.
    static func cloudEvent(data: [UInt8]) throws(MessageError) -> [UInt8] {
        let tape: JSONTape
        do {
            tape = try JSONTape(parsing: data)
        } catch {
            throw MessageError("the stored event cannot be read: \(error)")
        }
        func member(_ name: String, of node: Int? = JSONTape.root) -> JSONValue {
            node.flatMap { tape.member($0, name) }.map { tape.value($0) } ?? .null
        }
        let call = tape.member(JSONTape.root, "call")
        let attributes: [(String, JSONValue)] = [
            ("specversion", "1.0"),
            ("id", member("id")),
            ("source", .string("/callgate/sources/" + (member("source").stringValue ?? ""))),
            ("type", member("type")),
            ("time", member("time")),
            ("subject", member("call_key", of: call)),
            ("dataschema", .string(dataSchema)),
            ("datacontenttype", "application/json"),
        ]
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 400)
        out.append(UInt8(ascii: "{"))
        for (name, value) in attributes {
            JSONWriter.writeString(name, into: &out)
            out.append(UInt8(ascii: ":"))
            JSONWriter.compact.write(value, into: &out)
            out.append(UInt8(ascii: ","))
        }
        out.append(contentsOf: #""data":"#.utf8)
        out.append(contentsOf: data)
        out.append(UInt8(ascii: "}"))
        return out
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
