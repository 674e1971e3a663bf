#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import TestFixtures

/// A program run to its end as a user runs it: exit status, standard output, standard error.
/// The waits run on threads of their own, never on Swift's cooperative pool (two threads on a
/// 2-core machine), which every other test and the in-process servers share; standard error goes
/// through a file, so a chatty program can never block on a full pipe (`SpawnedProcess` says why
/// Foundation's `Process` is not used).
public enum ChildProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// Runs `executable` with `arguments` (and `environment` over this process's own) to its end.
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:])
        async throws -> Result
    {
        let errors = Fixtures.temporaryDirectory().appendingPathComponent("stderr")
        let errorFD = open(errors.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        var pipeFDs: [Int32] = [0, 0]
        // Close-on-exec is no matter for our children, which close every descriptor above 2.
        guard errorFD >= 0, pipe(&pipeFDs) == 0 else {
            throw ServeFailure(description: "cannot set up the child's output: \(String(cString: strerror(errno)))")
        }
        let child: SpawnedProcess
        do {
            defer {
                close(errorFD)
                close(pipeFDs[1])
            }
            child = try SpawnedProcess(
                executable.path, arguments,
                environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, stdout: pipeFDs[1],
                stderr: errorFD)
        } catch {
            close(pipeFDs[0])
            throw error
        }
        let reader = pipeFDs[0]
        let stdout = await TestClient.offPool {
            defer { close(reader) }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
                if count > 0 {
                    bytes += buffer[0..<count]
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            return bytes
        }
        return Result(
            status: await child.status(), stdout: String(decoding: stdout, as: UTF8.self),
            stderr: try String(contentsOf: errors, encoding: .utf8))
    }

    /// Runs the built `chargereg` with `arguments` to its end.
    public static func chargereg(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        try await run(ServedRegistry.binary, arguments, environment: environment)
    }
}
