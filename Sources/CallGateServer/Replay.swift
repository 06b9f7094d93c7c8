import CallGateCore
import CallGateKit
import CallGateStore

/// Re-runs stored payloads through the current mappings (`callgate replay`): quarantined ones once
/// a mapping is fixed, or every stored request after a mapping change. Events that come out the
/// same are duplicates (nothing new is delivered); changed ones become new revisions.
public struct Replayer: Sendable {
    let service: IngestService

    public init(service: IngestService) { self.service = service }

    public struct Report: Sendable, Equatable {
        /// Payloads that produced events (now stored).
        public var succeeded = 0
        /// Payloads that still fail, with their id and error.
        public var failed: [Failure] = []
        /// Events stored anew (new events or new revisions).
        public var newEvents = 0
        /// Events that were already stored unchanged.
        public var unchangedEvents = 0

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
        let entries = try await service.store.quarantined(source: source, includeResolved: false)
        var report = Report()
        for (i, entry) in entries.enumerated() {
            progress(i, entries.count)
            switch derive(
                source: entry.source, contentType: entry.contentType, query: entry.query, body: entry.body,
                receivedAt: entry.receivedAt)
            {
            case .failure(let message):
                report.failed.append(.init(id: entry.id, source: entry.source, error: message))
            case .success(let record):
                let outcome = try await service.store.ingest(record)
                try await service.store.resolveQuarantine(id: entry.id, at: now)
                report.count(outcome)
            }
        }
        progress(entries.count, entries.count)
        return report
    }

    /// Re-derives events from the raw requests received since `since` (kept for the retention
    /// period), without storing the requests again.
    public func reprocess(
        source: String? = nil, since: Timestamp, progress: (Int, Int) -> Void = { _, _ in }
    ) async throws -> Report {
        let requests = try await service.store.requests(source: source, since: since)
        var report = Report()
        for (i, request) in requests.enumerated() {
            progress(i, requests.count)
            guard let body = request.body else {
                report.failed.append(.init(id: request.id, source: request.source, error: "body dropped by retention"))
                continue
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
        progress(requests.count, requests.count)
        return report
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
        do {
            let pairs = try FormURLEncoding.decode(query ?? "")
            let request = IngestRequest(contentType: contentType, query: pairs, body: body)
            guard case .payload(let input) = try source.pipeline.input(from: request) else {
                return .failure("a handshake, not a payload")
            }
            let events = try source.pipeline.events(
                from: source.authenticator.stripSecrets(from: input), receivedAt: receivedAt)
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
