import CallGateConfig
import CallGateFoundation
import CallGateMapping
import Foundation

extension Normalizer {
    /// Compiles each sink's `transform:` into the configuration: a bare name is a bundled target
    /// mapping (`Mappings/targets/<name>.yaml`), anything with a `/` or a `.yaml` suffix a file
    /// read relative to the configuration file. Returns every problem found.
    static func compileTransforms(_ config: inout CallGateConfig, bundledMappings: [String: String])
        -> [LocatedError]
    {
        var errors: [LocatedError] = []
        for index in config.sinks.indices {
            guard let transform = config.sinks[index].transform else { continue }
            let sink = config.sinks[index]
            let name = transform.name
            let isFile = name.contains("/") || name.hasSuffix(".yaml") || name.hasSuffix(".yml")
            let text: String
            if !isFile {
                guard let bundled = bundledMappings["targets/\(name).yaml"] else {
                    let known = bundledMappings.keys.filter { $0.hasPrefix("targets/") }.sorted()
                        .map { String($0.dropFirst("targets/".count).dropLast(".yaml".count)) }
                    errors.append(
                        transform.location.error(
                            "sink '\(sink.id)': no bundled transform '\(name)' (bundled: \(known.joined(separator: ", "))); name a file with a path, e.g. ./\(name).yaml"
                        ))
                    continue
                }
                text = bundled
            } else if let file = try? String(contentsOfFile: config.resolve(name), encoding: .utf8) {
                text = file
            } else {
                errors.append(transform.location.error("sink '\(sink.id)': cannot read transform file \(name)"))
                continue
            }
            do {
                let mapping = try TargetMapping(yaml: text, file: name)
                config.sinks[index].transform?.mapping = mapping
                if sink.recording?.upload == true, !mapping.keepsOneRecordPerCall {
                    errors.append(
                        transform.location.error(
                            "sink '\(sink.id)': recording upload needs a transform that keeps one record per call"))
                }
            } catch {
                errors.append(error)
            }
        }
        return errors
    }
}
