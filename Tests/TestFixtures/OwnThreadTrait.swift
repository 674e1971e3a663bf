import Dispatch
import Testing

/// Runs each test of a suite on a thread of its own rather than on Swift's cooperative pool, which
/// has as many threads as cores (two here) and is shared by every test running at once and by the
/// in-process servers and stores they drive. A test that computes for seconds without awaiting
/// (parsing and scoring whole feeds, fuzzing) holds a pool thread all that time; two of them
/// starve everything else, and timeouts elsewhere fire. On a thread of its own it is time-sliced
/// by the kernel like any other thread instead.
public struct OwnThreadTrait: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard testCase != nil else { return try await function() }
        try await withTaskExecutorPreference(QueueTaskExecutor()) { try await function() }
    }
}

extension Trait where Self == OwnThreadTrait {
    /// Each test on a thread of its own, off the cooperative pool.
    public static var ownThread: Self { Self() }
}

/// A task executor on a serial dispatch queue, whose thread is not one of the cooperative pool's.
final class QueueTaskExecutor: TaskExecutor {
    private let queue = DispatchQueue(label: "test.own-thread")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
