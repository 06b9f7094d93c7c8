import CallGateAdapters
import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateMappings
import CallGateModel
import CallGatePipeline
import CallGateReceive
import Foundation

extension Normalizer {
    /// Loads `file` with the adapters and mappings compiled into `callgate`.
    public static func load(
        configFile file: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        adapters: [any VendorAdapter] = BuiltinAdapters.all
    ) throws(LoadErrors) -> Normalizer {
        try load(
            configFile: file, environment: environment, adapters: adapters, bundledMappings: BundledMappings.all)
    }
}
