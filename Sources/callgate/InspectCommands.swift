import ArgumentParser
import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateServer
import CallGateStore
import Foundation
import Logging

/// Opens the configured store for a one-shot command, runs it (PostgreSQL's pool) while `body`
/// runs, and closes it afterwards.
func withStore<T>(_ options: ConfigOption, _ body: (Normalizer, any CallStore) async throws -> T) async throws -> T {
    let normalizer = try options.load()
    let store = try await options.openStore(normalizer.config)
    do {
        let value = try await withStoreRunning(store) { try await body(normalizer, store) }
        try await store.close()
        return value
    } catch {
        try? await store.close()
        throw error
    }
}

/// Runs `body`, printing a `CLIError` as `callgate: error: …` and exiting 1.
func reportAsync(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as CLIError {
        CLIOutput.error("callgate: error: \(error.message)")
        throw ExitCode(1)
    }
}

struct QuarantineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract: "List quarantined payloads (bodies that could not be read or mapped), or show one."
    )

    @OptionGroup var options: ConfigOption
    @Option(help: "Only this source.") var source: String?
    @Flag(help: "Include entries already replayed successfully.") var all = false
    @Argument(help: "An entry id: print its error and body.") var id: Int64?

    func run() async throws {
        try await reportAsync {
            try await withStore(options) { _, store in
                let entries = try await store.quarantined(source: source, includeResolved: all || id != nil)
                if let id {
                    guard let e = entries.first(where: { $0.id == id }) else {
                        throw CLIError("no quarantined payload \(id)")
                    }
                    CLIOutput.write(
                        """
                        id:           \(e.id)
                        source:       \(e.source)
                        received_at:  \(e.receivedAt)
                        status:       \(e.status) \(e.code)
                        error:        \(e.error)
                        content_type: \(e.contentType ?? "-")
                        query:        \(e.query ?? "-")
                        resolved_at:  \(e.resolvedAt?.description ?? "-")
                        body (\(e.body.count) bytes):

                        """)
                    FileHandle.standardOutput.write(Data(e.body))
                    CLIOutput.write("\n")
                    return
                }
                if entries.isEmpty {
                    CLIOutput.write("no quarantined payloads\n")
                    return
                }
                for e in entries {
                    CLIOutput.write(
                        "\(e.id)\t\(e.source)\t\(e.receivedAt)\t\(e.status) \(e.code)\t\(Self.oneLine(e.error))\(e.resolvedAt == nil ? "" : "\t(replayed)")\n"
                    )
                }
            }
        }
    }

    static func oneLine(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count > 160 ? String(flat.prefix(157)) + "..." : flat
    }
}

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-run stored payloads through the current mappings.",
        discussion: """
            --quarantined: payloads that failed (400/422); those that now map are stored and leave
            the quarantine. --reprocess --since T: re-derive events from the raw requests received
            since T (RFC 3339) after a mapping change; unchanged events stay as they are, changed
            ones get a new revision.
            """
    )

    @OptionGroup var options: ConfigOption
    @Flag(help: "Replay quarantined payloads.") var quarantined = false
    @Flag(help: "Re-derive events from stored raw requests.") var reprocess = false
    @Flag(help: "Queue dead deliveries again.") var dead = false
    @Option(
        help:
            "With --reprocess: requests received from this time on; with --dead: deliveries created from then on (RFC 3339)."
    ) var since: String?
    @Option(help: "Only this source.") var source: String?
    @Option(help: "With --dead: only this sink.") var sink: String?

    func run() async throws {
        try await reportAsync {
            guard [quarantined, reprocess, dead].filter({ $0 }).count == 1 else {
                throw CLIError("give exactly one of --quarantined, --reprocess or --dead")
            }
            var from: Timestamp?
            if let since {
                do {
                    from = try TimeFormat.iso8601.parse(.string(since), zone: nil)
                } catch {
                    throw CLIError("--since: \(error)")
                }
            }
            if reprocess, from == nil { throw CLIError("--reprocess needs --since TIME (RFC 3339)") }
            if dead {
                try await withStore(options) { normalizer, store in
                    if let sink, !normalizer.config.sinks.contains(where: { $0.id == sink }) {
                        throw CLIError("no sink '\(sink)' is configured")
                    }
                    // One transaction: fast even for many rows, and all or nothing.
                    let count = try await store.replayDead(sink: sink, since: from, now: .now)
                    CLIOutput.write("\(count) dead deliveries queued again\n")
                    let disabled = try await store.disabledSinks().filter { sink == nil || $0.sink == sink }
                    for state in disabled {
                        CLIOutput.write(
                            "note: sink '\(state.sink)' is disabled (\(state.reason ?? "")); its rows wait until `callgate sinks --enable \(state.sink)`\n"
                        )
                    }
                }
                return
            }
            try await withStore(options) { normalizer, store in
                let service: IngestService
                do {
                    service = try IngestService(
                        normalizer: normalizer, store: store,
                        // A one-shot replay prints its own report; the server's start-up warnings
                        // (open sources) would only be noise on its standard output.
                        logger: Logger(label: "callgate.replay") { _ in SwiftLogNoOpLogHandler() })
                } catch {
                    throw CLIError("\(error)")
                }
                let replayer = Replayer(service: service, history: store)
                let bar = ProgressBar()
                let report =
                    quarantined
                    ? try await replayer.replayQuarantined(source: source, now: Timestamp.now, progress: bar.show)
                    : try await replayer.reprocess(source: source, since: from ?? .now, progress: bar.show)
                bar.finish()
                CLIOutput.write(
                    "\(report.succeeded) payloads stored: \(report.newEvents) new events or revisions, \(report.unchangedEvents) unchanged; \(report.failed.count) still failing\n"
                )
                for failure in report.failed {
                    CLIOutput.write("  \(failure.id)\t\(failure.source)\t\(QuarantineCommand.oneLine(failure.error))\n")
                }
            }
        }
    }
}

