import Foundation
import Synchronization
import TestFixtures

/// A program run to its end as a user runs it: exit status, standard output, standard error.
/// The wait runs on a thread of its own, never on Swift's cooperative pool (two threads on a
/// 2-core machine), which every other test and the in-process servers share; standard error goes
/// through a file, so a chatty program can never block on a full pipe.
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
        try Data().write(to: errors)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errors)
        let exit = ProcessExit(process)
        try launch(process)
        let stdout = await TestClient.offPool { out.fileHandleForReading.readDataToEndOfFile() }
        return Result(
            status: await exit.status(), stdout: String(decoding: stdout, as: UTF8.self),
            stderr: try String(contentsOf: errors, encoding: .utf8))
    }

    private static let launching = Mutex(())

    /// Starts `process`, one launch at a time in this test process: Foundation's `Process.run()`
    /// on Linux was seen to crash (a bad pointer in its copy of the arguments) when several
    /// threads launched at once.
    public static func launch(_ process: Process) throws {
        try launching.withLock { _ in try process.run() }
    }

    /// Runs the built `chargereg` with `arguments` to its end.
    public static func chargereg(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        try await run(ServedRegistry.binary, arguments, environment: environment)
    }
}
