import Foundation
import PackagePlugin

/// Checks every mapping in `Mappings/` at build time and compiles them into the target that uses
/// this plugin, so `callgate` finds them from any directory. A mapping that does not compile fails
/// the build with `file:line:column: error: …`.
@main struct MappingBundlerPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let mappings = context.package.directoryURL.appending(path: "Mappings")
        let files = try FileManager.default.contentsOfDirectory(at: mappings, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
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
