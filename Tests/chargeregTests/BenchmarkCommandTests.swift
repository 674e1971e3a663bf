import Foundation
import TestDatabases
import TestFixtures
import TestHTTPClient
import Testing

/// `Tests/Benchmarks/bench.py` (issue #9) as a user runs it, at a size of seconds on the debug
/// binary: it must finish on every backend here and report every measurement next to every
/// limit. How fast is for the full run to say, not for a test.
@Suite struct BenchmarkCommandTests {
    static let script = Fixtures.packageRoot.appendingPathComponent("Tests/Benchmarks/bench.py").path

    /// What the benchmark needs besides the package's own prerequisites.
    static let missingTools: [String] = {
        var missing = ["wrk", "nginx", "sqlite3"].filter { tool in
            !["/usr/bin/", "/usr/sbin/", "/usr/local/bin/"].contains {
                FileManager.default.isExecutableFile(atPath: $0 + tool)
            }
        }
        // Asked once, when the suite's traits are read, before any test runs.
        let orjson = Process()
        orjson.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        orjson.arguments = [
            "python3", "-c", "import importlib.util, sys; sys.exit(importlib.util.find_spec('orjson') is None)",
        ]
        orjson.standardOutput = FileHandle.nullDevice
        orjson.standardError = FileHandle.nullDevice
        // A semaphore, not waitUntilExit(), which can miss the child's exit on Linux.
        let exited = DispatchSemaphore(value: 0)
        orjson.terminationHandler = { _ in exited.signal() }
        var found = false
        if (try? orjson.run()) != nil {
            exited.wait()
            found = orjson.terminationStatus == 0
        }
        if !found { missing.append("orjson") }
        return missing
    }()
    /// `.ci/run` sets this: there, a missing tool fails the smoke run instead of skipping it.
    static let isRequired = ProcessInfo.processInfo.environment["CHARGEREG_REQUIRE_BENCH_TOOLS"] == "1"
    static let skipReason = Comment(
        rawValue:
            "the benchmark needs \(missingTools.joined(separator: ", ")) (Debian: wrk nginx-light sqlite3; PyPI: orjson)"
    )

    /// Runs python3 at the lowest CPU priority, so that the smoke run's loads do not starve the
    /// tests running beside it.
    static func python(_ arguments: [String]) async throws -> CommandLineTests.Result {
        try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["nice", "-n", "19", "python3"] + arguments)
    }

    /// Runs a benchmark script on SQLite, and on PostgreSQL too (a test database) where it runs here.
    static func onEveryBackend(_ arguments: [String]) async throws -> CommandLineTests.Result {
        guard TestBackend.available.contains(.postgres) else {
            return try await python(arguments + ["--backends", "sqlite"])
        }
        return try await TestBackend.postgres.withDatabase { database in
            try await python(arguments + ["--backends", "sqlite,postgresql", "--postgres", database.location])
        }
    }

    @Test(.enabled(if: missingTools.isEmpty || isRequired, skipReason))
    func aSmallRunMeasuresEverythingOnEveryBackend() async throws {
        let table = Fixtures.temporaryDirectory().appendingPathComponent("bench.md")
        let arguments = [
            Self.script, "--locations", "150", "--duration", "1", "--connections", "4", "--binary",
            CommandLineTests.binary.path, "--out",
            table.path,
        ]
        let result = try await Self.onEveryBackend(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let backends = TestBackend.available.count
        let rows = try String(contentsOf: table, encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix("| ") }
        // Each measurement, and whether it reports peak RSS.
        let measurements: KeyValuePairs = [
            "file ingest": true, "dump, OCPI 2.2.1 JSON": true, "dump, CSV (a row per connector)": true,
            "dump, GeoJSON": true, "quality scoring from scratch": true, "Sender crawl, OCPI 2.2.1, limit=1000": true,
            "Sender page at an offset, no cursor (5 tries)": false, "read API: EVSE point lookup": false,
            "read API: list page, limit=100": false, "read API: bbox ±0.02°, limit=100": false,
            "read API: radius 2 km, limit=100": false, "read API: server memory": true,
            "pushes: single-connector PATCH": true,
        ]
        for (title, reportsMemory) in measurements {
            let row = try #require(rows.first { $0.hasPrefix("| \(title) |") }, "no row for \(title)")
            let cells = row.split(separator: "|").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(cells.count == backends && cells.allSatisfy { !$0.isEmpty }, "\(row)")
            #expect(cells.allSatisfy { $0.contains("peak RSS") } == reportsMemory, "\(row)")
        }
        let limits = rows.filter {
            $0.hasPrefix("| `cat`") || $0.hasPrefix("| orjson") || $0.hasPrefix("| the `sqlite3`")
                || $0.hasPrefix("| nginx")
        }
        #expect(limits.count == 7, "\(limits)")
        for limit in limits {
            #expect(limit.components(separatedBy: "= **").count - 1 == backends, "a share per backend: \(limit)")
        }
    }

    /// `Tests/Benchmarks/latency.py` (issue #20) at a size of seconds: every probe is measured
    /// under every workload on every backend, and no push fails.
    @Test func aSmallLatencyRunProbesEveryWorkloadOnEveryBackend() async throws {
        let script = Fixtures.packageRoot.appendingPathComponent("Tests/Benchmarks/latency.py").path
        let table = Fixtures.temporaryDirectory().appendingPathComponent("latency.md")
        let arguments = [
            script, "--locations", "300", "--second-locations", "100", "--push-seconds", "1", "--push-rate", "20",
            "--probe-rate", "200", "--binary", CommandLineTests.binary.path, "--out", table.path,
        ]
        let result = try await Self.onEveryBackend(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOf: table, encoding: .utf8)
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| workload") }
        for workload in ["idle", "full quality scan", "file ingest", "full pull", "pushes"] {
            let found = rows.filter { $0.hasPrefix("| \(workload) |") }
            #expect(found.count == TestBackend.available.count, "\(workload): \(found)")
            for row in found {
                // The window, then each probe as p50 / p99 / max with the requests answered.
                let cells = row.split(separator: "|").dropFirst(2).map { $0.trimmingCharacters(in: .whitespaces) }
                #expect(cells.count == 3 && cells.allSatisfy { $0.contains(" / ") && $0.contains("(n=") }, "\(row)")
            }
        }
        #expect(rows.filter { $0.hasPrefix("| pushes |") }.allSatisfy { $0.contains("), 0 failed |") }, "\(rows)")
    }

    @Test func badOptionsAreUsageErrors() async throws {
        let backends = try await Self.python([Self.script, "--backends", "sqlite,mysql"])
        #expect(backends.status == 2 && backends.stderr.contains("--backends: unknown mysql"), "\(backends.stderr)")
        let size = try await Self.python([Self.script, "--locations", "0"])
        #expect(size.status == 2 && size.stderr.contains("--locations must be at least 10, not 0"), "\(size.stderr)")
        let binary = try await Self.python([Self.script, "--binary", "/nonexistent/chargereg", "--locations", "10"])
        #expect(
            binary.status == 2 && binary.stderr.contains("--binary /nonexistent/chargereg: not an executable file"),
            "\(binary.stderr)")
    }
}
