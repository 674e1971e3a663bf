import Foundation
import Hashing
import RegistryCore
import Testing

@testable import Storage

/// The store contract, on a fresh SQLite file per test (PostgreSQL joins with its backend).
@Suite struct StoreContractTests {
    static func makeStore(clock: RegistryClock = .system) async throws -> SQLiteStore {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).sqlite")
            .path
        let store = try SQLiteStore(path: path, clock: clock)
        _ = try await store.migrate()
        return store
    }

    static func incoming(id: String, power: Int = 22000, party: String = "ABC") -> IncomingLocation {
        var location = Location(countryCode: "CL", partyID: party, id: id)
        location.city = "Santiago"
        var evse = EVSE(uid: "\(id)-1")
        evse.evseID = "CL*\(party)*E\(id)1"
        evse.status = .known(.available)
        var connector = Connector(id: "1")
        connector.maxElectricPower = power
        connector.powerType = .known(.ac3Phase)
        evse.connectors = [connector]
        location.evses = [evse]
        let document = Array(#"{"id":"\#(id)","power":\#(power)}"#.utf8)
        return IncomingLocation(
            location: location, findings: [], document: document, contentHash: SHA256.hash(document))
    }

    @Test func migrationsAreRecordedAndIdempotent() async throws {
        let store = try await Self.makeStore()
        let again = try await store.migrate()
        #expect(!again.isEmpty && again.allSatisfy { !$0.appliedNow })
    }

    @Test func aChangedMigrationIsAnError() async throws {
        let store = try await Self.makeStore()
        let database = try SQLiteDatabase(path: store.path)
        try database.execute("UPDATE schema_migrations SET checksum = 'tampered'")
        await #expect(throws: StoreError.self) { _ = try await store.migrate() }
    }

    @Test func ingestingWithoutASchemaSaysToMigrate() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bare-\(UUID().uuidString).sqlite")
            .path
        let store = try SQLiteStore(path: path)
        await #expect(throws: StoreError.migration("the database has no schema yet; run 'chargereg migrate' first")) {
            _ = try await store.beginIngest(IngestRunStart(kind: .file, source: "x"))
        }
    }

    @Test func createsConfirmsAndVersionsLocations() async throws {
        let ticks = Ticks()
        let store = try await Self.makeStore(clock: RegistryClock { ticks.next() })
        let first = try await store.beginIngest(IngestRunStart(kind: .file, source: "a.json"))
        #expect(try await first.apply([Self.incoming(id: "L1"), Self.incoming(id: "L2")]) == [.created, .created])
        _ = try await first.finish(IngestRunSummary())
        let created = try #require(
            try await store.location(LocationKey(countryCode: "cl", partyID: "abc", locationID: "l1")))

        let second = try await store.beginIngest(IngestRunStart(kind: .file, source: "b.json"))
        #expect(
            try await second.apply([Self.incoming(id: "L1"), Self.incoming(id: "L2", power: 50000)]) == [
                .unchanged, .changed,
            ])
        _ = try await second.finish(IngestRunSummary())

        let unchanged = try #require(try await store.location(created.key))
        #expect(unchanged.changedAt == created.changedAt && unchanged.version == 1)
        #expect(unchanged.confirmedAt > created.confirmedAt)
        #expect(try await store.history(of: created.key).count == 1)
        let history = try await store.history(of: LocationKey(countryCode: "CL", partyID: "ABC", locationID: "L2"))
        #expect(history.map(\.version) == [1, 2])
        #expect(history.map(\.change) == [.created, .changed])
        let stats = try await store.stats()
        #expect(stats.locations == 2 && stats.evses == 2 && stats.connectors == 2)
        #expect(stats.byPowerClass.map(\.key).sorted() == ["AC 7.4-22 kW", "AC >22 kW"])
    }

    @Test func anAbandonedIngestLeavesNothingButItsRecord() async throws {
        let store = try await Self.makeStore()
        let session = try await store.beginIngest(IngestRunStart(kind: .file, source: "bad.json"))
        _ = try await session.apply([Self.incoming(id: "L1")])
        try await session.refuse([IngestRefusal(position: 2, byteOffset: 10, locationID: nil, reason: "no id")])
        let run = try await session.abandon(error: "truncated", IngestRunSummary())
        #expect(run.status == .failed && run.error == "truncated")
        #expect(try await store.stats().locations == 0)
        #expect(try await store.refusals(ofRun: run.id).map(\.reason) == ["no id"])
        #expect(try await store.ingestRuns(limit: 5).first?.status == .failed)
    }

    @Test func historyIsAppendOnly() async throws {
        let store = try await Self.makeStore()
        let session = try await store.beginIngest(IngestRunStart(kind: .file, source: "a.json"))
        _ = try await session.apply([Self.incoming(id: "L1")])
        _ = try await session.finish(IngestRunSummary())
        let database = try SQLiteDatabase(path: store.path)
        #expect(throws: StoreError.query("location_versions is append-only")) {
            try database.execute("DELETE FROM location_versions")
        }
    }

    @Test func streamsOnlyPublishedLocationsInStableOrder() async throws {
        let store = try await Self.makeStore()
        let session = try await store.beginIngest(IngestRunStart(kind: .file, source: "a.json"))
        var hidden = Self.incoming(id: "L0")
        hidden.location.publish = false
        _ = try await session.apply([Self.incoming(id: "L3"), hidden, Self.incoming(id: "L1", party: "XYZ")])
        _ = try await session.finish(IngestRunSummary())
        let seen = Seen()
        try await store.forEachLocation(LocationQuery()) { seen.add($0.key.description) }
        #expect(seen.all == ["CL/ABC/L3", "CL/XYZ/L1"])
    }
}

/// A clock that advances one second per reading.
final class Ticks: Sendable {
    private let counter = Mutex(Int64(1_700_000_000))
    func next() -> Timestamp {
        counter.withLock {
            $0 += 1; return Timestamp(seconds: $0)
        }
    }
}

final class Seen: Sendable {
    private let items = Mutex([String]())
    func add(_ item: String) { items.withLock { $0.append(item) } }
    var all: [String] { items.withLock { $0 } }
}

import Synchronization

@Suite struct HistoryTests {
    @Test func everyVersionKeepsItsDocument() async throws {
        let store = try await StoreContractTests.makeStore()
        for power in [11000, 22000, 50000] {
            let session = try await store.beginIngest(IngestRunStart(kind: .file, source: "p\(power).json"))
            _ = try await session.apply([StoreContractTests.incoming(id: "L1", power: power)])
            _ = try await session.finish(IngestRunSummary())
        }
        let history = try await store.history(of: LocationKey(countryCode: "CL", partyID: "ABC", locationID: "L1"))
        #expect(
            history.map { String(decoding: $0.document, as: UTF8.self) } == [
                #"{"id":"L1","power":11000}"#, #"{"id":"L1","power":22000}"#, #"{"id":"L1","power":50000}"#,
            ])
        #expect(history.map(\.runID) == [1, 2, 3])
    }
}
