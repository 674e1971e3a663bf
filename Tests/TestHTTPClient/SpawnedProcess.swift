#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Synchronization

/// A child process started with `posix_spawn(3)` and reaped by a thread of its own, for the tests.
/// Foundation's `Process` is not used: on Linux its `waitUntilExit()` can miss a child's exit and
/// wait for ever, and its `run()` walks the parent's open descriptors to close them in the child,
/// which crashed when other tests opened and closed thousands of sockets at the same moment. Here
/// the child closes every descriptor above 2 itself (`closefrom` as a spawn action).
public final class SpawnedProcess: Sendable {
    public let processIdentifier: Int32
    private let state = Mutex<(status: Int32?, waiter: CheckedContinuation<Int32, Never>?)>((nil, nil))

    /// Starts `path` with `arguments` and `environment`, standard input from /dev/null and the
    /// given descriptors as standard output and error.
    public init(_ path: String, _ arguments: [String], environment: [String: String], stdout: Int32, stderr: Int32)
        throws
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        Self.closeFrom3(&actions)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0)=\($1)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard result == 0 else {
            throw ServeFailure(description: "cannot start \(path): \(String(cString: strerror(result)))")
        }
        processIdentifier = pid
        let child = pid
        Thread { [self] in
            var status: Int32 = 0
            while waitpid(child, &status, 0) == -1 && errno == EINTR {}
            // The exit status, or the signal that ended it (as Foundation's Process reports it).
            let code = status & 0x7F == 0 ? (status >> 8) & 0xFF : status & 0x7F
            let waiter = state.withLock { state in
                state.status = code
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: code)
        }.start()
    }

    public var isRunning: Bool { state.withLock { $0.status == nil } }

    public func terminate() { kill(processIdentifier, SIGTERM) }

    /// The exit status, once the child has exited.
    public func status() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = state.withLock { state in
                if state.status == nil { state.waiter = continuation }
                return state.status
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34), which the Glibc module does
    /// not export.
    private static let addCloseFrom:
        (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
            else { return nil }
            return unsafeBitCast(
                symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
        }()

    private static func closeFrom3(_ actions: inout posix_spawn_file_actions_t) {
        _ = addCloseFrom?(&actions, 3)
    }
}
