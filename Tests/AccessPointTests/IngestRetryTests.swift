import Foundation
import RegistryCore
import Storage
import TestDatabases
import TestFixtures
import Testing

@testable import AccessPoint

/// Issue #19, item 1: a file, a pull and a push are one pipeline, and each of them is run once
/// more, whole, when the database connection drops before its run commits. The run is cut while
/// it waits, inside its transaction, for a lock the test holds on `locations`.
@Suite struct IngestRetryTests {
    /// Starts `run` while `locations` is locked, cuts its connection once it waits there, then
    /// lets the second attempt through.
    static func cutOnce<T: Sendable>(
        _ database: TestDatabase, _ run: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let (attempt, cut) = try await database.whileLockedAgainstWrites("locations") {
            let attempt = Task { try await run() }
            var cut = 0
            for _ in 0..<1000 where cut == 0 {  // At most about 10 s.
                try await Task.sleep(for: .milliseconds(10))
                cut = try database.terminateConnectionsWaitingForALock()
            }
            return (attempt, cut)
        }
        #expect(cut == 1)
        return try await attempt.value
    }

    /// The newest two runs: the second attempt succeeded, the cut one failed saying why.
    static func expectRetried(_ store: any Store, _ kind: IngestKind) async throws {
        let runs = try await store.ingestRuns(limit: 2)
        #expect(runs.map(\.kind) == [kind, kind])
        #expect(runs.map(\.status) == [.succeeded, .failed])
        #expect(runs.last?.error?.contains("database connection lost") == true, "\(runs.last?.error ?? "")")
    }

    @Test(.enabled(if: PostgresTestServer.unavailableReason == nil))
    func everyPathIsIngestedAgainWholeWhenItsConnectionDrops() async throws {
        try await TestBackend.postgres.withStore { store, database in
            let f = try await OCPIReceiverTests.fixture(store)

            let file = Fixtures.temporaryDirectory().appendingPathComponent("vlt.json")
            try Data(OCPISenderTests.feed(Array(1...5)).utf8).write(to: file)
            let report = try await Self.cutOnce(database) {
                try await FileIngest(store: store).ingest(path: file.path, party: nil, version: nil)
            }
            #expect(report.run.summary.created == 5)
            try await Self.expectRetried(store, .file)

            try await TestBackend.sqlite.withStore { source, _ in
                _ = try await OCPISenderTests.ingest(source, OCPISenderTests.feed(Array(1...12)))
                let server = try OCPISenderTests.serve(source)
                var pull = LocationPull(store: store, token: nil)
                pull.crawler.limit = 5
                let endpoint = "http://127.0.0.1:\(server.port)/ocpi/2.2.1/sender/locations"
                let pulled = try await Self.cutOnce(database) { [pull] in
                    try await pull.pull(
                        party: try PartyCode(parsing: "CL*VLT"), endpoint: endpoint, version: .v2_2_1, full: true)
                }
                #expect(pulled.run.summary.created == 7 && pulled.run.summary.unchanged == 5 && pulled.pages == 3)
                try await Self.expectRetried(store, .pull)
                await server.shutdown()
            }

            let pushed = try await Self.cutOnce(database) {
                await f.call(
                    "PUT", "\(OCPIReceiverTests.base)/CL/VLT/P1", as: "own", body: OCPIReceiverTests.location("P1"))
            }
            #expect(pushed.status == 201 && pushed.code == 1000)
            try await Self.expectRetried(store, .push)
            #expect(try await store.stats(publishedOnly: false).locations == 13)
        }
    }
}
