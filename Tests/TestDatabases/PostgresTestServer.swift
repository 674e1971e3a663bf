import Foundation
import Synchronization

@testable import Storage

/// The PostgreSQL server the tests use: `CHARGEREG_TEST_POSTGRES` if given, else a throwaway
/// cluster this process starts on a free loopback port in a temp directory (through
/// `runuser -u postgres` when running as root, since initdb refuses root) and stops at exit.
public final class PostgresTestServer: Sendable {
    /// A libpq connection string for the server's `postgres` database.
    public let conninfo: String
    /// The cluster's data directory, when this process owns the server (nil for an external one).
    let dataDirectory: String?
    let binaries: String?

    /// Why PostgreSQL tests cannot run here, or nil when they can.
    public static let unavailableReason: String? = externalConninfo != nil ? nil : clusterUnavailableReason

    /// Why this process cannot start a cluster of its own (tests that stop and start the server
    /// need one, even when CHARGEREG_TEST_POSTGRES names a server), or nil when it can.
    public static let clusterUnavailableReason: String? = {
        guard let binaries else {
            return
                "PostgreSQL tests skipped: no CHARGEREG_TEST_POSTGRES URL and no server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin; install the 'postgresql' package"
        }
        if getuid() == 0 && !FileManager.default.fileExists(atPath: "/usr/sbin/runuser") {
            return "PostgreSQL tests skipped: running as root without runuser to start \(binaries)/initdb as postgres"
        }
        return nil
    }()

    /// True when `CHARGEREG_REQUIRE_POSTGRES=1` makes a missing PostgreSQL a failure.
    public static let isRequired = ProcessInfo.processInfo.environment["CHARGEREG_REQUIRE_POSTGRES"] == "1"

    static let externalConninfo: String? = ProcessInfo.processInfo.environment["CHARGEREG_TEST_POSTGRES"]
        .flatMap { $0.isEmpty ? nil : $0 }

    static let binaries: String? = {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "\(root)/\($0)/bin" }
            .first { FileManager.default.isExecutableFile(atPath: "\($0)/initdb") }
    }()

    private init(conninfo: String, dataDirectory: String?, binaries: String?) {
        self.conninfo = conninfo
        self.dataDirectory = dataDirectory
        self.binaries = binaries
    }

    private static let starting = Mutex<Task<PostgresTestServer, any Error>?>(nil)

    /// The server, started on first use.
    public static func shared() async throws -> PostgresTestServer {
        let task = starting.withLock { task in
            if let task { return task }
            let started = Task { try start() }
            task = started
            return started
        }
        return try await task.value
    }

    private static func start() throws -> PostgresTestServer {
        if let externalConninfo {
            return PostgresTestServer(conninfo: externalConninfo, dataDirectory: nil, binaries: nil)
        }
        return try cluster()
    }

    /// A cluster of this test's own, for tests that stop and start the server; stopped at exit.
    public static func dedicated() async throws -> PostgresTestServer {
        try await Task { try cluster() }.value
    }

    /// Creates and starts a new cluster on a free loopback port.
    private static func cluster() throws -> PostgresTestServer {
        guard clusterUnavailableReason == nil, let binaries else {
            throw TestServerError(clusterUnavailableReason ?? "no PostgreSQL server binaries")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chargereg-pg-\(getpid())-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if getuid() == 0 {
            guard let user = getpwnam("postgres") else {
                throw TestServerError("running as root, but there is no 'postgres' user")
            }
            chown(directory, user.pointee.pw_uid, user.pointee.pw_gid)
        }
        let initdb = PostgresTestServer(conninfo: "", dataDirectory: directory, binaries: binaries)
        try initdb.run(
            "initdb", ["-D", "\(directory)/data", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
        let first = owned.withLock { clusters in
            clusters.append(directory)
            return clusters.count == 1
        }
        if first { atexit { PostgresTestServer.reportAndStop() } }
        // A port below the ephemeral range, so that no client socket takes it between the check
        // and the server's bind; another on the rare collision.
        var failure: (any Error)?
        for _ in 0..<5 {
            guard let port = (0..<100).lazy.map({ _ in Int.random(in: 20_000..<32_000) }).first(where: isFree)
            else { break }
            let settings = [
                "-p \(port)", "-k \(directory)", "-c listen_addresses=127.0.0.1", "-c fsync=off",
                "-c synchronous_commit=off", "-c full_page_writes=off", "-c max_connections=300",
            ]
            // Kept beside the cluster, so that a restart uses the same settings.
            try (settings.joined(separator: " ") + "\n").write(
                toFile: "\(directory)/settings", atomically: true, encoding: .utf8)
            let server = PostgresTestServer(
                conninfo: "host=127.0.0.1 port=\(port) user=postgres dbname=postgres", dataDirectory: directory,
                binaries: binaries)
            do {
                try server.start()
                return server
            } catch {
                failure = error
            }
        }
        throw failure ?? TestServerError("cannot find a free loopback port")
    }

    /// `pg_ctl start`, waiting until the server accepts connections.
    public func start() throws {
        guard let dataDirectory else { throw TestServerError("the test server is external; it cannot be started") }
        let settings = try String(contentsOfFile: "\(dataDirectory)/settings", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            try run(
                "pg_ctl", ["-D", "\(dataDirectory)/data", "-l", "\(dataDirectory)/log", "-o", settings, "-w", "start"])
        } catch {
            let log = (try? String(contentsOfFile: "\(dataDirectory)/log", encoding: .utf8)) ?? ""
            throw TestServerError(
                "\(error)\nserver log:\n\(log.split(separator: "\n").suffix(8).joined(separator: "\n"))")
        }
    }

    /// `pg_ctl stop -m fast`: every connection is cut, as in a server restart.
    public func stop() throws {
        guard let dataDirectory else { throw TestServerError("the test server is external; it cannot be stopped") }
        try run("pg_ctl", ["-D", "\(dataDirectory)/data", "-m", "fast", "-w", "stop"])
    }

    /// Runs a server tool (as postgres when root) with posix_spawn, its output in a file: the
    /// server that `pg_ctl start` leaves running must not hold a pipe of ours open.
    private func run(_ tool: String, _ arguments: [String]) throws {
        let path = "\(binaries!)/\(tool)"
        let argv = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", path] + arguments : [path] + arguments
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("pg-tool-\(UUID().uuidString)").path
        defer { unlink(output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        guard spawned == 0 else {
            throw TestServerError("cannot run \(argv[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            throw TestServerError("\(tool) \(arguments.joined(separator: " ")) failed (status \(status)):\n\(text)")
        }
    }

    /// True when nothing listens on or holds `port` on the loopback address.
    private static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    // MARK: - Bookkeeping

    /// Data directories of the clusters this process started.
    private static let owned = Mutex<[String]>([])
    static let storesMade = Mutex(0)

    /// At exit: says how many PostgreSQL stores the tests used, and stops the clusters started.
    private static func reportAndStop() {
        let count = storesMade.withLock { $0 }
        FileHandle.standardError.write(Data("PostgreSQL: \(count) test databases were used\n".utf8))
        guard let binaries else { return }
        let prefix = getuid() == 0 ? "/usr/sbin/runuser -u postgres -- " : ""
        for directory in owned.withLock({ $0 }) {
            _ = system(
                "\(prefix)\(binaries)/pg_ctl -D '\(directory)/data' -m immediate stop >/dev/null 2>&1; rm -rf '\(directory)'"
            )
        }
    }
}

public struct TestServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
