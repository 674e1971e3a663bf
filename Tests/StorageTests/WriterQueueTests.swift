import Foundation
import TestFixtures
import Testing

@testable import Storage

/// The SQLite writer's turns: in arrival order, the connection kept after a clean session, a
/// session that waits longer than its patience told so instead of hanging, and a queue that
/// keeps moving served whole however long it is.
@Suite(.ownThread) struct WriterQueueTests {
    @Test func turnsComeInOrderAndAnImpatientWaiterIsToldBusy() async throws {
        let path = Fixtures.temporaryDirectory().appendingPathComponent("writer.sqlite").path
        let impatient = WriterQueue(patience: .milliseconds(200)) { try SQLiteConnection(path: path, label: "test") }
        let held = try await impatient.acquire()
        await #expect(throws: StoreError.self) { _ = try await impatient.acquire() }
        await impatient.release(held)
        let queue = WriterQueue(patience: .seconds(60)) { try SQLiteConnection(path: path, label: "test") }
        let first = try await queue.acquire()
        let second = Task { try await queue.acquire() }
        await queue.release(first)
        let handed = try await second.value
        #expect(handed === first)
        await queue.release(nil)
        let fresh = try await queue.acquire()
        #expect(fresh !== first)
        await queue.release(fresh)
    }

    @Test func aQueueThatKeepsMovingIsServedWhole() async throws {
        let path = Fixtures.temporaryDirectory().appendingPathComponent("writer.sqlite").path
        let queue = WriterQueue(patience: .seconds(3)) { try SQLiteConnection(path: path, label: "test") }
        // Ten sessions of half a second: the last waits 4.5 s, more than its patience, but the
        // writer changes hands every half second.
        let turns = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<10 {
                group.addTask {
                    let connection = try await queue.acquire()
                    try await Task.sleep(for: .milliseconds(500))
                    await queue.release(connection)
                    return index
                }
            }
            return try await group.reduce(into: 0) { count, _ in count += 1 }
        }
        #expect(turns == 10)
    }
}
