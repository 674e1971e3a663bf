import Foundation
import RegistryCore
import Storage
import TestDatabases
import TestFixtures
import Testing

@testable import AccessPoint

/// Issue #19, item 7, on the file path (pulls and pushes share its decoder): a record whose id
/// holds a NUL is refused with its position and the field, and the record it would have
/// overwritten (its id cut at the NUL) is untouched.
@Suite struct ControlCharacterIDTests {
    @Test(arguments: TestBackend.available)
    func aFileRecordWithANulInItsIdIsRefusedNamingTheField(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            _ = try await OCPISenderTests.ingest(store, "[" + LocationJSON.make("VLT", "A2", name: "Original") + "]")
            let key = LocationKey(countryCode: "CL", partyID: "VLT", locationID: "A2")
            let before = try #require(try await store.location(key))
            let shadow = LocationJSON.make("VLT", #"A2\u0000SHADOW"#, name: "Shadow")
            let file = Fixtures.temporaryDirectory().appendingPathComponent("shadow.json")
            try Data(("[" + LocationJSON.make("VLT", "B1") + "," + shadow + "]").utf8).write(to: file)
            let report = try await FileIngest(store: store).ingest(path: file.path, party: nil, version: nil)
            #expect(report.run.summary.created == 1 && report.run.summary.refused == 1)
            #expect(report.refusals.map(\.position) == [2])
            #expect(report.refusals.first?.reason == "id contains the control character U+0000")
            let after = try #require(try await store.location(key))
            #expect(after.version == before.version && after.document == before.document)
        }
    }
}
