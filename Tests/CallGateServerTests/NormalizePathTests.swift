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
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import CallGateServer

/// `callgate map` runs what the server runs: every fixture of every vendor goes through the real
/// binary and through a live ingest, and both must give the same events (the same ids, and
/// byte-identical once stored), or the same error, or the same handshake. Sources whose credentials travel in the payload or the query are included,
/// and their secret appears in neither output.
@Suite struct NormalizePathTests {
    static let payloadSecret = "udesk-api-key-s3cret-in-the-body"
    static let queryKey = "biztel-token-s3cret-in-the-query"
    static let vendors = ["aircall", "biztel", "miitel", "pbx", "twilio", "udesk"]

    /// The shipped sources (each fixture folder is served by the source of its name), plus a Udesk
    /// source authenticated by a member of the body and a BIZTEL one by a query parameter. Neither
    /// mapping drops that member by itself (Udesk's keeps `extend` but `token`, BIZTEL's keeps every
    /// parameter but its own and `key`), so only the secret removal keeps it out of the events.
    static let yaml = """
        server: { host: 127.0.0.1, port: 0 }
        store: { sqlite: unused.sqlite }
        sources:
          - { id: miitel, adapter: miitel, region: JP }
          - { id: udesk, adapter: udesk, region: CN }
          - id: biztel
            adapter: biztel
            region: JP
            recording_url: https://s0000.u.biztel.jp:8000/monitor_link/{ID}
          - { id: pbx, adapter: pbx, region: JP, timezone: Asia/Tokyo }
          - { id: twilio, adapter: twilio, region: US }
          - { id: aircall, adapter: generic, mapping: aircall, region: US }
          - id: udesk-secret
            adapter: udesk
            region: CN
            auth: { payload_secret: { path: $.extend.api_key, value: "\(payloadSecret)" } }
          - id: biztel-key
            adapter: biztel
            region: JP
            recording_url: https://s0000.u.biztel.jp:8000/monitor_link/{ID}
            auth: { query_key: { name: token, value: "\(queryKey)" } }
        """

    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// The binary `swift build --build-tests` (and `swift test`) builds.
    static let binary = PackageRoot.path(".build/debug/callgate")

    /// One request as a vendor sends it.
    struct Sent {
        var source: String
        var body: [UInt8]
        var query: String?
        var contentType: String?
    }

    /// What a request became, as text to compare byte for byte. Events are compared as stored: the
    /// store merges each event's record with its call's (`Ledger`), so the events `callgate map`
    /// prints are stored the same way, on a store of their own, before comparing. Their ids, hashes
    /// of each event's content before any merge, are compared as well.
    enum Result: Equatable, CustomStringConvertible {
        case events(ids: [String], stored: String)
        case error(String)
        case handshake(String)

        var text: String {
            switch self {
            case .events(let ids, let stored): ids.joined(separator: "\n") + "\n" + stored
            case .error(let text), .handshake(let text): text
            }
        }
        var description: String { text }
    }

    /// The events on `store`, in the order of `ids`, as pretty JSON.
    static func stored(_ ids: [String], on store: any CallStore) async throws -> String {
        let stored = try await store.events(callKey: nil, limit: 1000)
        #expect(stored.count == ids.count)
        let events = ids.compactMap { id in stored.first { $0.id == id } }
        return JSONWriter.pretty.string(.array(events.map(\.json))) + "\n"
    }

