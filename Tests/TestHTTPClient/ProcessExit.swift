import Foundation
import Synchronization

/// A child process's exit, awaited without `Process.waitUntilExit()`, which spins a run loop and
/// on Linux can miss the child's termination under load and wait for ever. The status comes from
/// `terminationHandler`, set before `run()` so that even a child that exits at once is seen.
public final class ProcessExit: Sendable {
    private let state = Mutex<(status: Int32?, waiter: CheckedContinuation<Int32, Never>?)>((nil, nil))

    /// Watches `process`, which must not have been started yet.
    public init(_ process: Process) {
        process.terminationHandler = { [self] finished in
            let status = finished.terminationStatus
            let waiter = state.withLock { state in
                state.status = status
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: status)
        }
    }

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
}
