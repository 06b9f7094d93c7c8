import CallGateAdapters
import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import Foundation

/// `mapping-<vendor>`: a request body (seeded from `Tests/Fixtures/<vendor>/`) through the vendor's
/// adapter and its shipped mapping, `Mappings/<vendor>.yaml`, read from the checkout at start
/// (`CALLGATE_FUZZ_ROOT`, default the current directory) exactly as the build plugin bundles it.
/// Every event produced must encode to JSON and decode back to the same JSON.
enum MappingFuzz {
    static let vendors = ["miitel", "udesk", "biztel", "pbx", "twilio", "aircall"]

    struct Pipeline: Sendable {
        var adapter: any VendorAdapter
        var mapping: CompiledMapping
        var settings: SourceSettings
    }

    /// Compiled once, at the first input: set-up allocations that live for the whole run are left
    /// out of leak reports (`Tests/Fuzz/lsan.supp` suppresses what `swift_once` allocates).
    static let pipelines = Dictionary(uniqueKeysWithValues: vendors.map { ($0, makePipeline($0)) })

    static func makePipeline(_ vendor: String) -> Pipeline {
        let adapterName = vendor == "aircall" ? "generic" : vendor
        guard let adapter = BuiltinAdapters.all.first(where: { $0.name == adapterName }) else {
            fatalError("no adapter \(adapterName)")
        }
        let root = ProcessInfo.processInfo.environment["CALLGATE_FUZZ_ROOT"] ?? "."
        let file = "Mappings/\(vendor).yaml"
        guard let yaml = try? String(contentsOfFile: root + "/" + file, encoding: .utf8) else {
            fatalError("cannot read \(root)/\(file): set CALLGATE_FUZZ_ROOT to the checkout")
        }
        let mapping: CompiledMapping
        do {
            mapping = try CompiledMapping(yaml: yaml, file: file, functions: adapter.functions)
        } catch {
            fatalError("\(file) does not compile: \(error)")
        }
        let settings = SourceSettings(
            id: vendor, adapter: adapterName, region: adapter.defaultRegion,
            timeZone: vendor == "pbx" ? TimeZoneSpec("Asia/Tokyo") : nil,
            recordingURL: vendor == "biztel" ? "https://s0000.u.biztel.jp:8000/monitor_link/{ID}" : nil)
        return Pipeline(adapter: adapter, mapping: mapping, settings: settings)
    }

    static let receivedAt = Timestamp(microseconds: 1_764_720_000_000_000)

    static func run(_ vendor: String, _ bytes: [UInt8]) {
        guard let pipeline = pipelines[vendor] else { return }
        guard let request = request(vendor, bytes) else { return }
        guard case .payload(let input) = try? pipeline.adapter.input(from: request, source: pipeline.settings),
            var events = try? pipeline.mapping.events(
                from: input, source: pipeline.settings, receivedAt: receivedAt)
        else { return }
        // With their call keys and ids, as the Normalize stage gives them.
        EventIdentity.assign(&events)
        for event in events {
            let json = event.json
            let written = JSONWriter.compact.bytes(json)
            let decoded = (try? JSONParser.parse(written)).flatMap { try? CallEvent(json: $0) }
            invariant(decoded != nil, "an event does not read back from its JSON")
            invariant(decoded?.json == json, "an event's JSON changes when read back")
        }
    }

    /// The request a vendor would send: JSON when the body starts with `{` or `[`, a form
    /// otherwise (Twilio's is always a form). For BIZTEL, which also sends query parameters, a
    /// non-JSON input's first line is the query string and the rest the body, so `.query`
    /// fixtures are seeds as they are.
    static func request(_ vendor: String, _ bytes: [UInt8]) -> InboundRequest? {
        let first = bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        let isJSON = first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        if vendor == "biztel", !isJSON {
            let parts = fields(bytes, separator: 0x0A, count: 2)
            guard let query = try? FormURLEncoding.decode(parts[0]) else { return nil }
            return InboundRequest(
                method: parts[1].isEmpty ? .get : .post,
                contentType: parts[1].isEmpty ? nil : "application/x-www-form-urlencoded", query: query, body: parts[1])
        }
        let type = vendor != "twilio" && isJSON ? "application/json" : "application/x-www-form-urlencoded"
        return InboundRequest(contentType: type, body: bytes)
    }
}
