/// The mappings of `Mappings/*.yaml` as they were when `callgate` was built: checked by the
/// `MappingBundlerPlugin` build-tool plugin (a bad mapping fails the build) and compiled in, so the
/// binary needs no `Mappings/` folder beside it.
public enum BundledMappings {
    /// The YAML text of each mapping, by file name (`miitel.yaml`).
    public static var all: [String: String] { generatedMappings }

    /// The mapping shipped as `Mappings/<file>`.
    public static func text(of file: String) -> String? { generatedMappings[file] }
}
