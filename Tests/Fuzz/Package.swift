// swift-tools-version:6.0
import PackageDescription

/// libFuzzer targets for CallGate's input handling (Docs/fuzzing.md), built by `.ci/fuzz` with
/// `-sanitize=fuzzer,address -parse-as-library`.
///
/// A package of its own so the root package never builds or links the fuzz entry point (which
/// links only against libFuzzer's `main`). The modules under test are the root package's own
/// sources, reached through symbolic links in `Sources/`, rather than the root package as a
/// dependency: that would bring its build plugin, whose tool cannot be built with these flags, and
/// a second, host build of every dependency.
let adapters = ["MiiTel", "Udesk", "Biztel", "GenericPBX", "Twilio"].map { "\($0)Adapter" }

let package = Package(
    name: "CallGateFuzz",
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        .target(
            name: "CallGateCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "CallGateAdapters", dependencies: ["CallGateCore"] + adapters.map { .init(stringLiteral: $0) }),
        .executableTarget(name: "CallGateFuzz", dependencies: ["CallGateCore", "CallGateAdapters"]),
    ] + adapters.map { .target(name: $0, dependencies: ["CallGateCore"]) },
    swiftLanguageModes: [.v6]
)
