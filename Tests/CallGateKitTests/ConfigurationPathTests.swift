import CallGateConfig
import CallGateKit
import CallGatePipeline
import CallGateTestSupport
import Foundation
import Testing

/// Every relative path in `callgate.yaml` is relative to its directory, not the working directory
/// (Docs/operations.md), and is resolved once, when the file is loaded.
@Suite struct ConfigurationPathTests {
    static let yaml = """
        store: { sqlite: data/callgate.sqlite }
        sources: []
        sinks:
          - { id: archive, type: file, path: out/events.jsonl }
          - { id: absolute, type: file, path: /var/lib/callgate/events.jsonl }
          - { id: crm, type: http, url: "https://crm.example/hook" }
        """

    @Test func theStoreAndFileSinksAreResolvedAgainstTheFilesDirectory() throws {
        let config = try CallGateConfig(yaml: Self.yaml, file: "/etc/callgate/callgate.yaml", environment: [:])
        #expect(config.store == .sqlite(path: "/etc/callgate/data/callgate.sqlite"))
        #expect(config.sinks.map(\.path) == ["/etc/callgate/out/events.jsonl", "/var/lib/callgate/events.jsonl", nil])
        #expect(config.resolve("acme.yaml") == "/etc/callgate/acme.yaml")
        #expect(config.resolve("/srv/acme.yaml") == "/srv/acme.yaml")
    }

    @Test func theDefaultStoreIsBesideTheFile() throws {
        let config = try CallGateConfig(yaml: "sources: []\n", file: "/etc/callgate/callgate.yaml", environment: [:])
        #expect(config.store == .sqlite(path: "/etc/callgate/.callgate/callgate.sqlite"))
    }

    /// A file named relatively on the command line resolves against the working directory at load
    /// time, so a later change of directory does not move the store.
    @Test func aRelativeFileIsMadeAbsoluteAtLoad() throws {
        let config = try CallGateConfig(yaml: Self.yaml, file: "conf/callgate.yaml", environment: [:])
        let cwd = FileManager.default.currentDirectoryPath
        #expect(config.store == .sqlite(path: cwd + "/conf/data/callgate.sqlite"))
    }

    /// A mapping file named in a source is read from the configuration's directory too.
    @Test func aMappingFileIsReadFromTheConfigurationsDirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("maps"), withIntermediateDirectories: true)
        let mapping = try String(contentsOf: PackageRoot.path("Mappings/pbx.yaml"), encoding: .utf8)
        try mapping.write(to: directory.appendingPathComponent("maps/acme.yaml"), atomically: true, encoding: .utf8)
        let file = directory.appendingPathComponent("callgate.yaml")
        try "sources:\n  - { id: acme, adapter: pbx, mapping: maps/acme.yaml }\n".write(
            to: file, atomically: true, encoding: .utf8)
        let normalizer = try Normalizer.load(configFile: file.path)
        #expect(normalizer.pipelines.map(\.settings.id) == ["acme"])
        #expect(normalizer.pipelines.first?.mapping.file == "maps/acme.yaml")
    }
}
