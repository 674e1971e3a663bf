#if canImport(Glibc)
    import Glibc
#endif
import Foundation

/// Background computation that must not slow a request: it runs on threads of their own at the
/// lowest priority, nice 19 (setpriority(2); on Linux a thread's own), so that the scheduler
/// lets a waking request thread run at once and gives the background threads only what the
/// requests leave (a nice-19 thread weighs 15 against a request thread's 1024, sched(7)). Not
/// `SCHED_IDLE`: under a load that never lets go of the cores, a scan must still finish. New
/// threads, never pooled ones, so that the priority cannot leak to other work.
enum BackgroundThread {
    /// Starts `body` on a new lowest-priority thread.
    static func detach(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            lowerCurrentThread()
            body()
        }
        thread.name = "chargereg.background"
        thread.start()
    }

    /// Runs `body` on a new lowest-priority thread and returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            detach { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Gives the calling thread the lowest priority (on Linux; elsewhere it stays as it was).
    static func lowerCurrentThread() {
        #if os(Linux)
            // On Linux the nice value is the thread's, and `who` 0 names the calling thread.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        #endif
    }
}
