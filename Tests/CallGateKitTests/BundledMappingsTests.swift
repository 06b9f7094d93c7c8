import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateMappings
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateTestSupport
import Foundation
import Testing

/// The build-tool plugin: mappings checked at build time and compiled into the binary.
@Suite struct BundledMappingsTests {
    /// The plugin's tool, built beside the test bundle.
    static var bundler: URL {
        CommandLineTests.binary.deletingLastPathComponent().appendingPathComponent("MappingBundler")
    }

    @Test func everyShippedMappingIsCompiledIn() throws {
        let directory = PackageRoot.path("Mappings")
        let sources = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.hasSuffix(".yaml")
        }
        let targets = try FileManager.default.contentsOfDirectory(
            atPath: directory.appendingPathComponent("targets").path
        )
        .filter { $0.hasSuffix(".yaml") }.map { "targets/" + $0 }
        let files = sources + targets
        #expect(Set(BundledMappings.all.keys) == Set(files))
        #expect(BundledMappings.targetNames == targets.map { String($0.dropFirst(8).dropLast(5)) }.sorted())
        for file in files {
            let onDisk = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            #expect(BundledMappings.text(of: file) == onDisk, "Mappings/\(file) changed since the build")
        }
    }

    @Test func aBadMappingFailsWithFileLineAndColumn() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-bundle-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let good = directory.appendingPathComponent("miitel.yaml")
        try FileManager.default.copyItem(at: PackageRoot.path("Mappings/miitel.yaml"), to: good)
        let bad = directory.appendingPathComponent("acme.yaml")
        try "version: 1\nvendor: acme\nrecord:\n  status: { nonsense: 1 }\n".write(
            to: bad, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("out.swift")

        let failed = try Subprocess.run(
            Self.bundler, [output.path, good.path, bad.path], stdin: Data(), directory: directory)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("\(bad.path):"), "\(failed.stderr)")
        #expect(
            failed.stderr.range(of: #"acme\.yaml:\d+:\d+: error: "#, options: .regularExpression) != nil,
            "\(failed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))

        let passed = try Subprocess.run(Self.bundler, [output.path, good.path], stdin: Data(), directory: directory)
        #expect(passed.status == 0, "\(passed.stderr)")
        let swift = try String(contentsOf: output, encoding: .utf8)
        #expect(swift.contains("\"miitel.yaml\": #\"\"\""))

        // A target mapping (Mappings/targets/) is checked as one, and bundled under targets/.
        let targets = directory.appendingPathComponent("targets")
        try FileManager.default.createDirectory(at: targets, withIntermediateDirectories: true)
        let target = targets.appendingPathComponent("crm.yaml")
        try "version: 1\ntarget: crm\ncreate:\n  method: GET\n  body: {}\n".write(
            to: target, atomically: true, encoding: .utf8)
        let badTarget = try Subprocess.run(
            Self.bundler, [output.path, target.path], stdin: Data(), directory: directory)
        #expect(badTarget.status == 1)
        #expect(
            badTarget.stderr.contains("crm.yaml:4:11: error: 'method' is POST, PUT or PATCH"), "\(badTarget.stderr)")
        try "version: 1\ntarget: crm\ncreate:\n  body: {}\n".write(to: target, atomically: true, encoding: .utf8)
        let goodTarget = try Subprocess.run(
            Self.bundler, [output.path, target.path], stdin: Data(), directory: directory)
        #expect(goodTarget.status == 0, "\(goodTarget.stderr)")
        #expect(try String(contentsOf: output, encoding: .utf8).contains("\"targets/crm.yaml\""))
    }

    /// `callgate` run from another directory, with no Mappings/ beside the configuration, uses the
    /// mappings compiled in; a mapping file named in the configuration overrides them.
    @Test func theBinaryNeedsNoMappingsFolder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-anywhere-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("callgate.yaml")
        try """
        sources:
          - { id: miitel, adapter: miitel }
          - { id: aircall, adapter: generic, mapping: aircall }
          - { id: custom, adapter: miitel, mapping: ./custom.yaml }
        """.write(to: config, atomically: true, encoding: .utf8)
        let mapping = try String(contentsOf: PackageRoot.path("Mappings/miitel.yaml"), encoding: .utf8)
        try mapping.replacingOccurrences(of: "      OUTGOING_CALL: outbound", with: "      OUTGOING_CALL: internal")
            .write(to: directory.appendingPathComponent("custom.yaml"), atomically: true, encoding: .utf8)
        let payload = PackageRoot.path("Tests/Fixtures/miitel/speech-recognition-ja.json").path
        func map(_ source: String) throws -> (Int32, JSONValue?, String) {
            let run = try Subprocess.run(
                CommandLineTests.binary, ["map", "--source", source, "--config", config.path, payload], stdin: Data(),
                directory: FileManager.default.temporaryDirectory)
            return (run.status, try? JSONParser.parse(Array(run.stdout)), run.stderr)
        }
        let bundled = try map("miitel")
        #expect(bundled.0 == 0, "\(bundled.2)")
        #expect(bundled.1?.arrayValue?.first?["call"]?["direction"] == "outbound")
        let overridden = try map("custom")
        #expect(overridden.0 == 0, "\(overridden.2)")
        #expect(overridden.1?.arrayValue?.first?["call"]?["direction"] == "internal")

        try "sources:\n  - { id: x, adapter: generic, mapping: nosuch }\n".write(
            to: config, atomically: true, encoding: .utf8)
        let check = try Subprocess.run(
            CommandLineTests.binary, ["check", "--config", config.path], stdin: Data(), directory: directory)
        #expect(check.status == 1)
        #expect(check.stderr.contains("no bundled mapping 'nosuch'"), "\(check.stderr)")
        #expect(check.stderr.contains("callgate.yaml:2:"), "\(check.stderr)")
    }
}
