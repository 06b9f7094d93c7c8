import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel

/// What one attempt did, before the retry policy, or instead of it where the step decides.
struct DeliveryStep: Sendable {
    var outcome: RetryPolicy.Outcome
    /// The destination's record of the call to write with the attempt.
    var destination: Destination?
    var verdict: Verdict?
    /// Cut short by a reload or shutdown after the grace period.
    var aborted = false

    enum Verdict: Sendable {
        /// Dead at once, with the reason.
        case dead(String)
        /// Done; a note for the operator (a skip), if any.
        case delivered(String?)
        /// Not attempted yet: due again at this time, with why.
        case deferred(Timestamp, String)
        /// This step worked and another is due at once (the recording upload after a create).
        case next(String)
    }
}

/// A sink with a `transform:` (Docs/targets.md): the request the mapping writes, one record per
/// call at the destination (create, then update or skip), and the recording relay after a create.
extension DeliveryWorker {
    func transformed(_ row: DueDelivery, mapping: TargetMapping, now: Timestamp, abort: StopFlag?) async
        -> DeliveryStep
    {
        if let destination = row.destination, destination.createdBy == row.id, destination.awaitsUpload {
            return await upload(row, destination: destination, now: now, abort: abort)
        }
        var input = TargetInput(
            event: row.event, sink: sink.id, url: sink.url ?? "", tables: sink.tables,
            destinationId: row.destination?.id)
        let creates = row.destination == nil
        var recordingURL = Self.recordingURL(in: row.event)
        if let relay = sink.recording, relay.upload, creates, recordingURL == nil {
            // The recording may have arrived with a later event of the call: use the call as
            // merged now. Otherwise wait for it, up to `recording.wait`.
            if let current = try? await store.call(key: row.callKey), let url = current.recording?.url,
                case .object(var event)? = try? JSONParser.parse(row.event)
            {
                event["call"] = current.json
                input.event = JSONWriter.compact.bytes(.object(event))
                recordingURL = url
            } else {
                let deadline = row.createdAt.adding(relay.wait)
                if now < deadline {
                    return DeliveryStep(
                        outcome: .failure("waiting"),
                        verdict: .deferred(
                            min(deadline, now.adding(.seconds(5))),
                            "waiting for the call's recording (until \(deadline))"))
                }
            }
        }
        let plan: OutboundPlan
        do {
            plan = try mapping.plan(input)
        } catch {
            return DeliveryStep(outcome: .failure("transform"), verdict: .dead("transform \(mapping.target): \(error)"))
        }
        let outbound: OutboundRequest
        switch plan {
        case .skip(let reason):
            return DeliveryStep(outcome: .failure("skipped"), verdict: .delivered("not sent: \(reason)"))
        case .send(let request): outbound = request
        }
        let request: DeliveryRequest
        do {
            request = try DeliveryRequest(outbound: outbound, eventId: row.eventId, sink: sink, at: now)
        } catch {
            return DeliveryStep(outcome: .failure(error.message), verdict: .dead(error.message))
        }
        var step = await exchange(request, eventId: row.eventId, abort: abort)
        guard creates, mapping.keepsOneRecordPerCall, case .response(let status, _) = step.result.outcome,
            (200...299).contains(status)
        else { return step.result }
        // Created: keep the destination's id, so later events update (or skip) and a retry of
        // this row never creates a second object.
        let id: String?
        do {
            id = try mapping.destinationId(answer: step.answer, input: input)
        } catch {
            return DeliveryStep(outcome: step.result.outcome, verdict: .delivered("created, but \(error)"))
        }
        guard let id else {
            return DeliveryStep(
                outcome: step.result.outcome,
                verdict: .delivered("created, but the answer carried no id: later events of the call create again"))
        }
        var destination = Destination(sink: sink.id, callKey: row.callKey, id: id, createdBy: row.id, createdAt: now)
        step.result.destination = destination
        guard let relay = sink.recording, relay.upload, recordingURL != nil else { return step.result }
        guard let uploadURL = Self.string(at: relay.uploadURL, in: step.answer),
            uploadURL.hasPrefix("https://") || uploadURL.hasPrefix("http://")
        else {
            step.result.verdict = .dead(
                "created (\(id)), but the answer has no upload URL at \(relay.uploadURL): the recording was not uploaded"
            )
            return step.result
        }
        destination.uploadURL = uploadURL
        step.result.destination = destination
        step.result.verdict = .next("created (\(id)); the recording upload follows")
        return step.result
    }

