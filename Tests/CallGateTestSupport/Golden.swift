import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import Foundation
import Testing

/// One fixture request under `Tests/Fixtures/<vendor>/`: a body (`.json`, `.form`, `.txt`)
/// and/or a query string (`.query`) sharing a base name. See `Tests/Fixtures/README.md`.
public struct Fixture: Sendable, CustomTestStringConvertible {
    public var vendor: String
    /// Path below the vendor folder without extension (`speech-recognition-ja`, `invalid/truncated`).
    public var name: String
    public var body: [UInt8]
    public var query: String?
    public var contentType: String?

    public var testDescription: String { "\(vendor)/\(name)" }

    /// `<name>.expected.json` beside the fixture.
    public var expectedURL: URL { PackageRoot.fixture("\(vendor)/\(name).expected.json") }

    public func request() throws(GatewayError) -> InboundRequest {
        try MapRequest.make(body: body, query: query, contentType: contentType)
    }
}

/// Golden tests: each fixture's canonical output is checked in beside it as
/// `<name>.expected.json`. Regenerate after a deliberate change with
/// `CALLGATE_UPDATE_GOLDENS=1 swift test --filter Golden`, and review the diff.
public enum Golden {
    /// The receipt time every golden uses, so receipt-timed vendors (BIZTEL) are stable.
    public static let receivedAt = Timestamp(rfc3339: "2026-01-01T00:00:00Z")!

    public static var updating: Bool { ProcessInfo.processInfo.environment["CALLGATE_UPDATE_GOLDENS"] == "1" }

    /// The shipped `callgate.yaml` and `Mappings/`, loaded once with an empty environment.
    public static let normalizer: Normalizer = {
        do {
            return try Normalizer.load(configFile: PackageRoot.path("callgate.yaml").path, environment: [:])
        } catch {
            fatalError("the shipped callgate.yaml does not load: \(error)")
        }
    }()

    /// The fixtures of a vendor folder; `invalid` selects those under `invalid/`.
    public static func fixtures(_ vendor: String, invalid: Bool = false) -> [Fixture] {
        let folder = PackageRoot.fixture(invalid ? "\(vendor)/invalid" : vendor)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var byName: [String: Fixture] = [:]
        for file in files where !file.hasSuffix(".expected.json") {
            let url = folder.appendingPathComponent(file)
            let ext = url.pathExtension
            guard ["json", "form", "txt", "query"].contains(ext) else { continue }
            let base = url.deletingPathExtension().lastPathComponent
            let name = invalid ? "invalid/\(base)" : base
            var fixture = byName[name] ?? Fixture(vendor: vendor, name: name, body: [], query: nil, contentType: nil)
            let data = Array((try? Data(contentsOf: url)) ?? Data())
            switch ext {
            case "query": fixture.query = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
            case "json":
                fixture.body = data
                fixture.contentType = "application/json; charset=utf-8"
            case "form":
                fixture.body = data
                fixture.contentType = "application/x-www-form-urlencoded"
            default:
                fixture.body = data
                fixture.contentType = "application/json; charset=utf-8"
            }
            byName[name] = fixture
        }
        return byName.values.sorted { $0.name < $1.name }
    }

    /// What the fixture produces, as golden JSON: the events, a handshake or an error.
    public static func output(_ fixture: Fixture, source: String) -> JSONValue {
        guard let pipeline = normalizer.pipeline(for: source) else { fatalError("no source \(source)") }
        do {
            switch try pipeline.process(try fixture.request(), receivedAt: receivedAt) {
            case .events(let events):
                return .array(events.map(\.json))
            case .handshake(let response):
                return [
                    "handshake": [
                        "status": .int(Int64(response.status)), "content_type": .string(response.contentType),
                        "body": .string(String(decoding: response.body, as: UTF8.self)),
                    ]
                ]
            }
        } catch {
            return ["error": ["code": .string(error.code), "message": .string(error.message)]]
        }
    }

    /// Compares the fixture's output with its golden file (or rewrites it when updating).
    /// - Returns: a message describing the difference, or `nil` when they match.
    public static func verify(_ fixture: Fixture, source: String) -> String? {
        let produced = JSONWriter.pretty.string(output(fixture, source: source)) + "\n"
        if updating {
            try? Data(produced.utf8).write(to: fixture.expectedURL)
            return nil
        }
        guard let expected = try? String(contentsOf: fixture.expectedURL, encoding: .utf8) else {
            return
                "no golden file \(fixture.expectedURL.lastPathComponent); run CALLGATE_UPDATE_GOLDENS=1 swift test --filter Golden"
        }
        if expected == produced { return nil }
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = produced.split(separator: "\n", omittingEmptySubsequences: false)
        let line = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        let want = line < a.count ? String(a[line]) : "<end>"
        let got = line < b.count ? String(b[line]) : "<end>"
        return
            "differs from \(fixture.expectedURL.lastPathComponent) at line \(line + 1):\n  expected: \(want)\n  produced: \(got)"
    }
}
