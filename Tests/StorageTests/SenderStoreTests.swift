import RegistryCore
import Synchronization
import TestDatabases
import TestFixtures
import Testing

@testable import Storage

/// The OCPI Sender's reads and full-delivery removals on both backends (issue #6): windows are
/// half-open on the registry's change time, keyset pages and offset pages agree, deltas carry
/// removals, and a removal is a new version, never a deletion.
@Suite struct SenderStoreTests {
    /// A clock the test moves by hand, one second per tick.
    final class ManualClock: Sendable {
        let seconds = Mutex<Int64>(1_800_000_000)
        var clock: RegistryClock { RegistryClock { Timestamp(seconds: self.seconds.withLock { $0 }) } }
        func tick() { seconds.withLock { $0 += 1 } }
        var now: Timestamp { Timestamp(seconds: seconds.withLock { $0 }) }
    }

    static func crawl(_ store: any Store, _ window: SenderWindow, limit: Int, byOffset: Bool = false) async throws
        -> [String]
    {
        var ids: [String] = []
        var cursor: SenderCursor?
        var offset = 0
        while true {
            let page = try await store.senderPage(
                window, after: byOffset ? nil : cursor, offset: offset, limit: limit)
            ids += page.items.map { $0.key.locationID + ($0.removed ? " removed" : "") }
            guard let next = page.next else { break }
            cursor = next
            offset += page.items.count
        }
        return ids
    }

    @Test(arguments: TestBackend.available)
    func windowsPagesAndRemovals(_ backend: TestBackend) async throws {
        let clock = ManualClock()
        try await backend.withStore(clock: clock.clock) { store, _ in
            // L1…L5 at t0, L6…L7 at t1; L8 is not published.
            let t0 = clock.now
            _ = try await StoreContractTests.ingest(
                (1...5).map { StoreContractTests.incoming(id: "L\($0)") }, into: store)
            clock.tick()
            let t1 = clock.now
            var hidden = StoreContractTests.incoming(id: "L8")
            hidden.location.publish = false
            _ = try await StoreContractTests.ingest(
                [StoreContractTests.incoming(id: "L6"), StoreContractTests.incoming(id: "L7"), hidden], into: store)
            let all = ["L1", "L2", "L3", "L4", "L5", "L6", "L7"]
            for limit in [1, 2, 3, 100] {
                #expect(try await Self.crawl(store, SenderWindow(), limit: limit) == all, "limit \(limit)")
                #expect(try await Self.crawl(store, SenderWindow(), limit: limit, byOffset: true) == all)
            }
            let first = try await store.senderPage(SenderWindow(), after: nil, offset: 0, limit: 3)
            #expect(first.total == 7 && first.items.count == 3 && first.next != nil)
            #expect(try await store.senderPage(SenderWindow(), after: nil, offset: 5, limit: 3).next == nil)
            // [from, to): the boundary belongs to the next window.
            #expect(
                try await Self.crawl(store, SenderWindow(from: t0, to: t1), limit: 2) == ["L1", "L2", "L3", "L4", "L5"])
            #expect(try await Self.crawl(store, SenderWindow(from: t1), limit: 2) == ["L6", "L7"])
            #expect(
                try await store.senderPage(SenderWindow(from: t0, to: t1), after: nil, offset: 0, limit: 9).total == 5)

            // A change and a removal at t2: the delta holds exactly those two.
            clock.tick()
            let t2 = clock.now
            let session = try await store.beginIngest(IngestRunStart(kind: .file, source: "full.json"))
            _ = try await session.apply([StoreContractTests.incoming(id: "L2", power: 50000)])
            let party = try PartyCode(parsing: "CL*ABC")
            #expect(try await session.currentKeys(of: party).count == 8)
            #expect(
                try await session.remove([
                    LocationKey(countryCode: "CL", partyID: "ABC", locationID: "l4"),
                    LocationKey(countryCode: "CL", partyID: "ABC", locationID: "NOPE"),
                ]) == 1)
            _ = try await session.finish(IngestRunSummary())
            #expect(try await Self.crawl(store, SenderWindow(from: t2), limit: 1) == ["L2", "L4 removed"])
            #expect(try await Self.crawl(store, SenderWindow(), limit: 2) == ["L1", "L3", "L5", "L6", "L7", "L2"])
            #expect(
                try await Self.crawl(store, SenderWindow(from: t0, to: t2), limit: 50) == [
                    "L1", "L3", "L5", "L6", "L7",
                ])

            // Removed is a version, not a deletion; the object lookup no longer finds it.
            let key = LocationKey(countryCode: "CL", partyID: "ABC", locationID: "L4")
            let history = try await store.history(of: key)
            #expect(history.map(\.change) == [.created, .removed])
            #expect(try await store.location(key)?.removed == true)
            #expect(try await store.publishedLocations(withID: "l4").isEmpty)
            #expect(try await store.publishedLocations(withID: "l5").map(\.key.locationID) == ["L5"])
            #expect(try await store.publishedLocations(withID: "L8").isEmpty)
            let state = try await store.publishedState()
            #expect(state.count == 7 && state.lastChange == t2)
            // A removed location delivered again is restored.
            clock.tick()
            _ = try await StoreContractTests.ingest([StoreContractTests.incoming(id: "L4")], into: store)
            #expect(try await store.history(of: key).map(\.change) == [.created, .removed, .restored])
        }
    }

    /// The registry's times are kept to the millisecond (issue #21; OCPI DateTimes are written so):
    /// records changed within one millisecond share its change time, which a window's edges at
    /// the millisecond take or leave together.
    @Test(arguments: TestBackend.available)
    func changesWithinOneMillisecondShareItsWindow(_ backend: TestBackend) async throws {
        let readings = Mutex<Int64>(0)
        let t0 = Timestamp(seconds: 1_800_000_000, nanoseconds: 7_000_000)
        // Each reading 30 µs after the last, from 100 µs past t0: thirty within t0's millisecond,
        // more than three ingests take.
        let clock = RegistryClock {
            let reading = readings.withLock { value in
                defer { value += 1 }
                return value
            }
            return Timestamp(microseconds: t0.microseconds + 100 + 30 * reading)
        }
        try await backend.withStore(clock: clock) { store, _ in
            readings.withLock { $0 = 0 }
            for id in ["L1", "L2", "L3"] {
                _ = try await StoreContractTests.ingest([StoreContractTests.incoming(id: id)], into: store)
            }
            let changed = try await ["L1", "L2", "L3"].asyncMap { id in
                try await store.location(LocationKey(countryCode: "CL", partyID: "ABC", locationID: id))?.changedAt
            }
            #expect(changed.allSatisfy { $0 == t0 }, "\(changed)")
            let next = Timestamp(microseconds: t0.microseconds + 1000)
            #expect(try await Self.crawl(store, SenderWindow(from: t0, to: next), limit: 2) == ["L1", "L2", "L3"])
            #expect(try await Self.crawl(store, SenderWindow(to: t0), limit: 2).isEmpty)
            #expect(try await Self.crawl(store, SenderWindow(from: next), limit: 2).isEmpty)
        }
    }

    @Test func cursorsThisSenderDidNotIssueAreRejected() {
        #expect(SenderCursor(text: "1800000000000000-42") == SenderCursor(changedAt: 1_800_000_000_000_000, rowID: 42))
        for text in ["", "42", "a-1", "1-0", "1-2-3", "1--2"] { #expect(SenderCursor(text: text) == nil, "\(text)") }
    }
}
