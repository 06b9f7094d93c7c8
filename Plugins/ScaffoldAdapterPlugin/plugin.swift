import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory scaffold-adapter --name Acme`
///
/// Creates a vendor adapter that builds and whose test passes as generated:
/// - `Sources/AcmeAdapter/AcmeAdapter.swift`: the adapter module;
/// - `Mappings/acme.yaml`: a starter mapping (checked and bundled at build time);
/// - `Tests/Fixtures/acme/call-ended.json`: a sample payload;
/// - `Tests/AcmeAdapterTests/AcmeAdapterTests.swift`: a test running the sample through both;
/// and registers it: `"Acme"` in Package.swift's `adapters`, `AcmeAdapter()` in
/// `Sources/CallGateAdapters/BuiltinAdapters.swift`. Nothing is overwritten. Docs/adapters.md is
/// the guide that follows.
@main struct ScaffoldAdapterPlugin: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        var extractor = ArgumentExtractor(arguments)
        guard let name = extractor.extractOption(named: "name").last else {
            throw ScaffoldError(
                "usage: swift package --allow-writing-to-package-directory scaffold-adapter --name Acme")
        }
        let created = try Scaffold(root: context.package.directoryURL, name: name).run()
        print("Created the \(name) adapter:")
        for path in created { print("  \(path)") }
        print("Next: swift build && swift test --filter \(name)AdapterTests, then Docs/adapters.md.")
    }
}

struct ScaffoldError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

struct Scaffold {
    let root: URL
    /// UpperCamelCase module prefix (`Acme`).
    let name: String
    /// The `adapter:` name and mapping file name (`acme`).
    var key: String { name.lowercased() }

    init(root: URL, name: String) throws {
        guard let first = name.unicodeScalars.first, ("A"..."Z").contains(first),
            name.unicodeScalars.allSatisfy({
                ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0)
            }),
            name.count <= 40
        else {
            throw ScaffoldError("--name must be UpperCamelCase letters and digits (Acme, TwilioVoice), got '\(name)'")
        }
        // `GenericAdapter` is a type of CallGateReceive, and `generic` the YAML-only adapter's name.
        guard !["Generic", "CallGate"].contains(name) else {
            throw ScaffoldError("'\(name)' is taken by CallGate itself; choose the vendor's name")
        }
        self.root = root
        self.name = name
    }

    func run() throws -> [String] {
        let files: [(String, String)] = [
            ("Sources/\(name)Adapter/\(name)Adapter.swift", fill(Self.adapter)),
            ("Mappings/\(key).yaml", fill(Self.mapping)),
            ("Tests/Fixtures/\(key)/call-ended.json", fill(Self.fixture)),
            (
                "Tests/\(name)AdapterTests/\(name)AdapterTests.swift",
                Self.addingImport("\(name)Adapter", to: fill(Self.test))
            ),
        ]
        let registered = try String(contentsOf: url("Sources/CallGateAdapters/BuiltinAdapters.swift"), encoding: .utf8)
        if registered.contains("import \(name)Adapter\n") {
            throw ScaffoldError("\(name)Adapter is registered already: nothing was changed")
        }
        for (path, _) in files where FileManager.default.fileExists(atPath: url(path).path) {
            throw ScaffoldError("\(path) exists already: nothing was changed")
        }
        // Registration first: if either edit cannot be made, no file is left behind.
        let package = try edit("Package.swift") { text in
            guard let start = text.range(of: "let adapters = ["),
                let end = text[start.upperBound...].firstIndex(of: "]")
            else {
                throw ScaffoldError("Package.swift has no `let adapters = [...]` line")
            }
            if text[start.upperBound..<end].contains("\"\(name)\"") {
                throw ScaffoldError("\(name) is already in Package.swift's adapters")
            }
            var edited = text
            edited.insert(contentsOf: ", \"\(name)\"", at: end)
            return edited
        }
        let registry = try edit("Sources/CallGateAdapters/BuiltinAdapters.swift") { text in
            guard let list = text.range(of: "        GenericAdapter(),") else {
                throw ScaffoldError("BuiltinAdapters.swift has no `GenericAdapter(),` line to register before")
            }
            var edited = text
            edited.replaceSubrange(list, with: "        \(name)Adapter(),\n        GenericAdapter(),")
            return Self.addingImport("\(name)Adapter", to: edited)
        }
        for (path, text) in files {
            try FileManager.default.createDirectory(
                at: url(path).deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url(path), atomically: true, encoding: .utf8)
        }
        try package.write(to: url("Package.swift"), atomically: true, encoding: .utf8)
        try registry.write(to: url("Sources/CallGateAdapters/BuiltinAdapters.swift"), atomically: true, encoding: .utf8)
        return files.map(\.0) + ["Package.swift (adapters)", "Sources/CallGateAdapters/BuiltinAdapters.swift"]
    }

    func url(_ path: String) -> URL { root.appending(path: path) }

    /// `text` with `import module` among its leading imports, kept in lexicographic order.
    static func addingImport(_ module: String, to text: String) -> String {
        var lines = text.components(separatedBy: "\n")
        let imports = lines.prefix { $0.hasPrefix("import ") }
        let sorted = (imports + ["import \(module)"]).sorted()
        lines.replaceSubrange(0..<imports.count, with: sorted)
        return lines.joined(separator: "\n")
    }

    func edit(_ path: String, _ change: (String) throws -> String) throws -> String {
        try change(try String(contentsOf: url(path), encoding: .utf8))
    }

    func fill(_ template: String) -> String {
        template.replacingOccurrences(of: "__Name__", with: name).replacingOccurrences(of: "__name__", with: key)
    }

    static let adapter = """
        import CallGateReceive

        /// __Name__ (`adapter: __name__`): describe the vendor's webhook here.
        ///
        /// The adapter owns the protocol: how a request becomes the mapping's input (the default
        /// here: a JSON object body), a handshake the vendor sends to verify the URL, and named
        /// functions the mapping may call. What the payload means is the mapping's job:
        /// `Mappings/__name__.yaml`. See Docs/adapters.md.
        public struct __Name__Adapter: VendorAdapter {
            public let name = "__name__"
            /// The region for phone numbers written without a country code, unless the source sets one.
            public let defaultRegion = "JP"

            public init() {}
        }

        """

    static let test = """
        import CallGateFoundation
        import CallGateKit
        import CallGateModel
        import CallGatePipeline
        import CallGateReceive
        import CallGateTestSupport
        import Foundation
        import Testing

        /// The sample payload through the adapter and `Mappings/__name__.yaml`.
        @Suite struct __Name__AdapterTests {
            /// A source using the adapter and its bundled mapping.
            static func pipeline() throws -> SourcePipeline {
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("__name__-\\(UUID())")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                let config = directory.appendingPathComponent("callgate.yaml")
                try "sources:\\n  - { id: __name__, adapter: __name__ }\\n".write(to: config, atomically: true, encoding: .utf8)
                return try #require(try Normalizer.load(configFile: config.path, environment: [:]).pipeline(for: "__name__"))
            }

            @Test func theSampleBecomesACompletedCall() throws {
                let body = try Data(contentsOf: PackageRoot.path("Tests/Fixtures/__name__/call-ended.json"))
                let request = InboundRequest(contentType: "application/json", body: Array(body))
                guard case .events(let events) = try Self.pipeline().process(request, receivedAt: Golden.receivedAt) else {
                    Issue.record("a handshake, not events")
                    return
                }
                try #require(events.count == 1)
                let event = events[0]
                #expect(event.type == .completed)
                #expect(event.call.status == .ended)
                #expect(event.call.outcome == .answered)
                #expect(event.call.direction == .inbound)
                #expect(event.call.from?.e164 == "+81312345678")
                #expect(event.call.startedAt == Timestamp(rfc3339: "2026-01-01T00:00:00Z"))
            }

            @Test func aBodyThatIsNotJSONIsRefused() throws {
                let request = InboundRequest(contentType: "application/json", body: Array("not json".utf8))
                #expect(throws: GatewayError.self) { try Self.pipeline().process(request, receivedAt: Golden.receivedAt) }
            }
        }

        """

    static let mapping = #"""
        # Mappings/__name__.yaml: __Name__ call webhooks → canonical call events.
        # The reference is Docs/mapping-language.md; check with `swift run callgate check`, try a payload
        # with `swift run callgate map --source __name__ Tests/Fixtures/__name__/call-ended.json`.
        version: 1
        vendor: __name__
        description: __Name__ call webhooks (started, ended)

        events:
          - when: { eq: [$.event, call.started] }
            type: call.started
          - when: { eq: [$.event, call.ended] }
            type: call.completed

        vendor_event: $.event
        time: $.timestamp

        call:
          vendor_call_id: $.call.id
          direction:
            map: $.call.direction
            values: { in: inbound, out: outbound }
            default: unknown
          leg_kind: normal
          status:
            map: $.event
            values: { call.started: ringing, call.ended: ended }
          outcome:
            if: { eq: [$.event, call.ended] }
            then: { map: $.call.result, values: { answered: answered, missed: no_answer }, default: unknown }
          from: $.call.from
          to: $.call.to
          started_at: $.call.started_at
          ended_at: $.call.ended_at

        """#

    static let fixture = """
        {
          "event": "call.ended",
          "timestamp": "2026-01-01T09:05:00+09:00",
          "call": {
            "id": "call-1",
            "direction": "in",
            "from": "+81 3-1234-5678",
            "to": "+81 3-9876-5432",
            "result": "answered",
            "started_at": "2026-01-01T09:00:00+09:00",
            "ended_at": "2026-01-01T09:05:00+09:00"
          }
        }

        """
}
