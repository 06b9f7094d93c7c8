// swift-tools-version:6.0
import PackageDescription

/// The vendor adapter modules (`Sources/<Name>Adapter`, tested by `Tests/<Name>AdapterTests`).
/// `swift package --allow-writing-to-package-directory scaffold-adapter --name Acme` adds a name here.
let adapters = ["MiiTel", "Udesk", "Biztel", "GenericPBX", "Twilio"]
let adapterModules = adapters.map { Target.Dependency(stringLiteral: "\($0)Adapter") }

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
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
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
        // The adapters compiled in (`BuiltinAdapters.all`).
        .target(name: "CallGateAdapters", dependencies: ["CallGateCore"] + adapterModules),
        // Checks Mappings/*.yaml at build time and compiles them in (used by MappingBundlerPlugin).
        .executableTarget(name: "MappingBundler", dependencies: ["CallGateCore", "CallGateAdapters"]),
        .plugin(name: "MappingBundlerPlugin", capability: .buildTool(), dependencies: ["MappingBundler"]),
        .target(name: "CallGateMappings", plugins: ["MappingBundlerPlugin"]),
        // `swift package --allow-writing-to-package-directory scaffold-adapter --name Acme`
        .plugin(
            name: "ScaffoldAdapterPlugin",
            capability: .command(
                intent: .custom(
                    verb: "scaffold-adapter",
                    description: "Create a vendor adapter module, its mapping, a fixture and a test, and register it"),
                permissions: [
                    .writeToPackageDirectory(reason: "creates the adapter's files and adds it to Package.swift")
                ])),
        // Wires configuration, adapters and mappings into a runnable normalizer (used by the CLI and tests).
        .target(name: "CallGateKit", dependencies: ["CallGateCore", "CallGateAdapters", "CallGateMappings"]),
        // Durable state: raw requests, events, merged calls, outbox and quarantine (SQLite via GRDB,
        // PostgreSQL via postgres-nio for several instances, an in-memory store for tests).
        .target(
            name: "CallGateStore",
            dependencies: [
                "CallGateCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
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
        .target(
            name: "CallGateTestSupport",
            dependencies: ["CallGateKit", "CallGateStore", .product(name: "PostgresNIO", package: "postgres-nio")],
            path: "Tests/CallGateTestSupport"),
        .testTarget(name: "CallGateCoreTests", dependencies: ["CallGateCore", "CallGateTestSupport"]),
        .testTarget(
            name: "CallGateKitTests",
            dependencies: ["CallGateKit", "CallGateMappings", "CallGateStore", "CallGateTestSupport"]),
        .testTarget(name: "CallGateStoreTests", dependencies: ["CallGateStore", "CallGateKit", "CallGateTestSupport"]),
        .testTarget(
            name: "CallGateServerTests",
            dependencies: [
                "CallGateServer", "CallGateStore", "CallGateKit", "CallGateTestSupport", "TwilioAdapter",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ]
        // One module per vendor: protocol-level behaviour, authentication, named mapping functions.
        + adapters.map { .target(name: "\($0)Adapter", dependencies: ["CallGateCore"]) }
        + adapters.map {
            .testTarget(
                name: "\($0)AdapterTests",
                dependencies: [.init(stringLiteral: "\($0)Adapter"), "CallGateKit", "CallGateTestSupport"])
        },
    swiftLanguageModes: [.v6]
)