    /// The recording upload after a create: its own step, retried on the sink's schedule.
    func upload(_ row: DueDelivery, destination: Destination, now: Timestamp, abort: StopFlag?) async
        -> DeliveryStep
    {
        guard let relay = sink.recording, let uploadURL = destination.uploadURL, let recordings else {
            return DeliveryStep(outcome: .failure("upload"), verdict: .dead("the recording relay is not configured"))
        }
        let current = try? await store.call(key: row.callKey)
        guard let source = current?.recording?.url ?? Self.recordingURL(in: row.event) else {
            return DeliveryStep(outcome: .failure("upload"), verdict: .dead("the call has no recording URL"))
        }
        let auth = Self.sourceId(in: row.event).flatMap { recordingAuth[$0] }
        let result: RecordingRelay.Result
        switch await bounded(
            by: relay.timeout, abort: abort,
            {
                await recordings.relay(
                    from: source, auth: auth, to: uploadURL, maxBytes: relay.maxBytes, timeout: relay.timeout)
            })
        {
        case .finished(let r): result = r
        case .timedOut: result = .failure("the recording relay timed out after \(relay.timeout)")
        case .aborted:
            return DeliveryStep(
                outcome: .failure("cancelled by a reload or shutdown after the grace period"), aborted: true)
        }
        var uploaded = destination
        uploaded.uploaded = true
        switch result {
        case .uploaded(.response(let status, _), _) where (200...299).contains(status):
            return DeliveryStep(outcome: .response(status: status, retryAfter: nil), destination: uploaded)
        case .uploaded(.response(403, _), _):
            let expired = now >= destination.createdAt.adding(relay.validFor)
            return DeliveryStep(
                outcome: .response(status: 403, retryAfter: nil),
                verdict: .dead(
                    expired
                        ? "recording upload refused (403): the upload URL expired, more than \(relay.validFor) after the call history was created"
                        : "recording upload refused (403): the destination does not accept this upload URL"))
        case .uploaded(let outcome, _):
            return DeliveryStep(outcome: outcome)
        case .fetchFailed(.response(let status, let retryAfter)) where [401, 403].contains(status):
            return DeliveryStep(
                outcome: .response(status: status, retryAfter: retryAfter),
                verdict: .dead("the recording could not be fetched: HTTP \(status) (check the source's recording_auth)")
            )
        case .fetchFailed(.response(let status, _)):
            // A recording not there yet (404) or a source in trouble: tried again on the schedule.
            return DeliveryStep(outcome: .failure("the recording could not be fetched: HTTP \(status)"))
        case .fetchFailed(let outcome):
            return DeliveryStep(outcome: outcome)
        case .tooLarge(let bytes):
            return DeliveryStep(
                outcome: .failure("too large"),
                verdict: .dead("the recording is larger than recording.max_bytes (\(relay.maxBytes)): \(bytes) bytes"))
        case .failure(let message):
            return DeliveryStep(outcome: .failure(message))
        }
    }

    /// Sends within the sink's timeout, keeping the answer's body.
    func exchange(_ request: DeliveryRequest, eventId: String, abort: StopFlag?) async -> (
        result: DeliveryStep, answer: [UInt8]
    ) {
        let sender = self.sender
        switch await bounded(by: sink.timeout, abort: abort, { await sender.exchange(request, eventId: eventId) }) {
        case .finished(let (outcome, answer)): return (DeliveryStep(outcome: outcome), answer)
        case .timedOut: return (DeliveryStep(outcome: .failure("timed out after \(sink.timeout)")), [])
        case .aborted:
            return (
                DeliveryStep(
                    outcome: .failure("cancelled by a reload or shutdown after the grace period"), aborted: true),
                []
            )
        }
    }

    static func recordingURL(in event: [UInt8]) -> String? {
        guard let tape = try? JSONTape(parsing: event), let call = tape.member(JSONTape.root, "call"),
            let recording = tape.member(call, "recording"), let url = tape.member(recording, "url"),
            case .string(let text) = tape.value(url), !text.isEmpty
        else { return nil }
        return text
    }

    static func sourceId(in event: [UInt8]) -> String? {
        guard let tape = try? JSONTape(parsing: event), let node = tape.member(JSONTape.root, "source"),
            case .string(let text) = tape.value(node)
        else { return nil }
        return text
    }

    /// The string a JSONPath selects in a JSON answer.
    static func string(at path: String, in answer: [UInt8]) -> String? {
        guard let json = try? JSONParser.parse(answer, limits: .ingest), let path = try? JSONPath(path),
            case .string(let text)? = path.select(from: json, document: json).first
        else { return nil }
        return text
    }
}
