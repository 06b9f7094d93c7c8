import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateStore
import CallGateTestSupport
import Foundation
import Testing

/// The real `callgate` binary, as a user runs it.
@Suite struct CommandLineTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// `callgate` beside the test bundle: `swift test` builds every product into the same folder.
    static var binary: URL {
        let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return executable.deletingLastPathComponent().appendingPathComponent("callgate")
    }

    func callgate(_ arguments: [String], stdin: Data = Data()) throws -> Run {
        try #require(Self.built, "no callgate binary at \(Self.binary.path); swift test builds it")
        let result = try Subprocess.run(Self.binary, arguments, stdin: stdin, directory: PackageRoot.url)
        return Run(
            status: result.status, stdout: String(decoding: result.stdout, as: UTF8.self), stderr: result.stderr)
    }

    static var built: Bool { FileManager.default.isExecutableFile(atPath: binary.path) }

    @Test func mapPrintsEventsAsAJSONArray() throws {
        let run = try callgate(["map", "--source", "miitel", "Tests/Fixtures/miitel/transfer-chain.json"])
        #expect(run.status == 0, "\(run.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]]
        #expect(parsed?.count == 3)
        #expect(parsed?.first?["schema"] as? String == "callgate.call.v1")
    }

    @Test func mapReadsStandardInputAndQuery() throws {
        let run = try callgate(["map", "--source", "biztel", "--query", "event=着信&id=9&tel=0312345678", "-"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\"call.started\""))
    }

    @Test func publishedMinutesSampleFailsWithLineAndColumn() throws {
        let run = try callgate(["map", "--source", "miitel", "Tests/Fixtures/miitel/invalid/minutes-as-published.txt"])
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("callgate: error:"))
        #expect(run.stderr.contains("line 2, column 1"))
    }

    @Test func challengePrintsNoEventsAndExplains() throws {
        let run = try callgate(["map", "--source", "miitel", "Tests/Fixtures/miitel/challenge.json"])
        #expect(run.status == 0)
        #expect(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
        #expect(run.stderr.contains("handshake"))
    }

    @Test func unknownSourceAndUnreadableFileFail() throws {
        let unknown = try callgate(["map", "--source", "nosuch", "Tests/Fixtures/miitel/minutes.json"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("unknown source 'nosuch'"))
        let missing = try callgate(["map", "--source", "miitel", "no/such/file.json"])
        #expect(missing.status == 1)
    }

    @Test func checkValidatesTheShippedConfiguration() throws {
        let run = try callgate(["check"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("OK (6 sources"))
    }

    @Test func checkReportsMappingErrorsWithLocation() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("sources:\n  - id: x\n    adapter: generic\n    mapping: bad.yaml\n".utf8)
            .write(to: dir.appendingPathComponent("callgate.yaml"))
        try Data(
            "vendor: x\nevents: [{type: call.completed}]\ntime: $.t\ncall:\n  vendor_call_id: $.id\n  direction: sideways\n  leg_kind: normal\n  status: ended\n"
                .utf8
        )
        .write(to: dir.appendingPathComponent("bad.yaml"))
        let run = try callgate(["check", "--config", dir.appendingPathComponent("callgate.yaml").path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("bad.yaml:6:14: 'sideways' is not a direction"), "\(run.stderr)")
    }

    /// A configuration written to a temporary directory, with the shipped mappings.
    static func config(_ yaml: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-cli-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("callgate.yaml")
        try yaml.replacingOccurrences(of: "MAPPINGS", with: PackageRoot.path("Mappings").path)
            .write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func serveRefusesToStartWithAMissingSecret() throws {
        let file = try Self.config(
            """
            store: { sqlite: s.sqlite }
            sources:
              - id: miitel
                adapter: miitel
                mapping: MAPPINGS/miitel.yaml
                auth: { bearer: "${CALLGATE_TEST_UNSET_TOKEN}" }
            """)
        let run = try callgate(["serve", "--config", file.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("callgate: error:"))
        #expect(run.stderr.contains("CALLGATE_TEST_UNSET_TOKEN"))
        #expect(run.stderr.contains("callgate.yaml:6:"), "\(run.stderr)")
    }

    @Test func serveRefusesAnOpenSourceOnAPublicAddress() throws {
        let file = try Self.config(
            """
            server: { host: 0.0.0.0, port: 0 }
            store: { sqlite: s.sqlite }
            sources:
              - { id: miitel, adapter: miitel, mapping: MAPPINGS/miitel.yaml }
            """)
        let run = try callgate(["serve", "--config", file.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("source 'miitel' has no auth"), "\(run.stderr)")
    }

    @Test func serveRefusesABrokenMapping() throws {
        let file = try Self.config(
            """
            store: { sqlite: s.sqlite }
            sources:
              - { id: miitel, adapter: miitel, mapping: broken.yaml }
            """)
        try "version: 1\nvendor: x\nevents: []\n".write(
            to: file.deletingLastPathComponent().appendingPathComponent("broken.yaml"), atomically: true,
            encoding: .utf8)
        let run = try callgate(["serve", "--config", file.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("broken.yaml:3:"), "\(run.stderr)")
    }

    @Test func inspectionCommandsOnAnEmptyStore() throws {
        let file = try Self.config(
            """
            store: { sqlite: s.sqlite }
            sources:
              - { id: miitel, adapter: miitel, mapping: MAPPINGS/miitel.yaml }
            """)
        let quarantine = try callgate(["quarantine", "--config", file.path])
        #expect(quarantine.status == 0, "\(quarantine.stderr)")
        #expect(quarantine.stdout.contains("no quarantined payloads"))
        let replay = try callgate(["replay", "--quarantined", "--config", file.path])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.contains("0 payloads stored"))
        #expect(!replay.stdout.contains("warning"), "log lines mixed into the report:\n\(replay.stdout)")
        let bad = try callgate(["replay", "--reprocess", "--config", file.path])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("--since"))
        let events = try callgate(["events", "--config", file.path])
        #expect(events.status == 0)
        #expect(events.stdout.isEmpty)
    }

    /// Dead rows re-queued from the command line, and a sink switched off and on.
    @Test func deadDeliveriesAndSinksFromTheCommandLine() async throws {
        let file = try Self.config(
            """
            store: { sqlite: s.sqlite }
            sources:
              - { id: miitel, adapter: miitel, mapping: MAPPINGS/miitel.yaml }
            sinks:
              - { id: archive, type: file, path: events.jsonl }
            """)
        let path = file.deletingLastPathComponent().appendingPathComponent("s.sqlite").path
        let store = try SQLiteStore(path: path)
        let events = try Golden.events("miitel", "speech-recognition-ja")
        _ = try await store.ingest(
            IngestRecord(
                source: "miitel", receivedAt: Golden.receivedAt, contentType: "application/json", query: nil,
                body: [], events: events, routes: SinkRoutes { _ in ["archive"] }))
        let row = try #require(try await store.deliveries(status: nil, sink: nil).first)
        try await store.recordAttempt(
            DeliveryAttempt(
                deliveryId: row.id, at: Golden.receivedAt, statusCode: 400, latencyMilliseconds: 2,
                error: "HTTP 400", result: .dead))
        try await store.close()

        let shown = try callgate(["deliveries", "--id", String(row.id), "--config", file.path])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("dead"))
        #expect(shown.stdout.contains("HTTP 400"))
        let unknownSink = try callgate(["replay", "--dead", "--sink", "nope", "--config", file.path])
        #expect(unknownSink.status == 1)
        #expect(unknownSink.stderr.contains("no sink 'nope'"))
        let replay = try callgate(["replay", "--dead", "--sink", "archive", "--config", file.path])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.contains("1 dead deliveries queued again"))
        let pending = try callgate(["deliveries", "--status", "pending", "--config", file.path])
        #expect(pending.stdout.contains(row.eventId))

        let disabled = try callgate(["sinks", "--disable", "archive", "--config", file.path])
        #expect(disabled.stdout.contains("archive\tfile\tdisabled"), "\(disabled.stdout)")
        #expect(disabled.stdout.contains("pending 1"))
        let enabled = try callgate(["sinks", "--enable", "archive", "--config", file.path])
        #expect(enabled.stdout.contains("archive\tfile\tenabled"), "\(enabled.stdout)")
        let both = try callgate(["replay", "--dead", "--quarantined", "--config", file.path])
        #expect(both.status == 1)
        #expect(both.stderr.contains("exactly one"))
    }

    /// `callgate backup` copies the store while another process keeps writing to it.
    @Test func backupCopiesALiveStore() async throws {
        let file = try Self.config(
            """
            store: { sqlite: s.sqlite }
            sources:
              - { id: miitel, adapter: miitel, mapping: MAPPINGS/miitel.yaml }
            """)
        let directory = file.deletingLastPathComponent()
        let store = try SQLiteStore(path: directory.appendingPathComponent("s.sqlite").path)
        let template = try Golden.json("miitel", "speech-recognition-ja")
        let normalizer = try Normalizer.load(configFile: file.path, environment: [:])
        let pipeline = try #require(normalizer.pipeline(for: "miitel"))
        @Sendable func ingest(_ i: Int) async throws {
            var call = template["call"]?.objectValue ?? JSONObject()
            call["id"] = .string("backup-call-\(i)")
            let events = try pipeline.events(
                from: template.setting("call", .object(call)), receivedAt: Golden.receivedAt)
            _ = try await store.ingest(
                IngestRecord(
                    source: "miitel", receivedAt: Golden.receivedAt, contentType: "application/json", query: nil,
                    body: Array("payload \(i)".utf8), events: events, routes: .none))
        }
        for i in 0..<50 { try await ingest(i) }
        // Writes go on while the backup runs.
        let writer = Task {
            for i in 50..<250 { try await ingest(i) }
        }
        let backup = directory.appendingPathComponent("copy.sqlite")
        let run = try callgate(["backup", backup.path, "--config", file.path])
        try await writer.value
        try await store.close()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("backed up"))
        #expect(!FileManager.default.fileExists(atPath: backup.path + ".partial"))

        let perRequest = try pipeline.events(from: template, receivedAt: Golden.receivedAt).count
        let copy = try SQLiteStore(path: backup.path)
        let requests = try await copy.requests(source: nil, since: Timestamp(seconds: 0))
        #expect(requests.count >= 50 && requests.count <= 250)
        // A consistent snapshot: each copied request with all its events and their calls.
        let copied = try await copy.events(callKey: nil, limit: 10_000)
        #expect(copied.count == requests.count * perRequest)
        for event in copied.prefix(20) { #expect(try await copy.call(key: event.call.callKey) != nil) }
        try await copy.close()

        let itself = try callgate(
            ["backup", directory.appendingPathComponent("s.sqlite").path, "--config", file.path])
        #expect(itself.status == 1)
        let nowhere = try callgate(["backup", "/nonexistent-dir/x.sqlite", "--config", file.path])
        #expect(nowhere.status == 1)
        #expect(nowhere.stderr.contains("cannot back up"), "\(nowhere.stderr)")
    }
}
