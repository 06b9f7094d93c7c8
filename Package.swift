// swift-tools-version:6.0
import PackageDescription

/// The vendor adapter modules (`Sources/<Name>Adapter`, tested by `Tests/<Name>AdapterTests`).
/// `swift package --allow-writing-to-package-directory scaffold-adapter --name Acme` adds a name here.
let adapters = ["MiiTel", "Udesk", "Biztel", "GenericPBX", "Twilio"]
let adapterModules = adapters.map { Target.Dependency(stringLiteral: "\($0)Adapter") }
/// The modules along the data path, each depending on the ones before it (Docs/architecture.md).
let dataPath: [Target.Dependency] = [
    "CallGateFoundation", "CallGateModel", "CallGateMapping", "CallGateConfig", "CallGateReceive", "CallGateAuth",
    "CallGatePipeline",
]
/// What a vendor adapter and the build-time mapping check depend on: no network stack and no
/// cryptography, so the host tool of the mapping check builds in seconds.
let adapterContract: [Target.Dependency] = [
    "CallGateFoundation", "CallGateModel", "CallGateMapping", "CallGateConfig", "CallGateReceive",
]

let package = Package(
    name: "CallGate",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "callgate", targets: ["callgate"]),
        .library(name: "CallGatePipeline", targets: ["CallGatePipeline"]),
        .library(name: "CallGateKit", targets: ["CallGateKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // Foundation: JSON, JSONPath, times, phone numbers, YAML with locations, base64, IP addresses.
        // Knows nothing about calls.
        .target(name: "CallGateFoundation", dependencies: [.product(name: "Yams", package: "Yams")]),
        // The canonical call: events, the call record, merging, the vocabulary.
        .target(name: "CallGateModel", dependencies: ["CallGateFoundation"]),
        // The mapping language: YAML compiled to expressions that turn a payload into call events.
        .target(
            name: "CallGateMapping",
            dependencies: ["CallGateFoundation", "CallGateModel", .product(name: "Yams", package: "Yams")]
        ),
        // The data path, one folder per stage (Docs/architecture.md). Receive (adapter hooks, source
        // authentication) and Config are modules of their own inside it: vendor modules and the
        // build-time mapping check depend on them alone, so a host tool never compiles the HTTP
        // client, metrics and lifecycle stack the later stages run on.
        .target(
            name: "CallGateConfig",
            dependencies: [
                "CallGateFoundation", "CallGateModel", "CallGateMapping", .product(name: "Yams", package: "Yams"),
            ],
            path: "Sources/CallGatePipeline/Config"
        ),
        .target(
            name: "CallGateReceive",
            dependencies: [
                "CallGateFoundation", "CallGateModel", "CallGateMapping", "CallGateConfig",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Sources/CallGatePipeline/Receive",
            exclude: ["Auth"]
        ),
        // Source authentication (Receive/Auth): the credentials, signatures and address checks.
        .target(
            name: "CallGateAuth",
            dependencies: [
                "CallGateFoundation", "CallGateModel", "CallGateMapping", "CallGateConfig", "CallGateReceive",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Sources/CallGatePipeline/Receive/Auth"
        ),
        .target(
            name: "CallGatePipeline",
            dependencies: [
                "CallGateFoundation", "CallGateModel", "CallGateMapping", "CallGateConfig", "CallGateReceive",
                "CallGateAuth",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            exclude: ["Config", "Receive"]
        ),
        // The adapters compiled in (`BuiltinAdapters.all`).
        .target(name: "CallGateAdapters", dependencies: adapterContract + adapterModules),
        // Checks Mappings/*.yaml at build time and compiles them in (used by MappingBundlerPlugin).
        .executableTarget(name: "MappingBundler", dependencies: adapterContract + ["CallGateAdapters"]),
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
        // The built-in adapters and bundled mappings wired into the pipeline (used by the CLI and tests).
        .target(name: "CallGateKit", dependencies: dataPath + ["CallGateAdapters", "CallGateMappings"]),
        // Store backends of the ledger and outbox (SQLite via GRDB, PostgreSQL via postgres-nio for
        // several instances, an in-memory store for tests).
        .target(
            name: "CallGateStore",
            dependencies: dataPath + [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The HTTP edge: ingest and admin routes on Hummingbird, health, reload, retention, lifecycle.
        .target(
            name: "CallGateServer",
            dependencies: dataPath + [
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
            dependencies: dataPath + [
                "CallGateKit",
                "CallGateServer",
                "CallGateStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "CallGateTestSupport",
            dependencies: dataPath + [
                "CallGateKit", "CallGateStore", "TwilioAdapter", .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/CallGateTestSupport"),
        .testTarget(name: "CallGateFoundationTests", dependencies: dataPath + ["CallGateTestSupport"]),
        .testTarget(name: "CallGateMappingTests", dependencies: dataPath + ["CallGateTestSupport"]),
        .testTarget(name: "CallGatePipelineTests", dependencies: dataPath + ["CallGateTestSupport"]),
        .testTarget(
            name: "CallGateKitTests",
            dependencies: dataPath + ["CallGateKit", "CallGateMappings", "CallGateStore", "CallGateTestSupport"]),
        .testTarget(
            name: "CallGateStoreTests",
            dependencies: dataPath + ["CallGateStore", "CallGateKit", "CallGateTestSupport"]),
        .testTarget(
            name: "CallGateServerTests",
            dependencies: dataPath + [
                "CallGateServer", "CallGateStore", "CallGateKit", "CallGateTestSupport", "TwilioAdapter",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ]
        // One module per vendor: protocol-level behaviour, authentication, named mapping functions.
        + adapters.map { .target(name: "\($0)Adapter", dependencies: adapterContract) }
        + adapters.map {
            .testTarget(
                name: "\($0)AdapterTests",
                dependencies: dataPath + [.init(stringLiteral: "\($0)Adapter"), "CallGateKit", "CallGateTestSupport"])
        },
    swiftLanguageModes: [.v6]
)
