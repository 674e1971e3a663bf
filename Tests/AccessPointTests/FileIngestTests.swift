import Foundation
import JSON
import OCPI
import RegistryCore
import Storage
import TestDatabases
import TestFixtures
import Testing

@testable import AccessPoint

/// Issue #2's acceptance on the ingest pipeline: the nine feeds, no-op re-ingest, one changed
/// connector, the garbled file, and the round trip through export.
@Suite(.enabled(if: Fixtures.available, Comment(rawValue: Fixtures.missingMessage)))
struct FileIngestTests {
    static func ingestFeeds(into store: any Store) async throws -> [FileIngest.Report] {
        var reports: [FileIngest.Report] = []
        for feed in Fixtures.feeds() {
            reports.append(
                try await FileIngest(store: store).ingest(
                    path: feed.url.path, party: try feed.party.map { try PartyCode(parsing: $0) }, version: nil))
        }
        return reports
    }

    /// Every stored document with its change time, to compare database states.
    static func snapshot(_ store: any Store) async throws -> [String: String] {
        let rows = Rows()
        try await store.forEachLocation(LocationQuery(publishedOnly: false, includeRemoved: true)) { stored in
            rows.add(
                stored.key.description,
                "\(stored.changedAt) v\(stored.version) " + String(decoding: stored.document, as: UTF8.self))
        }
        return rows.all
    }

