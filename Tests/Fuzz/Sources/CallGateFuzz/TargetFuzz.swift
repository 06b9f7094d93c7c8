import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import Foundation

/// `targets`: a stored event (seeded from the golden outputs under `Tests/Fixtures/`) through every
/// outbound mapping of `Mappings/targets/`, as a create and as an update, then into the delivery
/// request; the same bytes also stand for a destination's answer to read an id from. A request
/// must come out whole: its body writes JSON that reads back the same, its URL is http(s), and a
/// form body encodes.
enum TargetFuzz {
    /// Compiled once, at the first input (`CALLGATE_FUZZ_ROOT`, default the current directory).
    static let mappings: [TargetMapping] = {
        let root = ProcessInfo.processInfo.environment["CALLGATE_FUZZ_ROOT"] ?? "."
        let directory = root + "/Mappings/targets"
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            fatalError("cannot read \(directory): set CALLGATE_FUZZ_ROOT to the checkout")
        }
        return files.filter { $0.hasSuffix(".yaml") }.sorted().map { file in
            guard let yaml = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8) else {
                fatalError("cannot read \(file)")
            }
            do {
                return try TargetMapping(yaml: yaml, file: file)
            } catch {
                fatalError("\(file) does not compile: \(error)")
            }
        }
    }()

    static let tables: JSONValue = [
        "miitel_users": ["73937": "u-1", "201": "u-2", "agent@email.cn": "u-3"],
        "hubspot_owners": ["73937": "1"], "salesforce_users": ["73937": "005000000000001AAA"],
        "zendesk_settings": ["app_id": "42"], "zendesk_agents": ["73937": "7"], "pipedrive_users": ["73937": "3"],
    ]

    static func run(_ bytes: [UInt8]) {
        for mapping in mappings {
            for destination in [nil, "d-1"] as [String?] {
                let input = TargetInput(
                    event: bytes, sink: "fuzz", url: "https://destination.example/objects", tables: tables,
                    destinationId: destination)
                _ = try? mapping.destinationId(answer: bytes, input: input)
                guard case .send(let request)? = try? mapping.plan(input) else { continue }
                let written = JSONWriter.compact.bytes(request.body)
                invariant(
                    (try? JSONParser.parse(written)) == request.body,
                    "\(mapping.target): the body does not read back: \(String(decoding: written, as: UTF8.self))")
                invariant(
                    request.url.hasPrefix("https://") || request.url.hasPrefix("http://"),
                    "\(mapping.target): URL \(request.url)")
                if request.format == .form, case .object(let members) = request.body {
                    for (name, value) in members {
                        switch value {
                        case .array, .object: invariant(false, "\(mapping.target): form member \(name) is not text")
                        default: break
                        }
                    }
                }
            }
        }
    }
}
