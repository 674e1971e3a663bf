import Foundation
import RegistryCore
import TestDatabases
import Testing

@testable import Storage

/// PostgreSQL going away and coming back, and the rules that make the PostgreSQL tests run
/// wherever they can.
@Suite struct PostgresResilienceTests {
    static let canRun = PostgresTestServer.unavailableReason == nil
    static let skipReason = Comment(rawValue: PostgresTestServer.unavailableReason ?? "")

    @Test(.enabled(if: canRun, skipReason))
    func theServerIsReachable() async throws {
        let server = try await PostgresTestServer.shared()
        let result = try LibPQConnection(conninfo: server.conninfo).query("SELECT current_setting('server_version')")
        #expect(result.text(0, 0)?.isEmpty == false)
    }

    @Test func aMissingServerFailsWhenPostgresIsRequired() {
        if PostgresTestServer.isRequired, let reason = PostgresTestServer.unavailableReason {
            Issue.record("CHARGEREG_REQUIRE_POSTGRES=1, but \(reason)")
        }
    }

    @Test(.enabled(if: canRun, skipReason))
    func aReadIsRetriedOnAFreshConnectionWhenItsConnectionWasCut() async throws {
        try await TestBackend.postgres.withStore { store, database in
            _ = try await StoreContractTests.ingest([StoreContractTests.incoming(id: "L1")], into: store)
            #expect(try database.terminateConnections() >= 1)
            #expect(try await store.location(LocationKey(countryCode: "CL", partyID: "ABC", locationID: "L1")) != nil)
            #expect(try await store.stats(publishedOnly: false).locations == 1)
        }
    }

    @Test(.enabled(if: canRun, skipReason))
    func anIngestWhoseConnectionWasCutStoresNothingAndSaysSo() async throws {
        try await TestBackend.postgres.withStore { store, database in
            let session = try await store.beginIngest(IngestRunStart(kind: .file, source: "cut.json"))
            _ = try await session.apply([StoreContractTests.incoming(id: "L1")])
            #expect(try database.terminateConnections(inTransactionOnly: true) == 1)
            await #expect {
                _ = try await session.apply([StoreContractTests.incoming(id: "L2")])
            } throws: { error in
                guard case StoreError.disconnected = error else { return false }
                return true
            }
            let run = try await session.abandon(error: "connection lost", IngestRunSummary())
            #expect(run.status == .failed)
            #expect(try await store.stats(publishedOnly: false).locations == 0)
        }
    }

    /// Stops and restarts a cluster of its own in the middle of an ingest: what was committed is
    /// kept, the ingest under way stores nothing, and the store serves again once the server is back.
    @Test(
        .enabled(
            if: PostgresTestServer.clusterUnavailableReason == nil,
            Comment(rawValue: PostgresTestServer.clusterUnavailableReason ?? "")))
    func theStoreRecoversWhenTheServerRestartsMidRun() async throws {
        let server = try await PostgresTestServer.dedicated()
        let store = try PostgresStore(conninfo: server.conninfo)
        _ = try await store.migrate()
        let committed = (1...3).map { StoreContractTests.incoming(id: "C\($0)") }
        _ = try await StoreContractTests.ingest(committed, into: store)

        let session = try await store.beginIngest(IngestRunStart(kind: .file, source: "during-restart.json"))
        _ = try await session.apply([StoreContractTests.incoming(id: "U1")])
        try await Task { try server.stop() }.value
        await #expect(throws: StoreError.self) { _ = try await store.stats(publishedOnly: false) }
        try await Task { try server.start() }.value
        await #expect(throws: StoreError.self) {
            _ = try await session.apply([StoreContractTests.incoming(id: "U2")])
        }
        #expect(try await session.abandon(error: "server restarted", IngestRunSummary()).status == .failed)

        let stats = try await store.stats(publishedOnly: false)
        #expect(stats.locations == 3)
        #expect(try await store.location(LocationKey(countryCode: "CL", partyID: "ABC", locationID: "U1")) == nil)
        let again = (1...2).map { StoreContractTests.incoming(id: "U\($0)") }
        #expect(try await StoreContractTests.ingest(again, into: store) == [.created, .created])
        #expect(try await store.stats(publishedOnly: false).locations == 5)
        #expect(try await store.ingestRuns(limit: 3).map(\.status) == [.succeeded, .failed, .succeeded])
        await store.close()
        try await Task { try server.stop() }.value
    }
}
