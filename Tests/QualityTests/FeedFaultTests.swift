import Foundation
import JSON
import OCPI
import Quality
import RegistryCore
import TestFixtures
import Testing

/// Issue #8's second ground truth: the faults peers.md §4 found by eye and by a strict validator in
/// real operators' OCPI feeds (`../shared/fixtures/ocpi-feeds/`) are each detected and named.
/// The counts per feed are printed for the record.
@Suite(.enabled(if: Fixtures.available, Comment(rawValue: Fixtures.missingMessage)), .ownThread)
struct FeedFaultTests {
    /// A known fault class and how a finding shows it.
    static let faults: [(name: String, matches: @Sendable (Finding) -> Bool)] = [
        // A 2.2 feed sending 2.1.1's `voltage` lacks `max_voltage` to a strict 2.2 reader.
        (
            "max_voltage missing",
            {
                ($0.code == .missingRequired && $0.path.hasSuffix(".max_voltage"))
                    || ($0.code == .fieldOfOtherVersion && $0.path.hasSuffix(".voltage"))
            }
        ),
        ("address too long", { ($0.code == .tooLong || $0.code == .addressLong) && $0.path == "address" }),
        (
            "city missing or empty",
            {
                ($0.code == .missingRequired || $0.code == .placeholderText) && $0.path == "city"
            }
        ),
        (
            "time_zone missing or invalid",
            {
                ($0.code == .missingRequired && $0.path == "time_zone") || $0.code == .timeZoneInvalid
            }
        ),
        ("power in kW", { $0.code == .powerInKilowatts }),
        ("EVSE ID not eMI3", { $0.code == .evseIDNotEMI3 }),
        ("bad enum value", { $0.code == .unknownEnumValue }),
    ]

    static func findings(_ url: URL, party: String?) throws -> [[Finding]] {
        var stream = JSONRecordStream(parser: JSONParser(bytes: try Data(contentsOf: url)))
        var records: [JSONValue] = []
        while let record = try stream.next() { records.append(record) }
        let version = records.first.map(LocationDecoder.detectVersion) ?? .v2_2_1
        let decoder = LocationDecoder(version: version, declaredParty: try party.map { try PartyCode(parsing: $0) })
        let now = Timestamp(seconds: 1_750_000_000)
        return records.compactMap { record in
            guard case .success(let decoded) = decoder.decode(record) else { return nil }
            return QualityTestSupport.scorer.score(
                decoded.location, stored: decoded.findings, crossRecord: [],
                receipt: QualityTestSupport.receipt(at: now),
                now: now
            ).findings
        }
    }

    /// Only 2.2 and later: 2.1.1's `voltage` is its own field.
    @Test func everyKnownFaultIsDetected() throws {
        var totals = [String: Int]()
        var table =
            "feed".padding(toLength: 42, withPad: " ", startingAt: 0) + Self.faults.map(\.name).joined(separator: " | ")
            + "\n"
        for (url, party) in Fixtures.feeds() where !url.lastPathComponent.contains("3_0_0") {
            let records = try Self.findings(url, party: party)
            var row = url.lastPathComponent.padding(toLength: 42, withPad: " ", startingAt: 0)
            for fault in Self.faults {
                let affected = records.filter { $0.contains(where: fault.matches) }.count
                totals[fault.name, default: 0] += affected
                row += "\(affected) | "
            }
            table += row + "(\(records.count) locations)\n"
        }
        print("locations affected per feed:\n" + table)
        for fault in Self.faults {
            #expect((totals[fault.name] ?? 0) > 0, "\(fault.name) was not detected in any feed")
        }
        let ev24 = try Self.findings(Fixtures.url("ocpi-feeds/ocpi_2_2_1_locations-ev24.json"), party: "PL*E24")
        #expect(ev24.contains { $0.contains { $0.code == .powerInKilowatts } })
        #expect(ev24.contains { $0.contains { $0.code == .evseIDNotEMI3 && $0.message.contains("PL-97453") } })
    }
}
