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
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
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
        // Durable state: raw requests, events, merged calls, outbox and quarantine (SQLite via GRDB,
        // plus an in-memory store for tests).
        .target(
            name: "CallGateStore",
            dependencies: [
                "CallGateCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The running gateway: HTTP ingest on Hummingbird, source authentication, delivery workers,
        // lifecycle.
        .target(
            name: "CallGateServer",
            dependencies: [
                "CallGateKit",
                "CallGateStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "callgate",
            dependencies: [
                "CallGateKit",
                "CallGateServer",
                "CallGateStore",
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
        .testTarget(name: "CallGateKitTests", dependencies: ["CallGateKit", "CallGateStore", "CallGateTestSupport"]),
        .testTarget(name: "CallGateStoreTests", dependencies: ["CallGateStore", "CallGateKit", "CallGateTestSupport"]),
        .testTarget(
            name: "CallGateServerTests",
            dependencies: [
                "CallGateServer", "CallGateStore", "CallGateKit", "CallGateTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
