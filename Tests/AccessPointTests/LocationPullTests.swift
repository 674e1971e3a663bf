import Foundation
import HTTPServer
import RegistryCore
import Storage
import TestDatabases
import Testing

@testable import AccessPoint

/// The pull client against our own Sender over a socket (issue #7): discovery through the
/// versions endpoints, a full pull that gets exactly the served set, a delta, a full pull that
/// removes what vanished, and the removal threshold.
@Suite struct LocationPullTests {
    @Test(arguments: TestBackend.available)
    func pullsExactlyWhatTheSenderServes(_ backend: TestBackend) async throws {
        try await backend.withStore { source, _ in
            try await backend.withStore { target, _ in
                _ = try await OCPISenderTests.ingest(source, OCPISenderTests.feed(Array(1...30)))
                let server = try OCPISenderTests.serve(source)
                let party = try PartyCode(parsing: "CL*VLT")
                var pull = LocationPull(store: target, token: nil)
                pull.crawler.limit = 7
                let (endpoint, version) = try await pull.discover(
                    versionsURL: "http://127.0.0.1:\(server.port)/ocpi/versions", version: nil)
                #expect(endpoint == "http://127.0.0.1:\(server.port)/ocpi/2.3.0/sender/locations" && version == .v2_3_0)

                let first = try await pull.pull(party: party, endpoint: endpoint, version: version, full: true)
                #expect(first.run.kind == .pull && first.run.status == .succeeded && first.pages == 5)
                #expect(first.run.summary.created == 30 && first.run.summary.refused == 0)
                let keys = { (store: any Store) async throws -> [String] in
                    try await store.listLocations(LocationFilter(), cursor: nil, limit: 1000).items
                        .map(\.location.key.description).sorted()
                }
                #expect(try await keys(target) == keys(source))

                // The source changes one and loses one; a delta brings both, a full pull removes.
                let mark = RegistryClock.system.now()
                try await Task.sleep(for: .milliseconds(5))
                _ = try await OCPISenderTests.ingest(source, OCPISenderTests.feed(Array(1...29), rename: 5), full: true)
                let delta = try await pull.pull(party: party, endpoint: endpoint, version: version, since: mark)
                #expect(delta.run.summary.read == 2 && delta.run.summary.changed == 2)
                let full = try await pull.pull(party: party, endpoint: endpoint, version: version, full: true)
                #expect(full.run.summary.removed == 1 && full.run.summary.unchanged == 29)
                #expect(try await keys(target) == keys(source))

                // A full pull that would remove more than 20% is held back unless confirmed.
                _ = try await OCPISenderTests.ingest(
                    source, OCPISenderTests.feed(Array(1...20)), fullConfirmed: true)
                let held = try await pull.pull(party: party, endpoint: endpoint, version: version, full: true)
                #expect(held.removalsWithheld?.absent == 9 && held.run.summary.removed == 0)
                let confirmed = try await pull.pull(
                    party: party, endpoint: endpoint, version: version, full: true, confirmed: true)
                #expect(confirmed.run.summary.removed == 9)
                #expect(try await keys(target) == keys(source))

                // An unreachable or wrong versions URL says what is wrong.
                await #expect(throws: (any Error).self) {
                    _ = try await pull.discover(
                        versionsURL: "http://127.0.0.1:\(server.port)/ocpi/versions", version: .v2_2)
                }
                await server.shutdown()
            }
        }
    }
}
