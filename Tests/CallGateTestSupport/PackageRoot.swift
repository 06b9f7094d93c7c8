import Foundation

/// Locations inside the package, found from this file's path so tests run from any directory.
public enum PackageRoot {
    /// The package's root directory.
    public static let url: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// `Tests/Fixtures/<relative>`.
    public static func fixture(_ relative: String) -> URL {
        url.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relative)
    }

    /// A path relative to the package root.
    public static func path(_ relative: String) -> URL { url.appendingPathComponent(relative) }
}
