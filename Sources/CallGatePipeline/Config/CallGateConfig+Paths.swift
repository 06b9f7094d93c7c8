import Foundation

/// Every relative path in `callgate.yaml` (the store, file sinks, mapping files) is relative to the
/// directory of `callgate.yaml`, not the working directory (Docs/operations.md). The store's and the
/// file sinks' are resolved once, when the file is decoded; mapping files with `resolve` when
/// `Normalizer.load` reads them.
extension CallGateConfig {
    /// `path` as written in the file: absolute as is, otherwise under the file's directory.
    public func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(path).path
    }

    /// The SQLite store's path and the file sinks' paths, resolved.
    mutating func resolvePaths() {
        if case .sqlite(let path) = store { store = .sqlite(path: resolve(path)) }
        for index in sinks.indices {
            if let path = sinks[index].path { sinks[index].path = resolve(path) }
        }
    }
}
