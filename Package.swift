// swift-tools-version: 6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "activationd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "activationd", targets: ["activationd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // libcurl, seen through typed wrappers for its variadic functions. Only ActivationMail imports it.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // Registrations, rules, accounts, tokens, password hashing, the AccountStore protocol. No I/O.
        .target(
            name: "ActivationCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // The embedded store: SQLite through GRDB.
        .target(
            name: "ActivationStoreSQLite",
            dependencies: [
                "ActivationCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        // Activation mail: MIME composition, templates, the libcurl SMTP transport, the Courier service.
        .target(
            name: "ActivationMail",
            dependencies: [
                "ActivationCore",
                "CCurl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strictSettings
        ),
        // Configuration and the work behind each subcommand.
        .target(
            name: "ActivationDaemon",
            dependencies: ["ActivationCore", "ActivationStoreSQLite", "ActivationMail"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "activationd",
            dependencies: [
                "ActivationDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // The courier benchmark: `make bench-courier` builds this in release mode.
        .executableTarget(
            name: "courier-bench",
            dependencies: [
                "ActivationCore",
                "ActivationMail",
                "ActivationStoreSQLite",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/courier-bench",
            swiftSettings: strictSettings
        ),
        // Benchmarks: `make bench` builds this in release mode.
        .executableTarget(
            name: "activationd-bench",
            dependencies: ["ActivationCore"],
            path: "Benchmarks/activationd-bench",
            swiftSettings: strictSettings
        ),
        // The AccountStore contract suite, shared by every store's tests.
        .target(
            name: "AccountStoreContract",
            dependencies: ["ActivationCore"],
            path: "Tests/AccountStoreContract",
            swiftSettings: strictSettings
        ),
        .testTarget(name: "CCurlTests", dependencies: ["CCurl"]),
        .testTarget(name: "ActivationCoreTests", dependencies: ["ActivationCore"], swiftSettings: strictSettings),
        .testTarget(
            name: "ActivationStoreSQLiteTests",
            dependencies: ["ActivationStoreSQLite", "AccountStoreContract"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ActivationMailTests",
            dependencies: [
                "ActivationMail",
                "ActivationStoreSQLite",
                "ActivationDaemon",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "activationdTests", dependencies: ["activationd"], swiftSettings: strictSettings),
    ],
    swiftLanguageModes: [.v6]
)
