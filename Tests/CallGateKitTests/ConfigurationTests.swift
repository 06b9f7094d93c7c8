import CallGateAuth
import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateTestSupport
import Foundation
import Testing

/// `callgate.yaml` is decoded strictly (Docs/operations.md, "How `callgate.yaml` is read").
@Suite struct ConfigurationTests {
    func decode(_ yaml: String, env: [String: String] = [:]) throws(LocatedError) -> CallGateConfig {
        try CallGateConfig(yaml: yaml, file: "test.yaml", environment: env)
    }

    func failure(_ yaml: String, env: [String: String] = [:]) -> LocatedError? {
        do {
            _ = try decode(yaml, env: env)
            return nil
        } catch {
            return error
        }
    }

    @Test func shippedConfigurationLoadsWithSixSources() throws {
        let normalizer = Golden.normalizer
        #expect(normalizer.pipelines.map(\.settings.id) == ["miitel", "udesk", "biztel", "pbx", "twilio", "aircall"])
        #expect(normalizer.config.server.host == "127.0.0.1")
        #expect(normalizer.config.server.maxBodyBytes == 1_048_576)
    }

    @Test func theSpecSketchDecodes() throws {
        let yaml = """
            server: { host: 127.0.0.1, port: 8080, max_body_bytes: 1048576 }
            store: { sqlite: .callgate/callgate.sqlite }
            admin: { token: "${CALLGATE_ADMIN_TOKEN:-}" }
            sources:
              - id: miitel
                adapter: miitel
                region: JP
                auth: { bearer: "${MIITEL_TOKEN}", allow_ips: [18.177.83.94/32, 35.73.236.241/32] }
              - id: udesk
                adapter: udesk
                region: CN
                auth: { payload_secret: { path: $.extend.token, value: "${UDESK_TOKEN}" } }
              - id: biztel
                adapter: biztel
                recording_url: https://s0000.u.biztel.jp:8000/monitor_link/{ID}
                auth: { bearer: "${BIZTEL_TOKEN}" }
              - id: pbx
                adapter: pbx
                auth: { standard_webhooks: { secret: "${PBX_SECRET}" } }
            sinks:
              - id: archive
                type: file
                path: .callgate/events.jsonl
              - id: crm
                type: http
                url: https://crm.example.com/hooks/calls
                events: [call.completed, call.summary.available]
                exclude: [call.transcript]
                auth: { standard_webhooks: { secret: "${CRM_SECRET}" } }
            """
        let env = [
            "MIITEL_TOKEN": "m-token", "UDESK_TOKEN": "u", "BIZTEL_TOKEN": "b", "PBX_SECRET": "whsec_abc",
            "CRM_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        ]
        let config = try decode(yaml, env: env)
        #expect(config.sources.count == 4)
        #expect(config.sources[0].auth?.bearer.first?.value == "m-token")
        #expect(config.sources[0].auth?.allowIPs == ["18.177.83.94/32", "35.73.236.241/32"])
        #expect(config.sources[1].auth?.payloadSecret?.path.description == "$.extend.token")
        #expect(config.admin.token == nil, "empty default means no admin token")
        #expect(config.sinks[1].events == [.completed, .summaryAvailable])
        #expect(config.sinks[1].exclude == ["call.transcript"])
    }

    /// Interpolation happens after YAML parsing, so a secret cannot change the document's
    /// structure; the price is that `${VAR}` inside a `{ }` flow mapping must be quoted.
    @Test func unquotedReferenceInsideAFlowMappingIsAYAMLError() {
        let error = failure("admin: { token: ${TOKEN} }\nsources: []\n", env: ["TOKEN": "x"])
        #expect(error?.line == 1)
        #expect(error?.message.contains("invalid YAML") == true)
        let braces = try? decode("admin: { token: \"${TOKEN}\" }\nsources: []\n", env: ["TOKEN": "a}b #c"])
        #expect(braces?.admin.token?.value == "a}b #c")
    }

    @Test func unknownKeysAreErrorsWithLineAndColumn() {
        let error = failure("sources:\n  - id: a\n    adapter: miitel\n    regoin: JP\n")
        #expect(error?.line == 4)
        #expect(error?.column == 5)
        #expect(error?.message.contains("unknown key 'regoin'") == true)
        let top = failure("sources: []\nsinkz: []\n")
        #expect(top?.line == 2)
        #expect(top?.column == 1)
    }

    @Test func retention() throws {
        let defaults = try decode("sources: []\n").retention
        #expect(defaults.requests == .seconds(30 * 86_400))
        #expect(defaults.deliveries == .seconds(7 * 86_400))
        #expect(defaults.attempts == .seconds(30 * 86_400))
        // The older spelling of retention.requests.
        #expect(
            try decode("store: { sqlite: a.sqlite, retention: 7d }\nsources: []\n").retention.requests
                == .seconds(7 * 86_400))
        let set = try decode(
            "retention: { requests: 36h, deliveries: 1d, attempts: 90m, interval: 10m }\nsources: []\n"
        ).retention
        #expect(set.requests == .seconds(36 * 3600))
        #expect(set.deliveries == .seconds(86_400))
        #expect(set.attempts == .seconds(90 * 60))
        #expect(set.interval == .seconds(600))
        let unknown = failure("retention: { payloads: 1d }\nsources: []\n")
        #expect(unknown?.line == 1)
        #expect(unknown?.message.contains("payloads") == true)
        let error = failure("store: { sqlite: a.sqlite, retention: forever }\nsources: []\n")
        #expect(error?.line == 1)
        #expect(error?.message.contains("store.retention must be a duration") == true)
    }

