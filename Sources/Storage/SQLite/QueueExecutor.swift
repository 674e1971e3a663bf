import Dispatch

/// A serial executor on its own dispatch queue, so that blocking C calls (sqlite3_step, PQexec)
/// never run on Swift's cooperative thread pool (swift-notes.md §5: with 2 cores, one blocking
/// call there stalls half of all async work).
final class QueueExecutor: SerialExecutor {
    private let queue: DispatchQueue

    init(label: String) { queue = DispatchQueue(label: label) }

    func enqueue(_ job: UnownedJob) {
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }
}
