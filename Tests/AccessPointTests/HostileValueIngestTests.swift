import Foundation
import Storage
import TestDatabases
import TestFixtures
import Testing

@testable import AccessPoint

/// Values that once failed a whole file or push on one backend (issue #18, found by the fuzz
/// suite): a NUL character in a string (PostgreSQL text cannot hold U+0000) and a voltage beyond
/// 32 bits (PostgreSQL's `integer`). Each record is stored on every backend and read back.
@Suite struct HostileValueIngestTests {
    static func location(_ id: String, name: String = "Plaza", volts: String = "230") -> String {
        """
        {"country_code": "CL", "party_id": "VLT", "id": "\(id)", "publish": true, "name": "\(name)",
         "address": "Av. Matta 1", "city": "Santiago", "postal_code": "8320000", "country": "CHL",
         "coordinates": {"latitude": "-33.447487", "longitude": "-70.673676"}, "time_zone": "America/Santiago",
         "last_updated": "2026-11-01T10:00:00Z",
         "evses": [{"uid": "\(id)-1", "evse_id": "CL*VLT*E\(id)", "status": "AVAILABLE", "last_updated": "2026-11-01T10:00:00Z",
           "connectors": [{"id": "1", "standard": "IEC_62196_T2", "format": "SOCKET", "power_type": "AC_3_PHASE",
             "max_voltage": \(volts), "max_amperage": 2147483648, "last_updated": "2026-11-01T10:00:00Z"}]}]}
        """
    }

    @Test(arguments: TestBackend.available)
    func everyRecordIsStoredAndReadBack(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let file = Fixtures.temporaryDirectory().appendingPathComponent("hostile.json")
            let records = [
                Self.location("NUL", name: #"Plaza\u0000Norte"#), Self.location("VOLTS", volts: "9223372036854775807"),
                Self.location("PLAIN"),
            ]
            try ("[" + records.joined(separator: ",") + "]").write(to: file, atomically: true, encoding: .utf8)
            let report = try await FileIngest(store: store).ingest(path: file.path, party: nil, version: .v2_2_1)
            #expect(report.run.summary.created == 3 && report.run.summary.refused == 0)
            let stored = try await store.publishedLocations(withID: "NUL")
            #expect(
                stored.first.map { String(decoding: $0.document, as: UTF8.self).contains(#"Plaza\u0000Norte"#) } == true
            )
            #expect(try await store.stats(publishedOnly: false).evses == 3)
        }
    }
}
