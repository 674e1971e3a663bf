#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import TestFixtures

/// `chargereg serve` as a user runs it, for tests that talk to it over raw sockets: standard
/// error goes to a file (a busy server's access log would fill a pipe and stall it), and the
/// process can be measured (resident memory, open descriptors) from /proc.
public final class ServedRegistry: @unchecked Sendable {
    public let process: SpawnedProcess
    public let port: Int
    public let logFile: URL

    /// The built `chargereg` beside the test bundle (or in `.build/debug`).
    public static let binary: URL = {
        let testBundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [testBundleDirectory, Fixtures.packageRoot.appendingPathComponent(".build/debug")]
        return candidates.map { $0.appendingPathComponent("chargereg") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
            ?? candidates[1].appendingPathComponent("chargereg")
    }()

    /// Starts `serve --listen 127.0.0.1:0` with `arguments`; returns once it says where it serves.
    /// `limits` is the open-file limit it starts under (as `ulimit -n` would set it).
    public init(_ arguments: [String], limits: String? = nil) async throws {
        logFile = Fixtures.temporaryDirectory().appendingPathComponent("serve.log")
        try Data().write(to: logFile)
        let (path, prefix) =
            limits.map { ("/usr/bin/prlimit", ["--nofile=\($0)", Self.binary.path]) } ?? (Self.binary.path, [])
        let logFD = open(logFile.path, O_WRONLY | O_APPEND | O_CLOEXEC)
        let nullFD = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer {
            close(logFD)
            close(nullFD)
        }
        // prlimit(1) sets the open-file limit of the program it runs, as `ulimit -n` would.
        process = try SpawnedProcess(
            path, prefix + ["serve", "--listen", "127.0.0.1:0"] + arguments,
            environment: ProcessInfo.processInfo.environment, stdout: nullFD, stderr: logFD)
        var port = 0
        for _ in 0..<2400 where port == 0 {
            let log = Self.read(logFile)
            if let line = log.split(separator: "\n").first(where: { $0.hasPrefix("serving on http://127.0.0.1:") }) {
                port = Int(line.dropFirst("serving on http://127.0.0.1:".count).prefix { $0.isNumber }) ?? 0
            } else if !process.isRunning {
                break
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        self.port = port
        guard port > 0 else {
            process.terminate()
            throw ServeFailure(description: "serve did not start: \(Self.read(logFile))")
        }
    }

    public var log: String { Self.read(logFile) }

    private static func read(_ file: URL) -> String { (try? String(contentsOf: file, encoding: .utf8)) ?? "" }

    /// One request on a fresh connection.
    public func request(
        _ target: String, method: String = "GET", headers: [String: String] = [:], body: String = "",
        from source: String? = nil
    ) async throws -> TestClient.Response? {
        let client = try TestClient(port: port, from: source)
        var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "PUT" || method == "POST" { text += "Content-Length: \(body.utf8.count)\r\n" }
        client.send(text + "\r\n" + body)
        return await client.response()
    }

    /// Waits until the quality API's scorecard of `scope` (`CL*VLT`, or the country when nil)
    /// counts `locations`: the quality monitor scores changes within seconds.
    public func waitForScorecard(_ scope: String? = nil, locations: Int, seconds: Double = 60) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        let target = scope.map { "/api/v1/quality/operators/\($0)" } ?? "/api/v1/quality"
        while Date() < deadline {
            if let response = try await request(target), response.status == 200,
                response.body.contains(#""locations":\#(locations),"#)
            {
                return true
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Waits until the log has a line containing `text` after the first `after` lines.
    public func waitForLog(_ text: String, after lines: Int = 0, seconds: Double = 60) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if log.split(separator: "\n").dropFirst(lines).contains(where: { $0.contains(text) }) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Resident memory in KB and open descriptors, from /proc.
    public var footprint: (residentKB: Int, descriptors: Int) {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let resident =
            status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        let descriptors =
            (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd").count) ?? 0
        return (resident, descriptors)
    }

    /// SIGTERM, then the exit status.
    public func stop() async -> Int32 {
        process.terminate()
        return await process.status()
    }
}

public struct ServeFailure: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) { self.description = description }
}
