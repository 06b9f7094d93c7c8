import CallGateAdapters
import CallGateAuth
import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateMappings
import CallGateModel
import CallGateReceive
import Foundation

/// The configuration with every source's adapter and mapping loaded and compiled: what `callgate
/// map`, `callgate check` and the server run on.
public struct Normalizer: Sendable {
    public let config: CallGateConfig
    public let pipelines: [SourcePipeline]

    public func pipeline(for source: String) -> SourcePipeline? {
        pipelines.first { $0.settings.id == source }
    }

    /// Everything wrong with a configuration, each located `file:line:column`.
    public struct LoadErrors: Error, Sendable, CustomStringConvertible {
        public var errors: [LocatedError]
        public var description: String { errors.map(\.description).joined(separator: "\n") }
    }

    /// Loads `file`, resolving mapping paths relative to its directory (`CallGateConfig.resolve`). `adapters` are the adapters
    /// compiled in and `bundledMappings` the mappings compiled in, by file name (`miitel.yaml`);
    /// `CallGateKit` passes the built-in ones.
    /// - Throws: `LoadErrors` listing every problem found (a broken configuration file stops at its
    ///   first error; then each source's adapter and mapping is checked).
    public static func load(
        configFile file: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        adapters: [any VendorAdapter], bundledMappings: [String: String]
    ) throws(LoadErrors) -> Normalizer {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw LoadErrors(errors: [
                LocatedError(file: file, line: 0, column: 0, message: "cannot read the configuration file")
            ])
        }
        var config: CallGateConfig
        do {
            config = try CallGateConfig(yaml: text, file: file, environment: environment)
        } catch {
            throw LoadErrors(errors: [error])
        }
        var pipelines: [SourcePipeline] = []
        var errors = compileTransforms(&config, bundledMappings: bundledMappings)
        var compiled: [String: CompiledMapping] = [:]
        for source in config.sources {
            guard let adapter = adapters.first(where: { $0.name == source.adapter }) else {
                let known = adapters.map(\.name).joined(separator: ", ")
                errors.append(
                    source.location.error(
                        "source '\(source.id)': unknown adapter '\(source.adapter)' (known: \(known))"))
                continue
            }
            guard let mappingPath = source.mapping ?? adapter.defaultMapping else {
                errors.append(
                    source.location.error("source '\(source.id)': adapter '\(adapter.name)' needs a 'mapping' file"))
                continue
            }
            // A file named in the configuration is read from disk (it overrides the bundled one); an
            // adapter's own mapping, or a bare name (`mapping: aircall`), is the one compiled in.
            let bundledName = Self.bundledName(mappingPath, named: source.mapping != nil)
            let resolved = config.resolve(mappingPath)
            let key = adapter.name + "\u{0}" + (bundledName.map { "bundled:" + $0 } ?? resolved)
            let mapping: CompiledMapping
            if let cached = compiled[key] {
                mapping = cached
            } else {
                let yaml: String
                if let bundledName, let text = bundledMappings[bundledName] {
                    yaml = text
                } else if bundledName != nil, source.mapping != nil {
                    let location = source.mappingLocation ?? source.location
                    let known = bundledMappings.keys.sorted().map { $0.replacingOccurrences(of: ".yaml", with: "") }
                    errors.append(
                        location.error(
                            "source '\(source.id)': no bundled mapping '\(mappingPath)' (bundled: \(known.joined(separator: ", "))); name a file with a path, e.g. ./\(mappingPath).yaml"
                        ))
                    continue
                } else if let text = try? String(contentsOfFile: resolved, encoding: .utf8) {
                    yaml = text
                } else {
                    let location = source.mappingLocation ?? source.location
                    errors.append(location.error("source '\(source.id)': cannot read mapping file \(mappingPath)"))
                    continue
                }
                do {
                    mapping = try CompiledMapping(yaml: yaml, file: mappingPath, functions: adapter.functions)
                } catch {
                    errors.append(error)
                    continue
                }
                compiled[key] = mapping
            }
            let settings = SourceSettings(
                id: source.id, adapter: adapter.name, region: source.region ?? adapter.defaultRegion,
                tenant: source.tenant,
                timeZone: source.timeZone, recordingURL: source.recordingURL)
            pipelines.append(SourcePipeline(settings: settings, adapter: adapter, mapping: mapping, config: source))
        }
        guard errors.isEmpty else { throw LoadErrors(errors: errors) }
        return Normalizer(config: config, pipelines: pipelines)
    }

    /// The bundled mapping a source's `mapping` stands for: the adapter's default
    /// (`Mappings/miitel.yaml` → `miitel.yaml`), or a bare name given in the configuration
    /// (`aircall` → `aircall.yaml`). A path named in the configuration is a file, not bundled.
    static func bundledName(_ mapping: String, named: Bool) -> String? {
        if !named { return URL(fileURLWithPath: mapping).lastPathComponent }
        guard !mapping.contains("/"), !mapping.hasSuffix(".yaml"), !mapping.hasSuffix(".yml") else { return nil }
        return mapping + ".yaml"
    }
}
