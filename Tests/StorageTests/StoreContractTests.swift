import Foundation
import Hashing
import RegistryCore
import Synchronization
import TestDatabases
import Testing

@testable import Storage

/// The store contract: every test runs on SQLite (a fresh file) and on PostgreSQL (a fresh
/// schema), so that no feature is ever written for one backend alone.
@Suite struct StoreContractTests {
    static func incoming(id: String, power: Int = 22000, party: String = "ABC", name: String? = nil)
        -> IncomingLocation
    {
        var location = Location(countryCode: "CL", partyID: party, id: id)
        location.city = "Santiago"
        location.name = name
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

    static func ingest(_ batch: [IncomingLocation], into store: any Store, source: String = "a.json") async throws
        -> [IngestOutcome]
    {
        let session = try await store.beginIngest(IngestRunStart(kind: .file, source: source))
        let outcomes = try await session.apply(batch)
        _ = try await session.finish(IngestRunSummary())
        return outcomes
    }

    @Test(arguments: TestBackend.available)
    func migrationsAreRecordedAndIdempotent(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let again = try await store.migrate()
            #expect(!again.isEmpty && again.allSatisfy { !$0.appliedNow })
        }
    }

    @Test(arguments: TestBackend.available)
    func aChangedMigrationIsAnError(_ backend: TestBackend) async throws {
        try await backend.withStore { store, database in
            try database.execute("UPDATE schema_migrations SET checksum = 'tampered'")
            await #expect(throws: StoreError.self) { _ = try await store.migrate() }
        }
    }