    @Test(arguments: TestBackend.available)
    func storesAllLocationsOfTheNineFeeds(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let reports = try await Self.ingestFeeds(into: store)
            #expect(reports.map(\.run.summary.refused).reduce(0, +) == 0)
            #expect(reports.map(\.run.summary.created).reduce(0, +) == 1660)
            let stats = try await store.stats(publishedOnly: false)
            #expect(stats.locations == 1660)
            #expect(stats.byOperator.map(\.locations).reduce(0, +) == 1660)
            #expect(stats.evses == 3415)
        }
    }

    @Test(arguments: TestBackend.available)
    func reIngestingChangesNothing(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            _ = try await Self.ingestFeeds(into: store)
            let before = try await Self.snapshot(store)
            let reports = try await Self.ingestFeeds(into: store)
            #expect(reports.map(\.run.summary.unchanged).reduce(0, +) == 1660)
            #expect(reports.map { $0.run.summary.created + $0.run.summary.changed }.reduce(0, +) == 0)
            #expect(try await Self.snapshot(store) == before)
        }
    }

    @Test(arguments: TestBackend.available)
    func changingOneConnectorsPowerMakesExactlyOneVersion(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let source = Fixtures.url("ocpi-feeds/ocpi_2_2_1_locations-punkt.json")
            _ = try await FileIngest(store: store).ingest(path: source.path, party: nil, version: nil)
            var text = try String(contentsOf: source, encoding: .utf8)
            let range = try #require(text.range(of: #""max_electric_power": 50000"#))
            text.replaceSubrange(range, with: #""max_electric_power": 60000"#)
            let copy = Fixtures.temporaryDirectory().appendingPathComponent("punkt-changed.json")
            try text.write(to: copy, atomically: true, encoding: .utf8)
            let report = try await FileIngest(store: store).ingest(path: copy.path, party: nil, version: nil)
            #expect(report.run.summary.changed == 1 && report.run.summary.unchanged == 488)
            let changed = try #require(try await store.ingestRuns(limit: 1).first)
            #expect(changed.summary.changed == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func aGarbledFileLeavesTheDatabaseAsItWas(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            _ = try await Self.ingestFeeds(into: store)
            let before = try await Self.snapshot(store)
            // The otopriz feed with one connector changed (so partial storage would show) and cut short.
            var bytes = try Data(contentsOf: Fixtures.url("ocpi-feeds/ocpi_2_2_locations-otopriz.json"))
            let text = String(decoding: bytes, as: UTF8.self).replacing(
                "\"max_voltage\": 230", with: "\"max_voltage\": 231")
            bytes = Data(text.utf8.prefix(text.utf8.count * 2 / 3))
            let garbled = Fixtures.temporaryDirectory().appendingPathComponent("otopriz-truncated.json")
            try bytes.write(to: garbled)
            await #expect {
                _ = try await FileIngest(store: store).ingest(path: garbled.path, party: nil, version: nil)
            } throws: { error in
                guard case IngestError.malformedJSON(let path, let syntax) = error else { return false }
                return path == garbled.path && syntax.message.contains("unexpected end of input") && syntax.line > 1000
            }
            #expect(try await Self.snapshot(store) == before)
            let failed = try #require(try await store.ingestRuns(limit: 1).first)
            #expect(failed.status == .failed && failed.error?.contains("line") == true)
        }
    }

    @Test(arguments: TestBackend.available)
    func aMissingFileIsReportedByName(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            await #expect {
                _ = try await FileIngest(store: store).ingest(path: "/nonexistent/feed.json", party: nil, version: nil)
            } throws: { error in
                "\(error)" == "/nonexistent/feed.json: cannot open: No such file or directory"
            }
        }
    }

    /// The connection is cut in the middle of a file: the attempt stores nothing and is recorded
    /// as failed, and the file is ingested whole on a fresh connection.
    @Test(.enabled(if: PostgresTestServer.unavailableReason == nil))
    func aFileWhoseConnectionDropsIsIngestedAgainWhole() async throws {
        try await TestBackend.postgres.withStore { store, database in
            var ingest = FileIngest(store: store)
            ingest.batchSize = 1
            let feed = Fixtures.url("ocpi-feeds/ocpi_2_2_1_locations-punkt.json").path
            async let report = ingest.ingest(path: feed, party: nil, version: nil)
            var cut = 0
            for _ in 0..<2000 where cut == 0 {  // At most about 10 s: the ingest waits between its 489 batches.
                cut = try database.terminateConnections(inTransactionOnly: true)
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(cut == 1)
            #expect(try await report.run.summary.created == 489)
            #expect(try await store.stats(publishedOnly: false).locations == 489)
            let runs = try await store.ingestRuns(limit: 2)
            #expect(runs.map(\.status) == [.succeeded, .failed])
            #expect(runs.last?.error?.contains("database connection lost") == true)
        }
    }

    /// ingest → export in the source's own version → ingest into a fresh store: the model of every
    /// location is unchanged.
    @Test(arguments: TestBackend.available)
    func everyLocationSurvivesExportAndReingest(_ backend: TestBackend) async throws {
        let inputs: [(url: URL, party: String?, version: OCPIVersion?)] =
            Fixtures.feeds().map { ($0.url, $0.party, nil) }
            + Fixtures.specLocationExamples().map {
                ($0.url, $0.version == "2.1.1" ? "BE*BEC" : nil, OCPIVersion(text: $0.version))
            }
        for input in inputs {
            try await backend.withStore { first, _ in try await Self.roundTrip(input, through: first, backend) }
        }
    }

    static func roundTrip(
        _ input: (url: URL, party: String?, version: OCPIVersion?), through first: any Store, _ backend: TestBackend
    ) async throws {
        let party = try input.party.map { try PartyCode(parsing: $0) }
        let report = try await FileIngest(store: first).ingest(
            path: input.url.path, party: party, version: input.version)
        let exported = Fixtures.temporaryDirectory().appendingPathComponent("export.json")
        let fd = open(exported.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var filter = LocationFilter()
        filter.includesUnpublished = true
        var dump = LocationDump(
            store: first, format: .ocpi, filter: filter, licence: "test", generatedAt: Timestamp(seconds: 0))
        dump.ocpiVersion = report.version
        dump.timestamps = .operator
        try await dump.write(to: FileDescriptorSink(fd: fd))
        close(fd)
        let original = try await Self.models(first)
        #expect(original.count == report.run.summary.read)
        try await backend.withStore { second, _ in
            _ = try await FileIngest(store: second).ingest(
                path: exported.path, party: party, version: report.version)
            #expect(try await Self.models(second) == original, "\(input.url.lastPathComponent)")
        }
    }

    static func models(_ store: any Store) async throws -> [String: String] {
        let rows = Rows()
        try await store.forEachLocation(LocationQuery(publishedOnly: false)) { stored in
            let location = try LocationDecoder(version: .v2_3_0).decode(JSONParser.parse(stored.document)).get()
                .location
            rows.add(stored.key.description, "\(location)")
        }
        return rows.all
    }
}

final class Rows: Sendable {
    private let rows = Mutex([String: String]())
    func add(_ key: String, _ value: String) { rows.withLock { $0[key] = value } }
    var all: [String: String] { rows.withLock { $0 } }
}

import Synchronization

@Suite(.enabled(if: Fixtures.available, Comment(rawValue: Fixtures.missingMessage)))
struct CanonicalDocumentTests {
    /// The single-pass hash equals the hash of a second encoding without timestamps.
    @Test func contentHashIsTheDocumentWithoutTimestamps() throws {
        for feed in Fixtures.feeds() {
            var stream = JSONRecordStream(parser: JSONParser(bytes: try Data(contentsOf: feed.url)))
            let decoder = LocationDecoder(version: .v2_2_1, declaredParty: try PartyCode(parsing: "NL*FAS"))
            while let record = try stream.next() {
                let decoded = try decoder.decode(record).get()
                let omitted = LocationEncoder(version: .v2_3_0, timestamps: .omitted).encode(decoded.location)
                let incoming = CanonicalDocument.incoming(decoded)
                #expect(incoming.contentHash == Hashing.SHA256.hash(omitted))
                #expect(incoming.document == LocationEncoder(version: .v2_3_0).encode(decoded.location))
            }
        }
    }
}

import Hashing
