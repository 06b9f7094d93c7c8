import CallGateFoundation
import CallGateModel

/// A payload the mapping could not turn into valid events (HTTP 422): names the element and field.
public struct MappingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which element of `for_each` failed (`element 2 of $.call.details[*]`), if any.
    public var element: String?
    /// The output field, e.g. `call.started_at`.
    public var field: String
    public var message: String

    public var description: String {
        (field.isEmpty ? "" : "\(field): ") + message + (element.map { " (\($0))" } ?? "")
    }
}

extension CompiledMapping {
    /// Runs the mapping on one payload.
    /// - Parameters:
    ///   - input: the vendor payload as the adapter turned it into JSON.
    ///   - source: the settings of the source that received it.
    ///   - receivedAt: the receipt time (used for `received_at` and `time_fallback: receipt`).
    /// - Returns: one event per selected element, with revision 1 and without `id` and `call_key`,
    ///   which `EventIdentity` (the Normalize stage) derives from it.
    public func events(from input: JSONValue, source: SourceSettings, receivedAt: Timestamp) throws(MappingError)
        -> [CallEvent]
    {
        try events(tape: .empty, document: .json(input), source: source, receivedAt: receivedAt)
    }

    /// Runs the mapping on a payload parsed into a tape: paths and conditions read the tape
    /// directly, and only what the mapping emits is copied out. Same result as
    /// `events(from: tape.json, …)`.
    public func events(from tape: JSONTape, source: SourceSettings, receivedAt: Timestamp) throws(MappingError)
        -> [CallEvent]
    {
        try events(tape: tape, document: .node(JSONTape.root), source: source, receivedAt: receivedAt)
    }

    /// Runs the mapping on `input` (as a `JSONValue` or a tape), as `events(from:source:receivedAt:)`.
    public func events(from input: MappingInput, source: SourceSettings, receivedAt: Timestamp) throws(MappingError)
        -> [CallEvent]
    {
        switch input {
        case .json(let value): return try events(from: value, source: source, receivedAt: receivedAt)
        case .tape(let tape): return try events(from: tape, source: source, receivedAt: receivedAt)
        }
    }

    private func events(tape: JSONTape, document: Value, source: SourceSettings, receivedAt: Timestamp)
        throws(MappingError) -> [CallEvent]
    {
        let zone = source.timeZone ?? defaultZone
        var scope = Scope(
            tape: tape, document: document, current: document, slots: Array(repeating: .null, count: slotCount),
            nullStrings: nullStrings, zone: zone, region: source.region,
            functionContext: FunctionContext(source: source, receivedAt: receivedAt))
        scope.slots[Self.sourceSlot] = .json(source.json)
        scope.slots[Self.receivedAtSlot] = .json(.string(receivedAt.description))

        let elements: [Value]
        if let forEach {
            elements = scope.select(forEach.path, from: scope.start(of: forEach))
            if elements.isEmpty {
                throw MappingError(
                    element: nil, field: "for_each", message: "'\(forEach.path)' selected nothing in the payload")
            }
        } else {
            elements = [document]
        }
        let context = CoercionContext(region: source.region, zone: zone)
        var events: [CallEvent] = []
        events.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            let where_ = forEach.map { "element \(index + 1) of \(elements.count) selected by \($0.path)" }
            scope.current = element
            // `$type` is known only after classification: never carry one element's over to the next.
            scope.slots[Self.typeSlot] = .null
            if let slot = forEachSlot { scope.slots[slot] = element }
            do {
                if let event = try event(&scope, context: context, source: source, receivedAt: receivedAt) {
                    events.append(event)
                }
            } catch let error as EvaluationError {
                throw MappingError(element: where_, field: Self.join(error.path), message: error.message)
            } catch let error as FieldError {
                throw MappingError(element: where_, field: error.path, message: error.message)
            } catch {
                throw MappingError(element: where_, field: "", message: "\(error)")
            }
        }
        return events
    }

    private func event(_ scope: inout Scope, context: CoercionContext, source: SourceSettings, receivedAt: Timestamp)
        throws -> CallEvent?
    {
        for (name, slot, value) in lets {
            do { scope.slots[slot] = try value.evaluate(&scope) } catch { throw error.inside("$\(name)") }
        }
        var matched: Rule?
        for rule in rules {
            do {
                if try rule.condition.holds(&scope) {
                    matched = rule
                    break
                }
            } catch { throw error.inside("events") }
        }
        guard let matched else {
            throw FieldError(path: "type", message: "no rule under 'events' matched this payload")
        }
        guard let type = matched.type else { return nil }
        scope.slots[Self.typeSlot] = .json(.string(type.rawValue))

        var vendorEventText: String?
        if let vendorEvent {
            let value: Value
            do { value = try vendorEvent.evaluate(&scope) } catch { throw error.inside("vendor_event") }
            if !scope.isEmpty(value) { vendorEventText = try FieldReader.text(scope.json(value), path: "vendor_event") }
        }

        let timeValue: Value
        do { timeValue = try time.evaluate(&scope) } catch { throw error.inside("time") }
        var eventTime = receivedAt
        var timeSource = TimeSource.receipt
        if !scope.isEmpty(timeValue) {
            do {
                eventTime = try TimeFormat.iso8601.parse(scope.json(timeValue), zone: context.zone)
                timeSource = .payload
            } catch {
                throw FieldError(path: "time", message: error.message)
            }
        } else if !timeFallbackToReceipt {
            throw FieldError(
                path: "time",
                message: "no value in the payload (set 'time_fallback: receipt' to allow the receipt time)")
        }

        var slots = [JSONValue](repeating: .null, count: CallRecord.fieldNames.count)
        for field in callFields {
            do {
                let value = try field.value.evaluate(&scope)
                slots[field.index] = scope.json(value)
            } catch {
                throw error.inside(field.key).inside("call")
            }
        }
        var record = try CallRecord(callSlots: slots, context: context)
        record.recomputeDurations()
        // The call key and the event id are the Normalize stage's (`EventIdentity`).
        return CallEvent(
            id: "", type: type, time: eventTime, timeSource: timeSource, receivedAt: receivedAt, source: source.id,
            vendor: vendor, vendorEvent: vendorEventText, call: record)
    }

    static func join(_ components: [String]) -> String {
        var out = ""
        for c in components {
            if c.hasPrefix("[") || out.isEmpty { out += c } else { out += "." + c }
        }
        return out
    }
}

/// A payload for the mapping: a parsed tree, or a tape over the request's bytes (the fast path
/// for JSON bodies).
public enum MappingInput: Sendable {
    case json(JSONValue)
    case tape(JSONTape)

    /// The payload as a `JSONValue` (a tape is copied out whole).
    public var json: JSONValue {
        switch self {
        case .json(let value): return value
        case .tape(let tape): return tape.json
        }
    }

    /// A top-level member, as `JSONValue` subscripting.
    public subscript(key: String) -> JSONValue? {
        switch self {
        case .json(let value): return value[key]
        case .tape(let tape): return tape.member(JSONTape.root, key).map { tape.value($0) }
        }
    }
}
