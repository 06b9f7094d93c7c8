/// The mappings of `Mappings/*.yaml` as they were when `callgate` was built: checked by the
/// `MappingBundlerPlugin` build-tool plugin (a bad mapping fails the build) and compiled in, so the
/// binary needs no `Mappings/` folder beside it.
public enum BundledMappings {
    /// The YAML text of each mapping, by file name (`miitel.yaml`).
    public static var all: [String: String] { generatedMappings }

    /// The mapping shipped as `Mappings/<file>`.
    public static func text(of file: String) -> String? { generatedMappings[file] }

    /// The outbound mapping shipped as `Mappings/targets/<name>.yaml` (`transform: <name>`).
    public static func target(_ name: String) -> String? { generatedMappings["targets/\(name).yaml"] }

    /// The names of the bundled outbound mappings.
    public static var targetNames: [String] {
        generatedMappings.keys.filter { $0.hasPrefix("targets/") }
            .map { String($0.dropFirst("targets/".count).dropLast(".yaml".count)) }.sorted()
    }
}
