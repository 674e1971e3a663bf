#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import TestFixtures
import TestHTTPClient
import Testing

/// Issue #18's resource acceptance on the real `serve`: what one client controls stays bounded.
/// Each test asserts the bound (memory, answers, page size) and reports what it measured; the
/// long run (`CHARGEREG_FUZZ_LONG=1`) uses the sizes, the default a smaller one.
@Suite(.serialized) struct ResourceBoundsTests {
    static let long = ProcessInfo.processInfo.environment["CHARGEREG_FUZZ_LONG"] == "1"

    /// A database with 2,000 generated locations, made once.
    static let made = Task {
        let database = Fixtures.temporaryDirectory().appendingPathComponent("bounds.sqlite").path
        let feed = Fixtures.temporaryDirectory().appendingPathComponent("bounds.json").path
        for arguments in [
            ["generate", "--country", "CL", "--locations", "2000", "--out", feed],
            ["ingest", "--database", database, feed],
        ] {
            let result = try await ChildProcess.chargereg(arguments)
            guard result.status == 0 else { throw ServeFailure(description: result.stderr) }
        }
        return database
    }
    static var database: String { get async throws { try await made.value } }

    /// This test process may open as many sockets as its hard limit allows.
    static func raiseOwnDescriptorLimit() {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    /// A client pipelining requests for 1,000 locations each (about 1 MB per answer) and never
    /// reading: the server's memory stays bounded (the issue measured 2 MB more per request).
    @Test func pipeliningWithoutReadingKeepsMemoryBounded() async throws {
        let served = try await ServedRegistry(["--database", try await Self.database, "--rate-limit", "0"])
        let count = Self.long ? 10_000 : 1_000
        let before = served.footprint
        let client = try TestClient(port: served.port, timeout: 5)
        let request = Array("GET /api/v1/locations?limit=1000 HTTP/1.1\r\nHost: h\r\n\r\n".utf8)
        let sent = await TestClient.offPool {
            var sent = 0
            for _ in 0..<count where client.send(request) == request.count { sent += 1 }
            return sent
        }
        var peak = 0
        for _ in 0..<20 {
            try await Task.sleep(for: .milliseconds(100))
            peak = max(peak, served.footprint.residentKB)
        }
        FuzzBudget.report(
            "pipelining: \(sent) of \(count) requests sent unread; serve RSS \(before.residentKB) KB → peak \(peak) KB")
        #expect(peak < 100 * 1024)
        shutdown(client.fd, Int32(SHUT_RDWR))
        #expect(try await served.request("/api/v1/healthz")?.status == 200)
        #expect(await served.stop() == 0)
    }

    /// Idle connections from one address take at most its share; another client is served.
    @Test func idleConnectionsFromOneAddressDoNotLockOthersOut() async throws {
        Self.raiseOwnDescriptorLimit()
        let served = try await ServedRegistry(["--database", try await Self.database, "--rate-limit", "0"])
        let count = Self.long ? 5_000 : 600
        let idle = await TestClient.offPool {
            (0..<count).compactMap { _ in try? TestClient(port: served.port, timeout: 5) }
        }
        var latencies: [Double] = []
        for _ in 0..<200 {
            let started = Date()
            let response = try await served.request("/api/v1/healthz", from: "127.0.0.2")
            latencies.append(Date().timeIntervalSince(started))
            #expect(response?.status == 200)
        }
        latencies.sort()
        // A turned-away connection has its 503 waiting; an admitted idle one has nothing.
        let refused = idle.filter { client in
            var byte: UInt8 = 0
            return recv(client.fd, &byte, 1, Int32(MSG_DONTWAIT | MSG_PEEK)) > 0
        }.count
        FuzzBudget.report(
            "idle: \(idle.count) connections from 127.0.0.1, \(refused) turned away with 503; another client's "
                + "p50 \(Int(latencies[100] * 1000)) ms, p99 \(Int(latencies[197] * 1000)) ms")
        #expect(refused == max(0, idle.count - 256))
        #expect(await served.stop() == 0)
    }

    /// More clients than descriptors: the server keeps answering (200 or a fast 503), and is
    /// whole again once they leave.
    @Test func moreConnectionsThanDescriptorsLeaveTheServerAnswering() async throws {
        Self.raiseOwnDescriptorLimit()
        let limit = Self.long ? 1_024 : 256
        let count = Self.long ? 2_000 : 500
        let served = try await ServedRegistry(
            ["--database", try await Self.database, "--max-connections-per-client", "100000"], limits: "\(limit)")
        #expect(served.log.contains("at most \(limit - 64) connections"), "\(served.log)")
        // The quality scan at start is the server's own work, not the connections'.
        #expect(try await served.waitForLog("quality: "))
        let start = served.footprint
        let clients = await TestClient.offPool {
            (0..<count).compactMap { index in
                try? TestClient(port: served.port, timeout: 5, from: "127.0.0.\(2 + index % 50)")
            }
        }
        // Once the last connection was accepted or turned away, holding them costs nothing: a
        // server that spun on accept would burn a core for each of the two seconds.
        try await Task.sleep(for: .milliseconds(500))
        let cpuBefore = served.cpuSeconds
        try await Task.sleep(for: .seconds(2))
        let cpuWhileHeld = served.cpuSeconds - cpuBefore
        var statuses: [Int: Int] = [:]
        for _ in 0..<20 {
            let status = try await served.request("/api/v1/healthz")?.status ?? 0
            statuses[status, default: 0] += 1
        }
        #expect(statuses.keys.allSatisfy { $0 == 200 || $0 == 503 }, "\(statuses)")
        for client in clients { shutdown(client.fd, Int32(SHUT_RDWR)) }
        var end = served.footprint
        for _ in 0..<50 where end.descriptors > start.descriptors {
            try await Task.sleep(for: .milliseconds(100))
            end = served.footprint
        }
        FuzzBudget.report(
            "descriptors: \(clients.count) connections under a limit of \(limit); serve used \(cpuWhileHeld) s of CPU "
                + "in the two seconds they were held; answers \(statuses); descriptors \(start.descriptors) → \(end.descriptors)"
        )
        #expect(cpuWhileHeld < 0.5)
        #expect(try await served.request("/api/v1/healthz")?.status == 200)
        #expect(end.descriptors <= start.descriptors)
        #expect(await served.stop() == 0)
    }

    /// Requests with invented methods and paths add no metric series.
    @Test func metricsStaySmallWhateverMethodsAndPathsArrive() async throws {
        let served = try await ServedRegistry(["--database", try await Self.database, "--rate-limit", "0"])
        let count = Self.long ? 100_000 : 3_000
        let port = served.port
        await TestClient.offPool {
            var random = SeededGenerator(seed: FuzzBudget.seed)
            guard var client = try? TestClient(port: port, timeout: 5) else { return }
            for index in 0..<count {
                let method = String(
                    (0..<Int.random(in: 1...64, using: &random)).map { _ in
                        Character(UnicodeScalar(UInt8.random(in: 65...90, using: &random)))
                    })
                client.send(
                    "\(method) /\(index)/\(UInt64.random(in: 0...UInt64.max, using: &random)) HTTP/1.1\r\nHost: h\r\n\r\n"
                )
                if client.blockingResponse() == nil, let fresh = try? TestClient(port: port, timeout: 5) {
                    client = fresh
                }
            }
        }
        let metrics = try #require(try await served.request("/api/v1/metrics"))
        FuzzBudget.report(
            "metrics: \(metrics.body.utf8.count) bytes after \(count) requests with random methods and paths")
        #expect(metrics.status == 200 && metrics.body.utf8.count < 100 * 1024)
        #expect(await served.stop() == 0)
    }
}

extension ServedRegistry {
    /// User and system CPU seconds the server has used, from /proc/PID/stat.
    var cpuSeconds: Double {
        let stat = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8)) ?? ""
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
