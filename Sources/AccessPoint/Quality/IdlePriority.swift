#if canImport(Glibc)
    import Glibc
#endif
import Foundation

/// Background computation that must never slow a request: it runs on threads of its own under
/// Linux's `SCHED_IDLE` policy (sched(7)), which get a core only when no ordinary thread wants
/// it, so a request's threads preempt a quality scan's at once instead of sharing the cores with
/// them. New threads, never pooled ones, so that the policy cannot leak to other work.
enum IdlePriority {
    /// Starts `body` on a new idle-priority thread.
    static func detach(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            lowerCurrentThread()
            body()
        }
        thread.name = "chargereg.idle"
        thread.start()
    }

    /// Runs `body` on a new idle-priority thread and returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            detach { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Puts the calling thread under `SCHED_IDLE` (where the system has it; elsewhere it stays
    /// as it was).
    static func lowerCurrentThread() {
        #if os(Linux)
            // SCHED_IDLE is 5 in Linux's uapi <linux/sched.h>; glibc declares it only under _GNU_SOURCE.
            let schedIdle: Int32 = 5
            var parameters = sched_param()
            parameters.sched_priority = 0
            _ = sched_setscheduler(0, schedIdle, &parameters)
        #endif
    }
}