    @Test func postgresStore() throws {
        let env = ["DATABASE_URL": "postgres://callgate:pw@db:5432/callgate"]
        let config = try decode("store: { postgres: \"${DATABASE_URL}\" }\nsources: []\n", env: env)
        guard case .postgres(let settings) = config.store else {
            Issue.record("not a PostgreSQL store: \(config.store)")
            return
        }
        #expect(settings.url.value == env["DATABASE_URL"])
        #expect(settings.lease == .seconds(60))
        #expect(settings.connections == 20)
        #expect(!"\(config)".contains("pw@db"))
        let tuned = try decode("store: { postgres: postgres://db/x, lease: 2m, connections: 5 }\nsources: []\n")
        #expect(
            tuned.store
                == .postgres(
                    {
                        var p = CallGateConfig.Postgres(url: Secret("postgres://db/x"))
                        p.lease = .seconds(120)
                        p.connections = 5
                        return p
                    }()))
        // A sink timeout as long as the lease could let two instances attempt one row at once.
        let long = failure(
            "store: { postgres: postgres://db/x, lease: 10s }\nsources: []\nsinks:\n  - { id: crm, type: http, url: \"http://crm\", timeout: 10s }\n"
        )
        #expect(long?.line == 4)
        #expect(long?.message.contains("must be shorter than store.lease") == true)
        let misplaced = failure("store: { sqlite: a.sqlite, lease: 10s }\nsources: []\n")
        #expect(misplaced?.message.contains("apply to store.postgres only") == true)
        #expect(failure("store: { sqlite: a.sqlite, postgres: postgres://db/x }\nsources: []\n") != nil)
    }

    @Test func environmentInterpolation() throws {
        let yaml = "admin: { token: \"${TOKEN:-fallback}\" }\nsources: []\n"
        #expect(try decode(yaml).admin.token?.value == "fallback")
        #expect(try decode(yaml, env: ["TOKEN": "set"]).admin.token?.value == "set")
        let missing = failure("sources:\n  - id: a\n    adapter: miitel\n    auth: { bearer: \"${NOPE}\" }\n")
        #expect(missing?.line == 4)
        #expect(missing?.message.contains("environment variable NOPE is not set") == true)
        #expect(try decode("admin: { token: \"$${LITERAL}\" }\nsources: []\n").admin.token?.value == "${LITERAL}")
    }

    @Test func secretsNeverPrint() throws {
        let config = try decode("sources:\n  - id: a\n    adapter: miitel\n    auth: { bearer: s3cr3t-value }\n")
        let dumped = "\(config) \(String(reflecting: config))"
        #expect(!dumped.contains("s3cr3t-value"))
        #expect(dumped.contains("<redacted>"))
    }

    @Test func valuesAreChecked() {
        #expect(failure("server: { port: 99999 }\nsources: []\n")?.message.contains("server.port") == true)
        #expect(failure("sources:\n  - id: Bad Id\n    adapter: miitel\n")?.message.contains("source id") == true)
        #expect(
            failure("sources:\n  - id: a\n    adapter: miitel\n  - id: a\n    adapter: udesk\n")?.message.contains(
                "twice") == true)
        #expect(
            failure("sources:\n  - id: a\n    adapter: miitel\n    timezone: Mars/Olympus\n")?.message.contains(
                "time zone") == true)
        #expect(failure("sources: []\nsinks:\n  - id: s\n    type: http\n")?.message.contains("needs url") == true)
        #expect(
            failure("sources: []\nsinks:\n  - id: s\n    type: file\n    path: x\n    events: [call.finished]\n")?.line
                == 6)
        #expect(
            failure(
                "sources: []\nsinks:\n  - id: s\n    type: file\n    path: x\n    retry: { schedule: [5 minutes] }\n")
                != nil)
        #expect(failure("sources: []\nsinks:\n  - id: s\n    type: file\n    path: x\n    sources: [nope]\n") != nil)
        #expect(
            failure(
                "sources:\n  - id: a\n    adapter: miitel\n    auth: { payload_secret: { path: $..token, value: x } }\n"
            ) != nil)
        #expect(failure("sources: [\n") != nil, "YAML syntax errors are located too")
    }

    @Test func sinkWhenConditionsUseTheMappingLanguage() throws {
        let config = try decode(
            "sources: []\nsinks:\n  - id: s\n    type: file\n    path: x\n    when: { eq: [$.call.direction, inbound] }\n"
        )
        let condition = try #require(config.sinks.first?.when)
        #expect(condition.matches(["call": ["direction": "inbound"]]))
        #expect(!condition.matches(["call": ["direction": "outbound"]]))
    }

    @Test func loadReportsEveryBrokenSource() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("callgate.yaml")
        try Data(
            "sources:\n  - id: a\n    adapter: nosuch\n  - id: b\n    adapter: miitel\n    mapping: missing.yaml\n".utf8
        )
        .write(to: file)
        do {
            _ = try Normalizer.load(configFile: file.path, environment: [:])
            Issue.record("expected errors")
        } catch {
            #expect(error.errors.count == 2)
            #expect(error.errors[0].message.contains("unknown adapter 'nosuch'"))
            #expect(error.errors[1].line == 6)
        }
    }
}

