// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "CallGate",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "callgate", targets: ["callgate"]),
        .library(name: "CallGateCore", targets: ["CallGateCore"]),
        .library(name: "CallGateKit", targets: ["CallGateKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // Pure core: canonical model, JSON, JSONPath, mapping engine, adapter protocol, config model.
        .target(
            name: "CallGateCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // One module per vendor: protocol-level behaviour and named mapping functions.
        .target(name: "MiiTelAdapter", dependencies: ["CallGateCore"]),
        .target(name: "UdeskAdapter", dependencies: ["CallGateCore"]),
        .target(name: "BiztelAdapter", dependencies: ["CallGateCore"]),
        .target(name: "GenericPBXAdapter", dependencies: ["CallGateCore"]),
        // Wires configuration, adapters and mappings into a runnable normalizer (used by the CLI and tests).
        .target(
            name: "CallGateKit",
            dependencies: ["CallGateCore", "MiiTelAdapter", "UdeskAdapter", "BiztelAdapter", "GenericPBXAdapter"]
        ),
        .executableTarget(
            name: "callgate",
            dependencies: [
                "CallGateKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "CallGateTestSupport", dependencies: ["CallGateKit"], path: "Tests/CallGateTestSupport"),
        .testTarget(name: "CallGateCoreTests", dependencies: ["CallGateCore", "CallGateTestSupport"]),
        .testTarget(name: "MiiTelAdapterTests", dependencies: ["MiiTelAdapter", "CallGateKit", "CallGateTestSupport"]),
        .testTarget(name: "UdeskAdapterTests", dependencies: ["UdeskAdapter", "CallGateKit", "CallGateTestSupport"]),
        .testTarget(name: "BiztelAdapterTests", dependencies: ["BiztelAdapter", "CallGateKit", "CallGateTestSupport"]),
        .testTarget(
            name: "GenericPBXAdapterTests", dependencies: ["GenericPBXAdapter", "CallGateKit", "CallGateTestSupport"]),
        .testTarget(name: "CallGateKitTests", dependencies: ["CallGateKit", "CallGateTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
