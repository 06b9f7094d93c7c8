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
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        .target(name: "CallGateFoundation", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "CallGateModel", dependencies: ["CallGateFoundation"]),
        .target(
            name: "CallGateMapping",
            dependencies: ["CallGateFoundation", "CallGateModel", .product(name: "Yams", package: "Yams")]
        ),
        .target(name: "CallGateConfig", dependencies: contract(upTo: 3) + [.product(name: "Yams", package: "Yams")]),
        .target(
            name: "CallGateReceive",
            dependencies: contract(upTo: 4) + [.product(name: "HTTPTypes", package: "swift-http-types")],
            exclude: ["Auth"]),
        .target(
            name: "CallGateAuth",
            dependencies: contract(upTo: 5) + [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Sources/CallGateReceive/Auth"),
        // Of the pipeline, only the retry policy and the event identity (the rest needs the HTTP
        // client stack).
        .target(
            name: "CallGatePipeline",
            dependencies: contract(upTo: 5) + [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "CallGateAdapters", dependencies: contract(upTo: 5) + adapters.map { .init(stringLiteral: $0) }),
        .executableTarget(
            name: "CallGateFuzz",
            dependencies: contract(upTo: 6) + [
                "CallGateAdapters", "CallGateAuth", .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
    ] + adapters.map { .target(name: $0, dependencies: contract(upTo: 5)) },
    swiftLanguageModes: [.v6]
)

/// The first `count` modules of the data path, in dependency order.
func contract(upTo count: Int) -> [Target.Dependency] {
    let modules = [
        "CallGateFoundation", "CallGateModel", "CallGateMapping", "CallGateConfig", "CallGateReceive",
        "CallGatePipeline",
    ]
    return modules.prefix(count).map { .init(stringLiteral: $0) }
}
