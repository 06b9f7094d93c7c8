import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

/// Re-runs stored payloads through the current mappings (`callgate replay`): quarantined ones once
/// a mapping is fixed, or every stored request after a mapping change. Events that come out the
/// same are duplicates (nothing new is delivered); changed ones become new revisions.
public struct Replayer: Sendable {
    let service: IngestService
    /// Where the stored requests and quarantined payloads are read from.
    let history: any CallHistory

    public init(service: IngestService, history: any CallHistory) {
        self.service = service
        self.history = history
    }

    public struct Report: Sendable, Equatable {
        /// Payloads that produced events (now stored).
        public var succeeded = 0
        /// Payloads that still fail, with their id and error.
        public var failed: [Failure] = []
        /// Events stored anew (new events or new revisions).
        public var newEvents = 0
        /// Events that were already stored unchanged.
        public var unchangedEvents = 0

        public init() {}

        public struct Failure: Sendable, Equatable {
            public var id: Int64
            public var source: String
            public var error: String
        }
    }

    /// Replays unresolved quarantine entries; those that now map are stored and marked resolved.
    public func replayQuarantined(
        source: String? = nil, now: Timestamp, progress: (Int, Int) -> Void = { _, _ in }
    ) async throws -> Report {
        let entries = try await history.quarantined(source: source, includeResolved: false)
        var report = Report()
        for (i, entry) in entries.enumerated() {
            progress(i, entries.count)
            try await replay(entry, now: now, into: &report)
        }
        progress(entries.count, entries.count)
        return report
    }

    /// Replays one quarantined payload: when it maps now, its events are stored and the entry is
    /// marked resolved in the same transaction; otherwise the report lists why it still fails.
    public func replay(_ entry: QuarantineEntry, now: Timestamp, into report: inout Report) async throws {
        switch derive(
            source: entry.source, contentType: entry.contentType, query: entry.query, body: entry.body,
            receivedAt: entry.receivedAt)
        {
        case .failure(let message):
            report.failed.append(.init(id: entry.id, source: entry.source, error: message))
        case .success(var record):
            record.resolvesQuarantine = entry.id
            record.resolvedAt = now
            report.count(try await service.store.ingest(record))
        }
    }

    /// Re-derives events from the raw requests received since `since` (kept for the retention
    /// period), without storing the requests again.
    public func reprocess(
        source: String? = nil, since: Timestamp, progress: (Int, Int) -> Void = { _, _ in }
    ) async throws -> Report {
        var report = Report()
        var done = 0
        var lastId: Int64 = 0
        // A page at a time: bodies of the whole retention period need not fit in memory.
        while true {
            let page = try await history.requests(source: source, since: since, afterId: lastId, limit: 200)
            guard let last = page.last else { break }
            lastId = last.id
            for request in page {
                try await reprocess(request, into: &report)
                done += 1
                progress(done, done + (page.count == 200 ? 1 : 0))
            }
        }
        return report
    }

    func reprocess(_ request: StoredRequest, into report: inout Report) async throws {
        guard let body = request.body else {
            report.failed.append(.init(id: request.id, source: request.source, error: "body dropped by retention"))
            return
        }
        switch derive(
            source: request.source, contentType: request.contentType, query: request.query, body: body,
            receivedAt: request.receivedAt, existingRequestId: request.id)
        {
        case .failure(let message):
            report.failed.append(.init(id: request.id, source: request.source, error: message))
        case .success(let record):
            report.count(try await service.store.ingest(record))
        }
    }

    enum Derived {
        case success(IngestRecord)
        case failure(String)
    }

    func derive(
        source id: String, contentType: String?, query: String?, body: [UInt8], receivedAt: Timestamp,
        existingRequestId: Int64? = nil
    ) -> Derived {
        guard let source = service.sources[id] else { return .failure("source '\(id)' is no longer configured") }
        let request = InboundRequest(contentType: contentType, rawQuery: query, body: body, limits: service.limits)
        do throws(SourcePipeline.NormalizeError) {
            guard case .events(let events) = try source.pipeline.normalize(request, receivedAt: receivedAt).outcome
            else {
                return .failure("a handshake, not a payload")
            }
            return .success(
                IngestRecord(
                    source: id, receivedAt: receivedAt, contentType: contentType, query: query, body: body,
                    events: events, routes: service.routes, existingRequestId: existingRequestId))
        } catch {
            return .failure(error.description)
        }
    }
}

extension Replayer.Report {
    mutating func count(_ outcome: IngestOutcome) {
        succeeded += 1
        for stored in outcome.events {
            if stored.duplicate { unchangedEvents += 1 } else { newEvents += 1 }
        }
    }
}
