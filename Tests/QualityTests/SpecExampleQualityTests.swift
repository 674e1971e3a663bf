import Foundation
import JSON
import OCPI
import Quality
import RegistryCore
import TestFixtures
import Testing

/// Issue #8's ground truth on the OCPI specification's own example: with its operator registered
/// in the ID office it is correct in every rule (100), and each fault injected into a copy lowers
/// correctness and names its rule.
@Suite(.enabled(if: Fixtures.available, Comment(rawValue: Fixtures.missingMessage)), .ownThread)
struct SpecExampleQualityTests {
    static let now = Timestamp(seconds: 1_435_622_400)  // 2015-06-30T00:00:00Z, a day after the example.

    /// BE*BEC registered and active in an office that serves Belgium.
    static let register = RegisterSnapshot(
        own: ["BEBEC": .init(status: .active, organisationID: 1)], countries: ["BE"])

    static func example(_ version: String) throws -> JSONValue {
        try JSONParser.parse(Array(Data(contentsOf: Fixtures.url("ocpi/\(version)/location_example.json"))))
    }

    static func score(_ json: JSONValue, version: String) throws -> RecordQuality {
        let decoded = try QualityTestSupport.decode(
            json, version: OCPIVersion(text: version)!, register: register)
        return QualityTestSupport.scorer.score(
            decoded.location, stored: decoded.findings, crossRecord: [],
            receipt: QualityTestSupport.receipt(at: now), now: now)
    }

    @Test(arguments: ["2.2.1", "2.3.0"])
    func theExampleIsCorrectInEveryRule(version: String) throws {
        let quality = try Self.score(try Self.example(version), version: version)
        let correctness = quality.findings.filter {
            QualityTestSupport.catalogue.rule($0.code)?.dimension == .correctness
        }
        #expect(correctness.isEmpty, "\(correctness)")
        #expect(quality.correctness == 100)
        #expect(quality.completeness > 50 && quality.completeness < 100)
    }

    /// One fault per row: the path to change, the value to put there, and the rule it must break.
    static let faults: [(path: String, value: JSONValue?, rule: FindingCode)] = [
        ("coordinates", coordinates("0.000000", "0.000000"), .coordinatesZero),
        ("coordinates", coordinates("3.729944", "51.047599"), .coordinatesSwapped),
        ("coordinates", coordinates("-33.447487", "-70.673676"), .coordinatesOutsideCountry),
        ("coordinates", coordinates("51.0476", "3.729944"), .coordinatesImprecise),
        ("coordinates.latitude", .string("91.000000"), .coordinatesInvalid),
        ("evses.1.uid", .string("3256"), .evseUIDDuplicate),
        ("evses.0.connectors.1.id", .string("1"), .connectorIDDuplicate),
        ("evses.0.connectors.0.max_electric_power", .number(JSONNumber(22)), .powerInKilowatts),
        ("evses.0.connectors.0.max_electric_power", .number(JSONNumber(50_000)), .powerInconsistent),
        ("evses.0.connectors.0.max_voltage", .number(JSONNumber(2_300)), .powerImplausible),
        ("evses.0.connectors.0.power_type", .string("DC"), .powerTypeMismatch),
        ("evses.0.connectors.0.standard", .string("CHADEMO"), .powerTypeMismatch),
        ("evses.0.connectors.0.standard", .string("DOMESTIC_F"), .formatMismatch),
        ("time_zone", .string("Europe/Gent"), .timeZoneInvalid),
        ("time_zone", .string("America/Santiago"), .timeZoneCountryMismatch),
        (
            "opening_times", .object(JSONObject([JSONMember(key: "twentyfourseven", value: .bool(false))])),
            .openingHoursInvalid
        ),
        ("postal_code", .string("B-9000"), .postalCodeFormat),
        ("city", .string("N/A"), .placeholderText),
        ("evses.0.last_updated", .string("2015-06-30T08:12:01Z"), .lastUpdatedOrder),
        ("evses.0.evse_id", .string("BE-97453"), .evseIDNotEMI3),
        ("evses.0.evse_id", .string("BE*XYZ*E041503001"), .evseOperatorUnknown),
        ("evses.0.status", .string("BROKEN"), .unknownEnumValue),
        ("address", .string(String(repeating: "Rooseveltlaan ", count: 20)), .tooLong),
        ("coordinates.latitude", .number(JSONNumber(text: "51.047599")), .wrongType),
        // Issue #18: values that once stopped the process are findings like any other.
        ("coordinates", coordinates("1e400", "3.729944"), .coordinatesInvalid),
        ("coordinates", coordinates("1e300", "3.729944"), .coordinatesInvalid),
        ("coordinates", coordinates("51.047599", "-Infinity"), .coordinatesInvalid),
        ("coordinates", coordinates("NaN", "nan"), .coordinatesInvalid),
        ("evses.0.coordinates", coordinates("-1e400", "3.729944"), .coordinatesInvalid),
        ("evses.0.connectors.0.max_voltage", .number(JSONNumber(Int.max)), .powerImplausible),
        ("evses.0.connectors.0.max_amperage", .number(JSONNumber(Int.max)), .powerImplausible),
        ("evses.0.connectors.0.max_amperage", .number(JSONNumber(Int.min)), .powerImplausible),
    ]

    static func coordinates(_ latitude: String, _ longitude: String) -> JSONValue {
        .object(
            JSONObject([
                JSONMember(key: "latitude", value: .string(latitude)),
                JSONMember(key: "longitude", value: .string(longitude)),
            ]))
    }

    @Test(arguments: ["2.2.1", "2.3.0"])
    func eachInjectedFaultLowersCorrectnessAndNamesItsRule(version: String) throws {
        let example = try Self.example(version)
        for fault in Self.faults {
            let quality = try Self.score(example.setting(fault.path, to: fault.value), version: version)
            let codes = Set(quality.findings.map(\.code))
            #expect(codes.contains(fault.rule), "\(fault.path) = \(String(describing: fault.value)): \(codes.sorted())")
            #expect(quality.correctness < 100, "\(fault.path) did not lower correctness")
        }
    }

    @Test
    func helpPhoneMustBeE164() throws {
        let example = try Self.example("2.3.0")
        let good = try Self.score(example.setting("help_phone", to: .string("+32 9 123 45 67")), version: "2.3.0")
        #expect(!good.findings.contains { $0.code == .phoneNotE164 })
        let bad = try Self.score(example.setting("help_phone", to: .string("09 123 45 67")), version: "2.3.0")
        #expect(bad.findings.contains { $0.code == .phoneNotE164 && $0.path == "help_phone" })
        #expect(bad.correctness < good.correctness)
    }
}
