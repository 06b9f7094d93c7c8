import Foundation
import PackagePlugin

/// Checks every mapping in `Mappings/` and `Mappings/targets/` at build time and compiles them into the target that uses
/// this plugin, so `callgate` finds them from any directory. A mapping that does not compile fails
/// the build with `file:line:column: error: …`.
@main struct MappingBundlerPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let mappings = context.package.directoryURL.appending(path: "Mappings")
        // Source mappings in Mappings/, outbound (target) mappings in Mappings/targets/.
        func yamlFiles(_ directory: URL) throws -> [URL] {
            guard FileManager.default.fileExists(atPath: directory.path) else { return [] }
            return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "yaml" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        }
        let files = try yamlFiles(mappings) + yamlFiles(mappings.appending(path: "targets"))
        let output = context.pluginWorkDirectoryURL.appending(path: "BundledMappings+Generated.swift")
        return [
            .buildCommand(
                displayName: "Checking and bundling \(files.count) mappings from Mappings/",
                executable: try context.tool(named: "MappingBundler").url,
                arguments: [output.path] + files.map(\.path),
                inputFiles: files,
                outputFiles: [output])
        ]
    }
}
