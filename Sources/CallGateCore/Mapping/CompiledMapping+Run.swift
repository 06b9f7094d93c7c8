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
    /// - Returns: one event per selected element, with ids, `call_key` and revision 1.
    public func events(from input: JSONValue, source: SourceSettings, receivedAt: Timestamp) throws(MappingError)
        -> [CallEvent]
    {
        let zone = source.timeZone ?? defaultZone
        var scope = Scope(
            document: input, current: input, slots: Array(repeating: .null, count: slotCount),
            nullStrings: nullStrings, zone: zone, region: source.region,
            functionContext: FunctionContext(source: source, receivedAt: receivedAt))
        scope.slots[Self.sourceSlot] = source.json
        scope.slots[Self.receivedAtSlot] = .string(receivedAt.description)

        let elements: [JSONValue]
        if let forEach {
            elements = forEach.path.select(from: scope.start(of: forEach), document: input)
            if elements.isEmpty {
                throw MappingError(
                    element: nil, field: "for_each", message: "'\(forEach.path)' selected nothing in the payload")
            }
        } else {
            elements = [input]
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
        scope.slots[Self.typeSlot] = .string(type.rawValue)

        var vendorEventText: String?
        if let vendorEvent {
            let value: JSONValue
            do { value = try vendorEvent.evaluate(&scope) } catch { throw error.inside("vendor_event") }
            if !value.isEmptyValue { vendorEventText = try FieldReader.text(value, path: "vendor_event") }
        }

        let timeValue: JSONValue
        do { timeValue = try time.evaluate(&scope) } catch { throw error.inside("time") }
        var eventTime = receivedAt
        var timeSource = TimeSource.receipt
        if !timeValue.isEmptyValue {
            do {
                eventTime = try TimeFormat.iso8601.parse(timeValue, zone: context.zone)
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
            do { slots[field.index] = try field.value.evaluate(&scope) } catch {
                throw error.inside(field.key).inside("call")
            }
        }
        var record = try CallRecord(callSlots: slots, context: context)
        record.callKey = EventIdentity.callKey(source: source.id, vendorCallId: record.vendorCallId)
        record.recomputeDurations()
        var event = CallEvent(
            id: "", type: type, time: eventTime, timeSource: timeSource, receivedAt: receivedAt, source: source.id,
            vendor: vendor, vendorEvent: vendorEventText, call: record)
        EventIdentity.assignId(&event)
        return event
    }

    static func join(_ components: [String]) -> String {
        var out = ""
        for c in components {
            if c.hasPrefix("[") || out.isEmpty { out += c } else { out += "." + c }
        }
        return out
    }
}
