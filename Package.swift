// swift-tools-version: 6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// The git revision `activationd --version` prints, from `ACTIVATIOND_REVISION` (scripts/build-deb.sh sets
/// it for the release build). Only hex digits, "+" and letters pass, so the define stays one C string
/// literal; without it the revision is "unknown" and the build's flags do not change from commit to commit.
let buildRevision = String((Context.environment["ACTIVATIOND_REVISION"] ?? "unknown").filter {
    $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+")
}.prefix(64))

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
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // libcurl, seen through typed wrappers for its variadic functions. Only ActivationMail imports it.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // glibc's malloc.h (malloc_trim), which Swift's Glibc module leaves out. Only ActivationHTTP imports it.
        .systemLibrary(name: "CGlibcMalloc"),
        // The git revision the binary was built from (a C define: Swift's -D carries no value).
        .target(
            name: "CBuildInfo",
            cSettings: [.define("ACTIVATIOND_REVISION", to: "\"\(buildRevision.isEmpty ? "unknown" : buildRevision)\"")]
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
        // Templates served fast: rendered once by swift-mustache with markers for the values and
        // split there. Shared by the mails and the pages.
        .target(
            name: "ActivationTemplates",
            dependencies: [.product(name: "Mustache", package: "swift-mustache")],
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
        // The shared store: PostgreSQL through postgres-nio, for several hosts on one database.
        .target(
            name: "ActivationStorePostgres",
            dependencies: [
                "ActivationCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The spool's files: its directories, record names, reading a record safely, writing one
        // (`submit` and the registration page), setting one aside, purging old rejects. No intake.
        .target(
            name: "ActivationSpoolFiles",
            dependencies: [
                "ActivationCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // The intake: watching new/, taking records in through the store, as a service.
        .target(
            name: "ActivationSpool",
            dependencies: [
                "ActivationCore",
                "ActivationSpoolFiles",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
            ],
            swiftSettings: strictSettings
        ),
        // The activation page and API, resend, username check, health and metrics, on Hummingbird.
        // Sees only the AccountStore protocol, never a store implementation.
        .target(
            name: "ActivationHTTP",
            dependencies: [
                "ActivationCore",
                "ActivationTemplates",
                "ActivationSpoolFiles",
                "CGlibcMalloc",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Activation mail: MIME composition, templates, the libcurl SMTP transport, the Courier service.
        .target(
            name: "ActivationMail",
            dependencies: [
                "ActivationCore",
                "ActivationTemplates",
                "CCurl",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
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
            dependencies: [
                "ActivationCore",
                "ActivationStoreSQLite",
                "ActivationStorePostgres",
                "ActivationSpool",
                "ActivationSpoolFiles",
                "ActivationHTTP",
                "ActivationMail",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "activationd",
            dependencies: [
                "ActivationDaemon",
                "CBuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // Benchmarks: `make bench` builds this in release mode.
        .executableTarget(
            name: "activationd-bench",
            dependencies: ["ActivationCore"],
            path: "Benchmarks/activationd-bench",
            swiftSettings: strictSettings
        ),
        // Load generator target for `make bench-http`: the HTTP app on an in-memory store, wrk outside.
        .executableTarget(
            name: "activationd-http-bench",
            dependencies: [
                "ActivationHTTP",
                "ActivationSpool",
                "ActivationCore",
                "ActivationStoreSQLite",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Benchmarks/activationd-http-bench",
            swiftSettings: strictSettings
        ),
        // The courier benchmark: `make bench-courier` builds this in release mode.
        .executableTarget(
            name: "courier-bench",
            dependencies: [
                "ActivationCore",
                "CCurl",
                "ActivationDaemon",
                "ActivationMail",
                "ActivationStoreSQLite",
                "BenchStore",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/courier-bench",
            swiftSettings: strictSettings
        ),
        // Intake benchmark: `make bench-intake` builds this in release mode (scripts/bench-intake.sh).
        .executableTarget(
            name: "intake-bench",
            dependencies: [
                "ActivationSpool", "ActivationStoreSQLite", "BenchStore",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/intake-bench",
            swiftSettings: strictSettings
        ),
        // The store the courier and intake benchmarks run on: SQLite, or PostgreSQL with STORE_PG.
        .target(
            name: "BenchStore",
            dependencies: [
                "ActivationCore", "ActivationStoreSQLite", "ActivationStorePostgres",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/BenchStore",
            swiftSettings: strictSettings
        ),
        // The real intake service in a process of its own, for the crash tests to SIGKILL.
        .executableTarget(
            name: "intake-harness",
            dependencies: [
                "ActivationSpool", "ActivationStoreSQLite",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Tests/IntakeHarness",
            swiftSettings: strictSettings
        ),
        // The AccountStore contract suite, shared by every store's tests.
        .target(
            name: "AccountStoreContract",
            dependencies: ["ActivationCore"],
            path: "Tests/AccountStoreContract",
            swiftSettings: strictSettings
        ),
        // Test peers shared by the test targets (smtp-sink, free ports, temporary directories).
        .target(
            name: "TestSupport",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(name: "CCurlTests", dependencies: ["CCurl"]),
        .testTarget(name: "ActivationCoreTests", dependencies: ["ActivationCore", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "ActivationStoreSQLiteTests",
            dependencies: ["ActivationStoreSQLite", "AccountStoreContract", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ActivationStorePostgresTests",
            dependencies: [
                "ActivationStorePostgres", "AccountStoreContract", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "ActivationDaemonTests", dependencies: ["ActivationDaemon", "ActivationCore", "ActivationMail", "ActivationStoreSQLite", "AccountStoreContract", .product(name: "Logging", package: "swift-log")], swiftSettings: strictSettings),
        .testTarget(
            name: "ActivationSpoolTests",
            dependencies: [
                "ActivationSpool", "ActivationSpoolFiles", "ActivationStoreSQLite", "intake-harness", "TestSupport",
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ActivationHTTPTests",
            dependencies: [
                "ActivationTemplates",
                .product(name: "Mustache", package: "swift-mustache"),
                "ActivationHTTP",
                "ActivationSpoolFiles",
                "ActivationStoreSQLite",
                "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ActivationMailTests",
            dependencies: [
                "ActivationTemplates",
                .product(name: "Mustache", package: "swift-mustache"),
                "ActivationMail",
                "ActivationStoreSQLite",
                "ActivationDaemon",
                "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "activationdTests", dependencies: ["activationd", "TestSupport"], swiftSettings: strictSettings),
        // The fuzz targets of `make fuzz`, one function per parser of untrusted input, and the suite
        // that replays their corpora (Fuzz/corpus/<target>/) in every `make test`.
        .target(
            name: "ActivationFuzz",
            dependencies: [
                "ActivationCore",
                "ActivationMail",
                "ActivationHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "ActivationFuzzTests", dependencies: ["ActivationFuzz"], swiftSettings: strictSettings),
    ],
    swiftLanguageModes: [.v6]
)

/// The libFuzzer executables, declared only for scripts/fuzz.sh (`ACTIVATIOND_FUZZ=1`): they link only
/// with `--sanitize=fuzzer`, which supplies `main`, so the ordinary build must not see them.
let fuzzTargetNames = ["spool-record", "token", "phc", "mail-header", "config-duration", "http-form", "http-query", "forwarded-header", "bounce-token"]
if Context.environment["ACTIVATIOND_FUZZ"] == "1" {
    for name in fuzzTargetNames {
        package.targets.append(.executableTarget(
            name: "fuzz-\(name)", dependencies: ["ActivationFuzz"], path: "Fuzz/\(name)",
            swiftSettings: strictSettings))
        package.products.append(.executable(name: "fuzz-\(name)", targets: ["fuzz-\(name)"]))
    }
}