/// A one-line progress bar on standard error, drawn only on a terminal.
final class ProgressBar {
    let enabled = isatty(STDERR_FILENO) == 1

    func show(_ done: Int, _ total: Int) {
        guard enabled, total > 0 else { return }
        let width = 30
        let filled = done * width / total
        let line =
            "\r[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            + "] \(done)/\(total)"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Print stored events (newest first) as JSON lines, or a call's merged record."
    )

    @OptionGroup var options: ConfigOption
    @Option(name: .customLong("call"), help: "Only this call_key.") var callKey: String?
    @Option(help: "At most this many events.") var limit = 20
    @Flag(help: "With --call: print the merged call record instead of its events.") var merged = false

    func run() async throws {
        try await reportAsync {
            try await withStore(options) { _, store in
                if merged {
                    guard let callKey else { throw CLIError("--merged needs --call KEY") }
                    guard let record = try await store.call(key: callKey) else { throw CLIError("no call \(callKey)") }
                    CLIOutput.write(JSONWriter.pretty.string(record.json) + "\n")
                    return
                }
                for event in try await store.events(callKey: callKey, limit: limit) {
                    FileHandle.standardOutput.write(Data(event.jsonBytes() + [0x0A]))
                }
            }
        }
    }
}

struct DeliveriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliveries",
        abstract: "List outbox rows: which event is owed to which sink, and their state."
    )

    @OptionGroup var options: ConfigOption
    @Option(help: "pending, delivered or dead.") var status: String?
    @Option(help: "Only this sink.") var sink: String?
    @Option(help: "Show one row with every attempt made.") var id: Int64?

    func run() async throws {
        try await reportAsync {
            if let id {
                try await withStore(options) { _, store in
                    guard let row = try await store.delivery(id: id) else { throw CLIError("no delivery \(id)") }
                    CLIOutput.write(
                        "\(row.id)\t\(row.sink)\t\(row.eventId)\t\(row.status.rawValue)\tattempts \(row.attempts)\tnext \(row.nextAttemptAt)\n"
                    )
                    for a in try await store.attempts(delivery: id) {
                        let status = a.statusCode.map { "HTTP \($0)" } ?? "no response"
                        let result: String =
                            switch a.result {
                            case .delivered: "delivered"
                            case .dead: "dead"
                            case .retry(let at): "retry at \(at)"
                            case .deferred(let until): "deferred to \(until)"
                            }
                        CLIOutput.write(
                            "  \(a.at)\t\(status)\t\(String(format: "%.1f ms", a.latencyMilliseconds))\t\(result)\(a.error.map { "\t" + $0 } ?? "")\n"
                        )
                    }
                }
                return
            }
            var filter: DeliveryStatus?
            if let status {
                guard let s = DeliveryStatus(rawValue: status) else {
                    throw CLIError("--status must be pending, delivered or dead")
                }
                filter = s
            }
            try await withStore(options) { _, store in
                let rows = try await store.deliveries(status: filter, sink: sink)
                if rows.isEmpty { CLIOutput.write("no deliveries\n") }
                for d in rows {
                    CLIOutput.write(
                        "\(d.id)\t\(d.sink)\t\(d.eventId)\t\(d.status.rawValue)\tattempts \(d.attempts)\t\(d.createdAt)\(d.lastError.map { "\t" + $0 } ?? "")\n"
                    )
                }
            }
        }
    }
}

struct SinksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sinks",
        abstract: "Show each configured sink's state and queue; enable a sink disabled by a 410, or disable one.",
        discussion: """
            A sink that answers 410 Gone is disabled: its rows wait, pending, until it is enabled
            again here (or through the admin API). Dead rows are re-queued with `callgate replay --dead`.
            """
    )

    @OptionGroup var options: ConfigOption
    @Option(help: "Enable this sink again.") var enable: String?
    @Option(help: "Disable this sink: its rows wait until it is enabled.") var disable: String?

    func run() async throws {
        try await reportAsync {
            try await withStore(options) { normalizer, store in
                let ids = normalizer.config.sinks.map(\.id)
                for id in [enable, disable].compactMap({ $0 }) where !ids.contains(id) {
                    throw CLIError("no sink '\(id)' is configured (configured: \(ids.joined(separator: ", ")))")
                }
                if let enable { try await store.setSink(enable, disabled: false, reason: nil, at: .now) }
                if let disable {
                    try await store.setSink(disable, disabled: true, reason: "disabled by an operator", at: .now)
                }
                let disabled = Dictionary(uniqueKeysWithValues: try await store.disabledSinks().map { ($0.sink, $0) })
                let stats = Dictionary(uniqueKeysWithValues: try await store.outboxStats().map { ($0.sink, $0) })
                for sink in normalizer.config.sinks {
                    let pending = stats[sink.id]?.pending ?? 0
                    let dead = stats[sink.id]?.dead ?? 0
                    let state = disabled[sink.id].map { "disabled since \($0.since) (\($0.reason ?? ""))" } ?? "enabled"
                    CLIOutput.write("\(sink.id)\t\(sink.type.rawValue)\t\(state)\tpending \(pending)\tdead \(dead)\n")
                }
            }
        }
    }
}
