import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

/// Which configured sinks receive an event: its `events` and `sources` filters and its `when`
/// condition (Docs/delivery.md, "Sinks"). Decided when the event is stored, so its outbox rows are
/// written in the same transaction.
enum SinkRouting {
    static func routes(_ sinks: [CallGateConfig.Sink]) -> SinkRoutes {
        SinkRoutes { event in
            var ids: [String] = []
            var json: JSONValue?
            for sink in sinks {
                if let events = sink.events, !events.contains(event.type) { continue }
                if let sources = sink.sources, !sources.contains(event.source) { continue }
                if let when = sink.when {
                    if json == nil { json = event.json }
                    if !when.matches(json!) { continue }
                }
                ids.append(sink.id)
            }
            return ids
        }
    }
}
