import Foundation
import TestFixtures
import Testing

@testable import Storage

/// The SQLite writer's turns: in arrival order, the connection kept after a clean session, and a
/// session that waits longer than its patience told so instead of hanging.
@Suite struct WriterQueueTests {
    @Test func turnsComeInOrderAndAnImpatientWaiterIsToldBusy() async throws {
        let path = Fixtures.temporaryDirectory().appendingPathComponent("writer.sqlite").path
        let queue = WriterQueue(patience: .milliseconds(200)) { try SQLiteConnection(path: path, label: "test") }
        let first = try await queue.acquire()
        await #expect(throws: StoreError.self) { _ = try await queue.acquire() }
        let second = Task { try await queue.acquire() }
        try await Task.sleep(for: .milliseconds(20))
        await queue.release(first)
        let handed = try await second.value
        #expect(handed === first)
        await queue.release(nil)
        let fresh = try await queue.acquire()
        #expect(fresh !== first)
        await queue.release(fresh)
    }
}
