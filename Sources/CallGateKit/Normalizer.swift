import CallGateCore
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

    /// Loads `file`, resolving mapping paths relative to its directory.
    /// - Throws: `LoadErrors` listing every problem found (a broken configuration file stops at its
    ///   first error; then each source's adapter and mapping is checked).
    public static func load(
        configFile file: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        adapters: [any VendorAdapter] = BuiltinAdapters.all
    ) throws(LoadErrors) -> Normalizer {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw LoadErrors(errors: [
                LocatedError(file: file, line: 0, column: 0, message: "cannot read the configuration file")
            ])
        }
        let config: CallGateConfig
        do {
            config = try CallGateConfig(yaml: text, file: file, environment: environment)
        } catch {
            throw LoadErrors(errors: [error])
        }
        let base = URL(fileURLWithPath: file).deletingLastPathComponent()
        var pipelines: [SourcePipeline] = []
        var errors: [LocatedError] = []
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
            let resolved = mappingPath.hasPrefix("/") ? mappingPath : base.appendingPathComponent(mappingPath).path
            let key = adapter.name + "\u{0}" + resolved
            let mapping: CompiledMapping
            if let cached = compiled[key] {
                mapping = cached
            } else {
                guard let yaml = try? String(contentsOfFile: resolved, encoding: .utf8) else {
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
}