@Suite struct StandardWebhooksSecretTests {
    func decode(_ yaml: String) throws(LocatedError) -> CallGateConfig {
        try CallGateConfig(yaml: yaml, file: "t.yaml", environment: [:])
    }

    @Test func sourcesAndSinksTakeOneOrSeveralSecrets() throws {
        let config = try decode(
            """
            sources:
              - id: pbx
                adapter: pbx
                auth: { standard_webhooks: { secrets: [whsec_a, whsec_b] } }
            sinks:
              - id: crm
                type: http
                url: https://crm.example/hook
                auth: { standard_webhooks: { secret: whsec_c } }
            """)
        #expect(config.sources[0].auth?.standardWebhooks.map(\.value) == ["whsec_a", "whsec_b"])
        #expect(config.sinks[0].auth?.standardWebhooks.map(\.value) == ["whsec_c"])
    }

    @Test func emptyOrMalformedSecretsAreRefused() {
        #expect(throws: LocatedError.self) {
            try decode("sources:\n  - id: p\n    adapter: pbx\n    auth: { standard_webhooks: {} }\n")
        }
        #expect(throws: LocatedError.self) {
            try decode(
                "sources: []\nsinks:\n  - id: s\n    type: http\n    url: https://x/y\n    auth: { standard_webhooks: { secret: plain } }\n"
            )
        }
    }
}