    /// Posts `sent` to a gateway on a store of its own (so revisions and merges of other fixtures
    /// cannot differ), then reads back what was stored. Returns the receipt time the gateway used.
    static func ingest(_ sent: Sent, _ normalizer: Normalizer) async throws -> (Result, Timestamp?) {
        let store: any CallStore = MemoryStore()
        let gateway = try Gateway(normalizer: normalizer, store: store, logger: Self.quiet)
        let app = Application(router: gateway.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let headers: HTTPFields = sent.contentType.map { [.contentType: $0] } ?? [:]
        let uri = "/v1/ingest/\(sent.source)" + (sent.query.map { "?" + $0 } ?? "")
        let method: HTTPRequest.Method = sent.body.isEmpty ? .get : .post
        let answer = try await app.test(.router) { client in
            try await client.execute(uri: uri, method: method, headers: headers, body: buffer(sent.body)) { $0 }
        }
        guard answer.status == .ok else {
            let entry = try await store.quarantined(source: sent.source, includeResolved: true).first
            return (.error(answer.json["error"]?["message"]?.stringValue ?? answer.text), entry?.receivedAt)
        }
        let requests = try await store.requests(source: sent.source, since: Timestamp(seconds: 0))
        guard let request = requests.first else {
            // Nothing stored: a handshake, answered as the vendor expects.
            let type = answer.headers[.contentType] ?? ""
            return (.handshake("\(answer.status.code) \(type) with \"\(answer.text)\""), nil)
        }
        #expect(requests.count == 1)
        // In the order the request produced them (the answer lists them so).
        let ids = answer.json["events"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        return (.events(ids: ids, stored: try await stored(ids, on: store)), request.receivedAt)
    }

    /// Runs `callgate map` on `sent` with the receipt time the gateway used; its events stored as
    /// the gateway stores them.
    static func map(_ sent: Sent, config: URL, receivedAt: Timestamp?) async throws -> (Result, String) {
        let (result, stdout) = try runMap(sent, config: config, receivedAt: receivedAt)
        guard case .events = result else { return (result, stdout) }
        let events = try #require(JSONParser.parse(Array(stdout.utf8)).arrayValue).map { try CallEvent(json: $0) }
        let store: any CallStore = MemoryStore()
        _ = try await store.ingest(
            IngestRecord(
                source: sent.source, receivedAt: receivedAt ?? .now, contentType: sent.contentType, query: nil,
                body: sent.body, events: events, routes: .none))
        let ids = events.map(\.id)
        return (.events(ids: ids, stored: try await stored(ids, on: store)), stdout)
    }

    /// Runs `callgate map` on `sent`: what it made of it, and what it printed (the events).
    static func runMap(_ sent: Sent, config: URL, receivedAt: Timestamp?) throws -> (Result, String) {
        var arguments = ["map", "--config", config.path, "--source", sent.source]
        if let query = sent.query { arguments += ["--query", query] }
        if let type = sent.contentType { arguments += ["--content-type", type] }
        if let receivedAt { arguments += ["--received-at", receivedAt.description] }
        let run = try Subprocess.run(binary, arguments + ["-"], stdin: Data(sent.body))
        let stdout = String(decoding: run.stdout, as: UTF8.self)
        guard run.status == 0 else {
            #expect(run.status == 1)
            #expect(stdout.isEmpty)
            let prefix = "callgate: error: <stdin>: "
            #expect(run.stderr.hasPrefix(prefix), "\(run.stderr)")
            return (.error(String(run.stderr.dropFirst(prefix.count).dropLast())), stdout)
        }
        if let start = run.stderr.range(of: "handshake — the gateway answers "),
            let end = run.stderr.range(of: "; nothing is stored", options: .backwards)
        {
            #expect(stdout == "[]\n")
            return (.handshake(String(run.stderr[start.upperBound..<end.lowerBound])), stdout)
        }
        #expect(run.stderr.isEmpty, "\(run.stderr)")
        return (.events(ids: [], stored: ""), stdout)
    }

    /// The gateway on the test configuration, and that configuration's file for the binary.
    static func setUp() throws -> (Normalizer, URL) {
        try #require(
            FileManager.default.isExecutableFile(atPath: binary.path),
            "no callgate binary at \(binary.path); swift build --build-tests builds it")
        let harness = try GatewayHarness.make(yaml: yaml)
        return (try harness.load(), harness.configFile)
    }

    /// Both paths on one request; they must agree byte for byte. Returns what ingest stored and what
    /// `callgate map` printed.
    static func compare(_ sent: Sent, _ normalizer: Normalizer, _ config: URL, _ label: String) async throws
        -> (Result, String)
    {
        let (ingested, receivedAt) = try await ingest(sent, normalizer)
        let (mapped, printed) = try await map(sent, config: config, receivedAt: receivedAt)
        #expect(mapped == ingested, "\(label): callgate map and ingest differ: \(difference(mapped, ingested))")
        return (ingested, printed)
    }

    /// The first line where the two results differ.
    static func difference(_ mapped: Result, _ ingested: Result) -> String {
        let a = mapped.text.split(separator: "\n", omittingEmptySubsequences: false)
        let b = ingested.text.split(separator: "\n", omittingEmptySubsequences: false)
        let line = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        let map = line < a.count ? String(a[line]) : "<end>"
        let stored = line < b.count ? String(b[line]) : "<end>"
        return "line \(line + 1):\n  map:    \(map)\n  stored: \(stored)"
    }

    @Test func everyFixtureGivesTheSameEventsThroughMapAndIngest() async throws {
        let (normalizer, config) = try Self.setUp()
        var counts: [String: Int] = [:]
        for vendor in Self.vendors {
            for fixture in Golden.fixtures(vendor) + Golden.fixtures(vendor, invalid: true) {
                let sent = Sent(
                    source: vendor, body: fixture.body, query: fixture.query, contentType: fixture.contentType)
                let (result, _) = try await Self.compare(sent, normalizer, config, fixture.testDescription)
                switch result {
                case .events(let ids, _) where !ids.isEmpty: counts["events", default: 0] += 1
                case .events: counts["ignored", default: 0] += 1
                case .error: counts["error", default: 0] += 1
                case .handshake: counts["handshake", default: 0] += 1
                }
                #expect(fixture.name.hasPrefix("invalid/") == Self.isError(result), "\(fixture.testDescription)")
            }
        }
        // Every vendor folder was read, and each kind of result occurred.
        #expect(counts["events", default: 0] >= 70, "\(counts)")
        #expect(counts["error", default: 0] == 11, "\(counts)")
        #expect(counts["handshake", default: 0] >= 2, "\(counts)")
    }

    static func isError(_ result: Result) -> Bool {
        if case .error = result { return true }
        return false
    }

    /// A Udesk source authenticated by `$.extend.api_key` in the body: every Udesk fixture carrying
    /// the secret gives the same events through both paths, and the secret is in neither, though
    /// the mapping would copy it (the plain source shows it does).
    @Test func aPayloadSecretIsInNeitherOutput() async throws {
        let (normalizer, config) = try Self.setUp()
        let fixtures = Golden.fixtures("udesk")
        #expect(fixtures.count >= 15)
        for fixture in fixtures {
            let json = try JSONParser.parse(fixture.body)
            let extend = (json["extend"] ?? [:]).setting("api_key", .string(Self.payloadSecret))
            let body = JSONWriter.compact.bytes(json.setting("extend", extend))
            let sent = Sent(source: "udesk-secret", body: body, query: nil, contentType: fixture.contentType)
            let name = fixture.testDescription
            let (result, printed) = try await Self.compare(sent, normalizer, config, "\(name) with a payload secret")
            guard case .events(let ids, let stored) = result, !ids.isEmpty else {
                Issue.record("\(name): \(result)")
                continue
            }
            #expect(printed.hasPrefix("[\n  {"))
            #expect(!printed.contains(Self.payloadSecret), "\(name): callgate map printed the payload secret")
            #expect(!stored.contains(Self.payloadSecret), "\(name): ingest stored the payload secret in events")
            // Without the source's authentication, the same body's `api_key` is mapped like any
            // other `extend` member.
            let (_, open) = try Self.runMap(
                Sent(source: "udesk", body: body, query: nil, contentType: fixture.contentType), config: config,
                receivedAt: nil)
            #expect(open.contains(Self.payloadSecret), "\(name): the mapping does not copy extend.api_key")
        }
        // Ingest does authenticate this source: the body without the secret is refused.
        let (refused, _) = try await Self.ingest(
            Sent(
                source: "udesk-secret", body: fixtures[0].body, query: nil, contentType: fixtures[0].contentType),
            normalizer)
        #expect(refused == .error("missing or invalid credentials"))
    }

    /// A BIZTEL source authenticated by the `token` query parameter (which BIZTEL's adapter merges
    /// into the input): the same events through both paths, the key in neither.
    @Test func aQueryKeyIsInNeitherOutput() async throws {
        let (normalizer, config) = try Self.setUp()
        let fixtures = Golden.fixtures("biztel").filter { $0.query != nil }
        #expect(fixtures.count >= 6)
        for fixture in fixtures {
            let query = (fixture.query ?? "") + "&token=" + Self.queryKey
            let sent = Sent(source: "biztel-key", body: fixture.body, query: query, contentType: fixture.contentType)
            let name = fixture.testDescription
            let (result, printed) = try await Self.compare(sent, normalizer, config, "\(name) with a query key")
            guard case .events(let ids, let stored) = result, !ids.isEmpty else {
                Issue.record("\(name): \(result)")
                continue
            }
            #expect(printed.hasPrefix("[\n  {"))
            #expect(!printed.contains(Self.queryKey), "\(name): callgate map printed the query key")
            #expect(!stored.contains(Self.queryKey), "\(name): ingest stored the query key in events")
            let (_, open) = try Self.runMap(
                Sent(source: "biztel", body: fixture.body, query: query, contentType: fixture.contentType),
                config: config, receivedAt: nil)
            #expect(open.contains(Self.queryKey), "\(name): the mapping does not copy the token parameter")
        }
    }
}
