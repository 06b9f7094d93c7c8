import CallGateFoundation

extension CallEvent {
    /// The event's canonical JSON, compact, as UTF-8 bytes (what sinks receive).
    /// The record (`call`) as canonical JSON, encoded once and kept until `call` changes: the
    /// store writes it beside the event.
    public mutating func recordBytes() -> [UInt8] {
        if let bytes = encodedCall.bytes { return bytes }
        var encoder = EventEncoder(capacity: 4096)
        call.encode(into: &encoder)
        encodedCall = EncodingCache(bytes: encoder.out)
        return encoder.out
    }

    public func jsonBytes() -> [UInt8] {
        var encoder = EventEncoder(capacity: (encodedCall.bytes?.count ?? 3500) + 600)
        encode(into: &encoder, identity: false)
        return encoder.out
    }

    /// - Parameter identity: leave out what must not affect the event id (`id`, `received_at`,
    ///   `revision`, and `time` when it is the receipt time).
    func encode(into e: inout EventEncoder, identity: Bool) {
        encodeHeader(into: &e, identity: identity)
        if let bytes = encodedCall.bytes {
            e.out.append(contentsOf: bytes)
        } else {
            call.encode(into: &e)
        }
        e.close()
    }

    /// Everything before the record: `{` … `"call":`.
    package func encodeHeader(into e: inout EventEncoder, identity: Bool) {
        e.open()
        if !identity { e.field("id", id) }
        e.field("type", type.rawValue)
        e.field("schema", Self.schema)
        if !identity || timeSource == .payload {
            e.key("time")
            e.time(time)
        }
        e.field("time_source", timeSource.rawValue)
        if !identity {
            e.key("received_at")
            e.time(receivedAt)
        }
        e.field("source", source)
        e.field("vendor", vendor)
        e.field("vendor_event", vendorEvent)
        if !identity {
            e.key("revision")
            e.out.append(contentsOf: String(revision).utf8)
        }
        e.key("call")
    }
}

extension CallRecord {
    package func encode(into e: inout EventEncoder) {
        e.open()
        e.field("call_key", callKey)
        e.field("vendor_call_id", vendorCallId)
        e.field("leg_id", legId)
        e.field("previous_leg_id", previousLegId)
        e.field("thread_key", threadKey)
        e.field("tenant", tenant)
        e.field("direction", direction.rawValue)
        e.field("leg_kind", legKind.rawValue)
        e.field("status", status.rawValue)
        e.field("outcome", outcome?.rawValue)
        e.field("outcome_reason", outcomeReason?.rawValue)
        e.key("from")
        e.phone(from)
        e.key("to")
        e.phone(to)
        e.key("line")
        if let line {
            e.open()
            e.key("number")
            e.phone(line.number)
            e.field("name", line.name)
            e.close()
        } else {
            e.null()
        }
        e.key("customer")
        if let customer {
            e.open()
            e.field("name", customer.name)
            e.field("company", customer.company)
            e.key("phone")
            e.phone(customer.phone)
            e.field("external_id", customer.externalId)
            e.close()
        } else {
            e.null()
        }
        e.key("agent")
        if let agent {
            e.open()
            e.field("id", agent.id)
            e.field("name", agent.name)
            e.field("email", agent.email)
            e.close()
        } else {
            e.null()
        }
        e.key("participants")
        e.array(participants) { e, p in
            e.open()
            e.field("id", p.id)
            e.field("side", p.side?.rawValue)
            e.field("role", p.role.rawValue)
            e.field("name", p.name)
            e.field("company", p.company)
            e.key("phone")
            e.phone(p.phone)
            e.close()
        }
        e.key("queue")
        if let queue {
            e.open()
            e.field("id", queue.id)
            e.field("name", queue.name)
            e.field("group", queue.group)
            e.close()
        } else {
            e.null()
        }
        e.key("started_at")
        e.time(startedAt)
        e.key("queued_at")
        e.time(queuedAt)
        e.key("ringing_at")
        e.time(ringingAt)
        e.key("answered_at")
        e.time(answeredAt)
        e.key("ended_at")
        e.time(endedAt)
        e.key("durations")
        e.open()
        e.key("total")
        e.number(durations.total)
        e.key("talk")
        e.number(durations.talk)
        e.key("ring")
        e.number(durations.ring)
        e.key("queue")
        e.number(durations.queue)
        e.key("ivr")
        e.number(durations.ivr)
        e.close()
        e.key("recording")
        if let recording {
            e.open()
            e.field("url", recording.url)
            e.key("expires_at")
            e.time(recording.expiresAt)
            e.close()
        } else {
            e.null()
        }
        e.key("transcript")
        if let transcript {
            e.open()
            e.field("text", transcript.text)
            e.key("segments")
            e.array(transcript.segments) { e, s in
                e.open()
                e.field("participant_id", s.participantId)
                e.field("role", s.role?.rawValue)
                e.key("start")
                e.number(s.start)
                e.key("end")
                e.number(s.end)
                e.field("text", s.text)
                e.close()
            }
            e.close()
        } else {
            e.null()
        }
        e.field("summary", summary)
        e.field("dtmf", dtmf)
        e.key("tags")
        e.array(tags) { e, t in e.string(t) }
        e.key("notes")
        e.array(notes) { e, n in
            e.open()
            e.field("text", n.text)
            e.field("author", n.author)
            e.key("at")
            e.time(n.at)
            e.close()
        }
        e.field("survey", survey)
        e.key("analytics")
        if let analytics { e.value(.object(analytics)) } else { e.null() }
        e.key("links")
        if let links {
            e.open()
            e.field("vendor_ui", links.vendorUI)
            e.close()
        } else {
            e.null()
        }
        e.key("custom")
        e.value(.object(custom))
        e.key("vendor_meta")
        e.value(.object(vendorMeta))
        e.close()
    }
}
