import Foundation
import Hashing
import Migrations
import RegistryCore
import TestDatabases
import Testing

@testable import Storage

/// Issue #20: a run left `running` by a process or server session that died becomes
/// `interrupted`, with the time, when an access point starts; a run still under way is left alone.
@Suite struct InterruptedRunTests {
    @Test(arguments: TestBackend.available)
    func runsOfAGoneProcessAreSweptAndLiveOnesKept(_ backend: TestBackend) async throws {
        try await backend.withStore { store, database in
            _ = try await StoreContractTests.ingest([StoreContractTests.incoming(id: "L1")], into: store)
            // A run whose process is gone (no such pid, or no such server process), and one from
            // before owners were recorded.
            let gone = backend == .sqlite ? "pid:2147483646" : "backend:2147483646"
            for owner in ["'\(gone)'", "NULL"] {
                try database.execute(
                    """
                    INSERT INTO ingest_runs (kind, source, started_at, status, owner)
                    VALUES ('file', 'killed.json', 1, 'running', \(owner))
                    """)
            }
            // A run under way: on PostgreSQL a session of this store; on SQLite, whose one writer
            // such a session would hold, a run of a process that lives (this one).
            let live: (any IngestSession)?
            if backend == .postgres {
                live = try await store.beginIngest(IngestRunStart(kind: .push, source: "PUT /live"))
            } else {
                live = nil
                try database.execute(
                    """
                    INSERT INTO ingest_runs (kind, source, started_at, status, owner)
                    VALUES ('push', 'PUT /live', 1, 'running', 'pid:\(getpid())')
                    """)
            }
            let swept = try await store.sweepInterruptedRuns()
            #expect(swept.count == 2)
            let runs = try await store.ingestRuns(limit: 10)
            #expect(runs.filter { $0.status == .interrupted }.map(\.id).sorted() == swept)
            for run in runs where run.status == .interrupted {
                #expect(run.finishedAt != nil && run.error?.hasPrefix("interrupted: ") == true)
            }
            #expect(runs.filter { $0.status == .running }.count == 1)
            #expect(try await store.sweepInterruptedRuns().isEmpty)
            if backend == .sqlite {
                // Runs pile up by the million (a push is one): finding the running ones reads an index.
                let explain = try SQLiteDatabase(path: database.location).prepared(
                    "EXPLAIN QUERY PLAN SELECT id, owner FROM ingest_runs WHERE status = 'running'")
                var plan = ""
                while try explain.step() { plan += explain.text(3) ?? "" }
                #expect(plan.contains("ingest_runs_running"), "\(plan)")
            }
            if let live {
                _ = try await live.finish(IngestRunSummary())
                #expect(try await store.ingestRuns(limit: 10).filter { $0.status == .running }.isEmpty)
            }
        }
    }
}

/// Schema 10 rebuilds SQLite's `ingest_runs`: a register stored under schema 9, runs, refusals,
/// locations and their history all pointing at runs, upgrades with every row and reference kept.
@Suite struct OperationsMigrationTests {
    @Test(arguments: TestBackend.available)
    func aSchema9RegisterUpgradesWithEveryRunKept(_ backend: TestBackend) async throws {
        try await backend.withStore(migrate: false) { store, database in
            let folder = backend == .sqlite ? "sqlite" : "postgres"
            try database.execute(
                "CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)"
            )
            for file in try MigrationFiles.files(for: folder) where file.name < "0010" {
                try database.execute(file.sql)
                let checksum = SHA256.hex(SHA256.hash(Array(file.sql.utf8)))
                try database.execute("INSERT INTO schema_migrations VALUES ('\(file.name)', '\(checksum)', 1)")
            }
            // What schema 9 held: two runs, a refusal, a location and its version, written as the
            // program of schema 9 wrote them.
            let hash = backend == .sqlite ? "X'00'" : "'\\x00'::bytea"
            try database.execute(
                """
                INSERT INTO ingest_runs (id, kind, source, started_at, finished_at, status, records_read, created)
                VALUES (1, 'file', 'a.json', 1, 2, 'succeeded', 1, 1), (2, 'push', 'PUT /x', 3, 4, 'failed', 1, 0);
                INSERT INTO ingest_refusals (run_id, position, location_id, reason) VALUES (2, 3, 'X', 'no id');
                INSERT INTO locations (id, country_code, party_id, location_key, location_id, publish, evse_count,
                    connector_count, first_seen_at, changed_at, confirmed_at, version, source_kind, source,
                    last_run_id, content_hash, document, findings, finding_count)
                VALUES (1, 'CL', 'ABC', 'L1', 'L1', TRUE, 0, 0, 2, 2, 2, 1, 'file', 'a.json', 1, \(hash), '{}', '[]', 0);
                INSERT INTO location_versions (location_id, version, recorded_at, run_id, change, content_hash)
                VALUES (1, 1, 2, 1, 'created', \(hash));
                """)
            if backend == .postgres {
                try database.execute(
                    """
                    SELECT setval(pg_get_serial_sequence('ingest_runs', 'id'), 2);
                    SELECT setval(pg_get_serial_sequence('locations', 'id'), 1);
                    """)
            }
            let before = try await store.ingestRuns(limit: 10)

            #expect(
                try await store.migrate().filter(\.appliedNow).map(\.name) == [
                    "0010_operations.sql", "0011_running_runs.sql", "0012_quality_scores.sql",
                    "0013_quality_score_columns.sql",
                ])
            #expect(try await store.ingestRuns(limit: 10) == before)
            #expect(before.map(\.id) == [2, 1])
            #expect(try await store.refusals(ofRun: 2).map(\.locationID) == ["X"])
            let history = try await store.history(of: LocationKey(countryCode: "CL", partyID: "ABC", locationID: "L1"))
            #expect(history.map(\.runID) == [1])
            // References to the rebuilt table are still enforced, and ingest goes on.
            #expect(throws: (any Error).self) {
                try database.execute(
                    (backend == .sqlite ? "PRAGMA foreign_keys = ON; " : "")
                        + "INSERT INTO ingest_refusals (run_id, position, reason) VALUES (999999, 1, 'orphan')")
            }
            _ = try await StoreContractTests.ingest([StoreContractTests.incoming(id: "L3")], into: store)
            #expect(try await store.stats(publishedOnly: false).locations == 2)
            #expect(try await store.ingestRuns(limit: 1).first?.id == 3)
        }
    }
}
