import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel

/// What each routed sink would be sent for some events, without sending anything: `callgate map
/// --sink ID` and the admin dry run (`POST /v1/admin/map`) show it (Docs/targets.md, "Trying a
/// transform").
///
/// Each event is taken as the first of its call (a create, not an update) and with the call as
/// the payload alone says it: the store's merge and the destination's ids are not consulted.
/// Authentication headers are not shown (their values are secrets); their kind is.
public enum OutboundPreview {
    /// One entry per (event, sink it is routed to), in event then sink order; `only` restricts
    /// the sinks.
    public static func entries(for events: [CallEvent], sinks: [CallGateConfig.Sink], only: String? = nil)
        -> [JSONValue]
    {
        let chosen = sinks.filter { only == nil || $0.id == only }
        let routes = SinkRouting.routes(chosen)
        var out: [JSONValue] = []
        for event in events {
            for id in routes.sinks(for: event) {
                guard let sink = chosen.first(where: { $0.id == id }) else { continue }
                out.append(entry(event, sink: sink))
            }
        }
        return out
    }

    static func entry(_ event: CallEvent, sink: CallGateConfig.Sink) -> JSONValue {
        var object = JSONObject([("sink", .string(sink.id)), ("event_id", .string(event.id))])
        var copy = event
        let bytes = copy.jsonBytes()
        guard let mapping = sink.transform?.mapping else {
            object["format"] = .string(sink.format.rawValue)
            switch sink.type {
            case .file: object["path"] = .string(sink.path ?? "")
            case .http: object["request"] = plain(bytes, sink: sink)
            }
            return .object(object)
        }
        object["transform"] = .string(mapping.target)
        do {
            switch try mapping.plan(
                TargetInput(event: bytes, sink: sink.id, url: sink.url ?? "", tables: sink.tables))
            {
            case .skip(let reason): object["skipped"] = .string(reason)
            case .send(let request):
                let contentType = request.format == .json ? "application/json" : "application/x-www-form-urlencoded"
                var shown = JSONObject([
                    ("method", .string(request.method)), ("url", .string(request.url)),
                    ("content_type", .string(contentType)), ("body", request.body),
                ])
                shown["headers"] = .object(JSONObject(request.headers.map { ($0.name, .string($0.value)) }))
                shown["authentication"] = authentication(sink)
                object["request"] = .object(shown)
                if sink.recording?.upload == true {
                    object["then"] = .string(
                        "the recording is fetched and PUT to the upload URL at \(sink.recording?.uploadURL ?? "") in the answer"
                    )
                }
            }
        } catch {
            object["error"] = .string(error.description)
            object["outcome"] = "dead: the delivery would fail at once with this reason"
        }
        return .object(object)
    }

    static func plain(_ event: [UInt8], sink: CallGateConfig.Sink) -> JSONValue {
        var shown = JSONObject([("method", "POST"), ("url", .string(sink.url ?? ""))])
        do {
            let (body, contentType) = try DeliveryRequest.body(event: event, sink: sink)
            shown["content_type"] = .string(contentType)
            shown["body"] = (try? JSONParser.parse(body)) ?? .string(String(decoding: body, as: UTF8.self))
        } catch {
            shown["error"] = .string(error.message)
        }
        shown["authentication"] = authentication(sink)
        return .object(shown)
    }

    /// The kinds of authentication a sink adds (never their values).
    static func authentication(_ sink: CallGateConfig.Sink) -> JSONValue {
        guard let auth = sink.auth else { return .array([]) }
        var kinds: [JSONValue] = []
        if !auth.standardWebhooks.isEmpty { kinds.append("standard_webhooks") }
        if auth.hmac != nil { kinds.append("hmac") }
        if auth.bearer != nil { kinds.append("bearer") }
        if auth.basic != nil { kinds.append("basic") }
        if auth.oauth2 != nil { kinds.append("oauth2") }
        return .array(kinds)
    }
}