    @Test(arguments: TestBackend.available)
    func aDatabaseNewerThanTheProgramIsRefused(_ backend: TestBackend) async throws {
        try await backend.withStore { store, database in
            try database.execute(
                "INSERT INTO schema_migrations (name, checksum, applied_at) VALUES ('9999_future.sql', 'x', 0)")
            await #expect(
                throws: StoreError.migration(
                    "the database has migration 9999_future.sql, which this program does not know; it is newer than the program"
                )
            ) { _ = try await store.migrate() }
        }
    }

    @Test(arguments: TestBackend.available)
    func instancesMigratingTogetherApplyEachMigrationOnce(_ backend: TestBackend) async throws {
        try await backend.withStore(migrate: false) { store, database in
            let other = try database.open()
            async let first = store.migrate()
            async let second = other.migrate()
            let statuses = try await first + second
            await other.close()
            let names = Set(statuses.map(\.name))
            for name in names {
                #expect(statuses.filter { $0.name == name && $0.appliedNow }.count == 1, "\(name)")
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func ingestingWithoutASchemaSaysToMigrate(_ backend: TestBackend) async throws {
        try await backend.withStore(migrate: false) { store, _ in
            await #expect(
                throws: StoreError.migration("the database has no schema yet; run 'chargereg migrate' first")
            ) {
                _ = try await store.beginIngest(IngestRunStart(kind: .file, source: "x"))
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func createsConfirmsAndVersionsLocations(_ backend: TestBackend) async throws {
        let ticks = Ticks()
        try await backend.withStore(clock: RegistryClock { ticks.next() }) { store, _ in
            #expect(
                try await Self.ingest([Self.incoming(id: "L1"), Self.incoming(id: "L2")], into: store) == [
                    .created, .created,
                ])
            let created = try #require(
                try await store.location(LocationKey(countryCode: "cl", partyID: "abc", locationID: "l1")))

            let outcomes = try await Self.ingest(
                [Self.incoming(id: "L1"), Self.incoming(id: "L2", power: 50000)], into: store, source: "b.json")
            #expect(outcomes == [.unchanged, .changed])

            let unchanged = try #require(try await store.location(created.key))
            #expect(unchanged.changedAt == created.changedAt && unchanged.version == 1)
            #expect(unchanged.confirmedAt > created.confirmedAt)
            #expect(unchanged.source == "b.json" || unchanged.source == "a.json")
            #expect(try await store.history(of: created.key).count == 1)
            let history = try await store.history(of: LocationKey(countryCode: "CL", partyID: "ABC", locationID: "L2"))
            #expect(history.map(\.version) == [1, 2])
            #expect(history.map(\.change) == [.created, .changed])
            let stats = try await store.stats(publishedOnly: false)
            #expect(stats.locations == 2 && stats.evses == 2 && stats.connectors == 2)
            #expect(stats.byPowerClass.map(\.key).sorted() == ["AC 7.4-22 kW", "AC >22 kW"])
            #expect(stats.byOperator == [RegistryStats.Count(key: "CL*ABC", locations: 2, evses: 2)])
            #expect(stats.ingestRuns == 2)
        }
    }

    /// Reads before an ingest must not pin an old snapshot: the next reads see what it committed.
    /// Regression (the long fuzz run, seed 1796656435): an id that PostgreSQL stores otherwise
    /// than it was sent (a NUL becomes U+FFFD) was not found again when sent again, and the
    /// ingest trapped on a missing row id. The decoders now refuse such ids; the store must not
    /// trap on them either.
    @Test(arguments: TestBackend.available)
    func anIdStoredOtherwiseThanSentIsFoundAgain(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            var incoming = Self.incoming(id: "A\u{0}B")
            incoming.document = Array(#"{"id":"A\u0000B"}"#.utf8)
            incoming.contentHash = SHA256.hash(incoming.document)
            let batch = [incoming]
            let first = try await Self.ingest(batch, into: store)
            let second = try await Self.ingest(batch, into: store)
            #expect(first == [.created] && second == [.unchanged])
        }
    }

    @Test(arguments: TestBackend.available)
    func readsAfterAnIngestSeeItsLocations(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            #expect(try await store.stats(publishedOnly: false).locations == 0)
            #expect(try await store.location(LocationKey(countryCode: "CL", partyID: "ABC", locationID: "L1")) == nil)
            _ = try await Self.ingest([Self.incoming(id: "L1")], into: store)
            #expect(try await store.stats(publishedOnly: false).locations == 1)
            #expect(try await store.listLocations(LocationFilter(), cursor: nil, limit: 5).total == 1)
            #expect(try await store.ingestRuns(limit: 5).count == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func aLocationSentTwiceInOneBatchIsCreatedThenChanged(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let outcomes = try await Self.ingest(
                [Self.incoming(id: "L1"), Self.incoming(id: "L2"), Self.incoming(id: "l1", power: 50000)], into: store)
            #expect(outcomes == [.created, .created, .changed])
            let key = LocationKey(countryCode: "CL", partyID: "ABC", locationID: "L1")
            #expect(try await store.history(of: key).map(\.change) == [.created, .changed])
            #expect(try await store.stats(publishedOnly: false).connectors == 2)
        }
    }

    @Test(arguments: TestBackend.available)
    func findsTheLocationsHoldingAnEVSEID(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            var reused = Self.incoming(id: "L9", party: "XYZ")
            reused.location.evses[0].evseID = "CL*ABC*EL11"
            _ = try await Self.ingest([Self.incoming(id: "L1"), Self.incoming(id: "L2"), reused], into: store)
            let holders = try await store.locations(withEVSE: "CLABCEL11")
            #expect(holders.map(\.key.description) == ["CL/ABC/L1", "CL/XYZ/L9"])
            #expect(try await store.locations(withEVSE: "CLABCENONE").isEmpty)
        }
    }

    /// Five locations around Santiago and one in Valparaíso, with different connectors and states.
    static func mapped() -> [IncomingLocation] {
        let places: [(String, String, String, Int, String)] = [
            ("A", "-33.4489", "-70.6693", 22000, "ABC"), ("B", "-33.4500", "-70.6700", 50000, "ABC"),
            ("C", "-33.4372", "-70.6506", 150000, "XYZ"), ("D", "-33.4600", "-70.6000", 11000, "ABC"),
            ("E", "-33.0472", "-71.6127", 22000, "ABC"), ("F", "-33.4490", "-70.6690", 7400, "ABC"),
        ]
        return places.map { id, latitude, longitude, power, party in
            var record = incoming(id: id, power: power, party: party)
            record.location.coordinates = GeoLocation(latitude: latitude, longitude: longitude)
            record.location.country = "CHL"
            if power >= 50000 { record.location.evses[0].connectors[0].powerType = .known(.dc) }
            if id == "F" { record.location.publish = false }
            return record
        }
    }

    @Test(arguments: TestBackend.available)
    func listsWithFiltersAndKeysetPages(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            _ = try await Self.ingest(Self.mapped(), into: store)
            func ids(_ filter: LocationFilter, limit: Int = 10) async throws -> [String] {
                try await store.listLocations(filter, cursor: nil, limit: limit).items.map(\.location.key.locationID)
            }
            #expect(try await ids(LocationFilter()) == ["A", "B", "D", "E", "C"])
            var filter = LocationFilter()
            filter.party = try PartyCode(parsing: "CL*ABC")
            filter.powerType = "DC"
            #expect(try await ids(filter) == ["B"])
            filter = LocationFilter()
            filter.minimumPowerWatts = 22000
            filter.city = "santiago"
            #expect(try await ids(filter) == ["A", "B", "E", "C"])
            filter = LocationFilter()
            filter.boundingBox = BoundingBox(
                minLongitude: -70.7, minLatitude: -33.46, maxLongitude: -70.65, maxLatitude: -33.44)
            #expect(try await ids(filter) == ["A", "B"])
            filter = LocationFilter()
            filter.status = "AVAILABLE"
            filter.country = "CHL"
            let first = try await store.listLocations(filter, cursor: nil, limit: 2)
            #expect(first.total == 5 && first.items.map(\.location.key.locationID) == ["A", "B"])
            let second = try await store.listLocations(filter, cursor: first.next, limit: 2)
            #expect(second.items.map(\.location.key.locationID) == ["D", "E"])
            let third = try await store.listLocations(filter, cursor: second.next, limit: 2)
            #expect(third.items.map(\.location.key.locationID) == ["C"] && third.next == nil)
            filter.status = "CHARGING"
            #expect(try await store.listLocations(filter, cursor: nil, limit: 2).total == 0)
        }
    }

    @Test(arguments: TestBackend.available)
    func listsNearestFirstWithinARadius(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            _ = try await Self.ingest(Self.mapped(), into: store)
            var filter = LocationFilter()
            filter.near = Circle(latitude: -33.4489, longitude: -70.6693, radiusMeters: 3000)
            let page = try await store.listLocations(filter, cursor: nil, limit: 2)
            #expect(page.total == 3)
            #expect(page.items.map(\.location.key.locationID) == ["A", "B"])
            #expect(page.items[0].distanceMeters! < 1 && (100...200).contains(page.items[1].distanceMeters!))
            let rest = try await store.listLocations(filter, cursor: page.next, limit: 2)
            #expect(rest.items.map(\.location.key.locationID) == ["C"] && rest.next == nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func anAbandonedIngestLeavesNothingButItsRecord(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let session = try await store.beginIngest(IngestRunStart(kind: .file, source: "bad.json"))
            _ = try await session.apply([Self.incoming(id: "L1")])
            try await session.refuse([IngestRefusal(position: 2, byteOffset: 10, locationID: nil, reason: "no id")])
            let run = try await session.abandon(error: "truncated", IngestRunSummary())
            #expect(run.status == .failed && run.error == "truncated")
            #expect(try await store.stats(publishedOnly: false).locations == 0)
            #expect(try await store.refusals(ofRun: run.id).map(\.reason) == ["no id"])
            #expect(try await store.ingestRuns(limit: 5).first?.status == .failed)
        }
    }

    @Test(arguments: TestBackend.available)
    func historyIsAppendOnly(_ backend: TestBackend) async throws {
        try await backend.withStore { store, database in
            _ = try await Self.ingest([Self.incoming(id: "L1")], into: store)
            #expect(throws: StoreError.query("location_versions is append-only")) {
                try database.execute("DELETE FROM location_versions")
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func everyVersionKeepsItsDocument(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            for power in [11000, 22000, 50000] {
                _ = try await Self.ingest(
                    [Self.incoming(id: "L1", power: power)], into: store, source: "p\(power).json")
            }
            let history = try await store.history(of: LocationKey(countryCode: "CL", partyID: "ABC", locationID: "L1"))
            #expect(
                history.map { String(decoding: $0.document, as: UTF8.self) } == [
                    #"{"id":"L1","power":11000}"#, #"{"id":"L1","power":22000}"#, #"{"id":"L1","power":50000}"#,
                ])
            #expect(history.map(\.runID) == [1, 2, 3])
        }
    }

    @Test(arguments: TestBackend.available)
    func streamsOnlyPublishedLocationsInStableOrder(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            var hidden = Self.incoming(id: "L0")
            hidden.location.publish = false
            _ = try await Self.ingest(
                [Self.incoming(id: "L3"), hidden, Self.incoming(id: "L1", party: "XYZ"), Self.incoming(id: "a2")],
                into: store)
            let seen = Seen()
            try await store.forEachLocation(LocationQuery()) { seen.add($0.key.description) }
            #expect(seen.all == ["CL/ABC/A2", "CL/ABC/L3", "CL/XYZ/L1"])
            let all = Seen()
            try await store.forEachLocation(
                LocationQuery(publishedOnly: false, party: try PartyCode(parsing: "CL*ABC"))
            ) {
                all.add($0.key.description)
            }
            #expect(all.all == ["CL/ABC/A2", "CL/ABC/L0", "CL/ABC/L3"])
        }
    }

    @Test(arguments: TestBackend.available)
    func streamsMoreLocationsThanOnePage(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let count = 2_345
            let batch = (0..<count).map { Self.incoming(id: String(format: "L%05d", $0)) }
            #expect(try await Self.ingest(batch, into: store).allSatisfy { $0 == .created })
            let seen = Seen()
            try await store.forEachLocation(LocationQuery()) { seen.add($0.key.locationID) }
            #expect(seen.all == batch.map(\.location.id))
        }
    }

    @Test(arguments: TestBackend.available)
    func textWithEscapesAndControlCharactersRoundTrips(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            var record = Self.incoming(id: "L\\1\t", name: "Tab\there, back\\slash, new\nline, CR\r, ñandú ⚡ 🚗")
            record.document = Array(#"{"id":"L\\1\t","name":"Tab\there, back\\slash, \u0000 ⚡ 🚗"}"#.utf8)
            record.contentHash = SHA256.hash(record.document)
            record.findings = [Finding(.duplicateField, "name\t", "quote \" and \\ and \n")]
            #expect(try await Self.ingest([record], into: store) == [.created])
            let stored = try #require(try await store.location(record.location.key))
            #expect(stored.document == record.document)
            #expect(stored.key.locationID == "L\\1\t")
            #expect(String(decoding: stored.findings, as: UTF8.self).contains(#"quote \" and \\ and \n"#))
            #expect(try await Self.ingest([record], into: store) == [.unchanged])
        }
    }

    @Test(arguments: TestBackend.available)
    func onlyOneInstanceRunsAnExclusiveTask(_ backend: TestBackend) async throws {
        try await backend.withStore { store, database in
            let other = try database.open()
            let inside = AsyncStream<Void>.makeStream()
            let release = AsyncStream<Void>.makeStream()
            async let held: Int? = store.exclusively("scheduler") {
                inside.continuation.yield()
                for await _ in release.stream { break }
                return 1
            }
            for await _ in inside.stream { break }
            #expect(try await other.exclusively("scheduler") { 2 } == nil)
            #expect(try await other.exclusively("another-task") { 3 } == 3)
            release.continuation.yield()
            #expect(try await held == 1)
            #expect(try await other.exclusively("scheduler") { 4 } == 4)
            await #expect(throws: StoreError.self) { _ = try await other.exclusively("../escape") { 5 } }
            await other.close()
        }
    }

    /// Requests read on connections of their own: with every write connection held by an ingest
    /// run (SQLite has one writer, PostgreSQL's work pool four) and an exclusive task under way,
    /// a location, a list page, an EVSE and the register still answer.
    @Test(arguments: TestBackend.available)
    func requestsAreAnsweredWhileEveryWriteConnectionIsHeld(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            _ = try await Self.ingest([Self.incoming(id: "A")], into: store)
            var sessions: [any IngestSession] = []
            for index in 0..<(backend == .sqlite ? 1 : 4) {
                sessions.append(try await store.beginIngest(IngestRunStart(kind: .push, source: "held \(index)")))
            }
            let inside = AsyncStream<Void>.makeStream()
            let release = AsyncStream<Void>.makeStream()
            let task = Task {
                try await store.exclusively("quality-scan") {
                    inside.continuation.yield()
                    for await _ in release.stream { break }
                }
            }
            for await _ in inside.stream { break }
            let answered = Atomic<Bool>(false)
            let reads = Task {
                let key = LocationKey(countryCode: "CL", partyID: "ABC", locationID: "A")
                #expect(try await store.location(key) != nil)
                #expect(try await store.listLocations(LocationFilter(), cursor: nil, limit: 5).items.count == 1)
                #expect(try await store.locations(withEVSE: EVSEID.lookupKey("CL*ABC*EA1")).count == 1)
                _ = try await store.register.snapshot()
                answered.store(true, ordering: .relaxed)
            }
            for _ in 0..<600 where !answered.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(100)) }
            let answeredWhileHeld = answered.load(ordering: .relaxed)
            release.continuation.yield()
            _ = try await task.value
            for session in sessions { _ = try await session.abandon(error: "test", IngestRunSummary()) }
            try await reads.value
            #expect(answeredWhileHeld)
        }
    }
}

/// A clock that advances one second per reading.
final class Ticks: Sendable {
    private let counter = Mutex(Int64(1_700_000_000))
    func next() -> Timestamp {
        counter.withLock {
            $0 += 1
            return Timestamp(seconds: $0)
        }
    }
}

final class Seen: Sendable {
    private let items = Mutex([String]())
    func add(_ item: String) { items.withLock { $0.append(item) } }
    var all: [String] { items.withLock { $0 } }
}
