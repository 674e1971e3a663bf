import Foundation
import TestFixtures
import Testing

@testable import Storage

/// A SQLite registry holds the peers' OCPI tokens in clear (the registry must present them), so
/// every file of it that SQLite or the store creates is readable by its owner only.
@Suite struct SQLiteFilePermissionsTests {
    static func mode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
    }

    @Test func everyFileOfANewDatabaseIsTheOwnersOnly() async throws {
        let path = Fixtures.temporaryDirectory().appendingPathComponent("private.sqlite").path
        let store = try SQLiteStore(path: path)
        _ = try await store.migrate()
        _ = try await StoreContractTests.ingest([StoreContractTests.incoming(id: "P1")], into: store)
        let files = [path, path + "-wal", path + "-shm"]
        _ = try await store.exclusively("scheduler") {
            for file in files + [path + ".scheduler.lock"] {
                #expect(Self.mode(file) == 0o600, "\(file)")
            }
        }
        await store.close()
        #expect(Self.mode(path) == 0o600)
    }
}
