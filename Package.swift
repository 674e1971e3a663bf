// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ChargeRegistry",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "chargereg", targets: ["chargereg"])
    ],
    targets: [
        // C libraries, shims only.
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        // epoll and eventfd, which Glibc does not export (swift-notes.md §5).
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),

        // Leaf libraries: no domain knowledge.
        .target(name: "JSON"),
        .target(name: "Hashing"),
        .target(name: "CLI"),
        // HTTP/1.1 over sockets; knows nothing of charge points.
        .target(name: "HTTPServer", dependencies: ["CLinux"]),

        // The uniform model, identifiers and findings: pure, no I/O.
        .target(name: "RegistryCore", dependencies: ["JSON"]),
        // OCPI wire formats <-> RegistryCore.
        .target(name: "OCPI", dependencies: ["RegistryCore", "JSON"]),
        // Data-quality rules and scores over the model: pure, no I/O.
        .target(name: "Quality", dependencies: ["RegistryCore", "JSON"]),

        // Contracts published by the program, as resources.
        .target(name: "Migrations", path: "Migrations", resources: [.copy("sqlite"), .copy("postgres")]),
        .target(name: "Schemas", path: "Schemas", exclude: ["examples"], resources: [.copy("json")]),

        .target(
            name: "Storage",
            dependencies: ["RegistryCore", "JSON", "Hashing", "CSQLite", "CLibPQ", "Migrations"]),
        .target(
            name: "AccessPoint",
            dependencies: ["RegistryCore", "OCPI", "Quality", "Storage", "JSON", "Hashing", "Schemas", "HTTPServer"]),
        .executableTarget(name: "chargereg", dependencies: ["AccessPoint", "CLI", "Schemas", "HTTPServer", "Storage"]),

        .target(name: "TestFixtures", path: "Tests/TestFixtures"),
        .target(name: "TestDatabases", dependencies: ["Storage", "TestFixtures"], path: "Tests/TestDatabases"),
        .target(name: "TestHTTPClient", dependencies: ["TestFixtures"], path: "Tests/TestHTTPClient"),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "HashingTests", dependencies: ["Hashing"]),
        .testTarget(name: "CLITests", dependencies: ["CLI"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TestFixtures", "TestHTTPClient"]),
        .testTarget(name: "RegistryCoreTests", dependencies: ["RegistryCore"]),
        .testTarget(
            name: "QualityTests", dependencies: ["Quality", "OCPI", "RegistryCore", "Schemas", "TestFixtures"]),
        .testTarget(name: "OCPITests", dependencies: ["OCPI", "RegistryCore", "JSON", "TestFixtures"]),
        .testTarget(
            name: "StorageTests", dependencies: ["Storage", "OCPI", "RegistryCore", "TestFixtures", "TestDatabases"]),
        .testTarget(
            name: "AccessPointTests",
            dependencies: [
                "AccessPoint", "Storage", "OCPI", "RegistryCore", "JSON", "Hashing", "TestFixtures", "TestDatabases",
            ]),
        .testTarget(
            name: "FuzzTests",
            dependencies: [
                "chargereg", "AccessPoint", "HTTPServer", "JSON", "OCPI", "Quality", "RegistryCore", "Storage",
                "TestFixtures", "TestDatabases", "TestHTTPClient",
            ]),
        .testTarget(
            name: "chargeregTests",
            dependencies: ["chargereg", "HTTPServer", "TestFixtures", "TestDatabases", "TestHTTPClient"]),
    ],
    swiftLanguageModes: [.v6]
)
