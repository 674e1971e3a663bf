import Foundation
import JSON
import OCPI
import Quality
import RegistryCore
import TestFixtures
import Testing

/// Issue #8's ground truth from France's IRVE schema: every row of
/// `../shared/fixtures/irve/derived/` mutates one cell of the valid example and fails exactly one
/// IRVE check (`expected-errors.json`). Each row is mapped into the model (as an OCPI 2.2.1
/// location; a dynamic row as the status of the example's EVSE) and must trigger the matching
/// rule and only that one. Checks on IRVE-only columns (SIREN, INSEE code, e-mail contacts, PMR
/// access, the separator-free ID spelling IRVE demands) have no counterpart in the model: those rows
/// must trigger nothing. A dynamic row is compared with the valid dynamic example, whose own
/// `id_pdc_itinerance` is a pool ID (`FRA68P68021001`) where an EVSE ID is due.
@Suite(.enabled(if: Fixtures.available, Comment(rawValue: Fixtures.missingMessage)), .ownThread)
struct IRVEGroundTruthTests {
    /// The rule each derived row must trigger, by file and row number (header = row 1); nil when the
    /// faulty column is IRVE-specific and maps to nothing.
    static let expected: [String: [Int: FindingCode?]] = [
        "invalid-statique-v2.3.1.csv": [
            2: nil,  // id_pdc_itinerance with `*`: eMI3's own canonical form in OCPI.
            3: nil,  // id_station_itinerance lower case: OCPI location ids are case-insensitive.
            4: .coordinatesInvalid,
            5: .unknownEnumValue,  // implantation_station → parking_type
            6: .invalidValue,  // date_maj → last_updated
            7: .powerImplausible,  // puissance_nominale → max_electric_power
            8: nil,  // contact_operateur (e-mail): no OCPI field.
            9: nil,  // code_insee_commune: French municipality code.
            10: nil,  // siren_amenageur: French company number.
            11: .openingHoursInvalid,  // horaires → opening_times
            12: nil,  // prise_type_2 `oui`: read as yes, as a French importer would.
            13: nil,  // nbre_pdc: the model counts EVSEs itself.
            14: nil,  // accessibilite_pmr: no OCPI field.
            15: nil,  // condition_acces: no OCPI field.
            16: nil,  // contact_operateur (e-mail): no OCPI field.
        ],
        "invalid-dynamique-v2.3.1.csv": [
            2: .unknownEnumValue,  // etat_pdc → status
            3: .missingRequired,  // occupation_pdc empty → no status
            4: .invalidValue,  // horodatage → last_updated
            5: .evseIDNonCanonical,  // id_pdc_itinerance with `-` separators
            6: nil,  // etat_prise_type_2: OCPI has no per-connector status.
        ],
    ]

    static let register = RegisterSnapshot(own: ["FRA68": .init(status: .active, organisationID: 1)], countries: ["FR"])
    static let now = Timestamp(seconds: 1_700_000_000)

    /// The findings that say a record is wrong: everything but completeness gaps and timeliness,
    /// which depend on what IRVE does not carry and on the clock.
    static func ruleFindings(_ json: JSONValue) throws -> [Finding] {
        let decoded = try QualityTestSupport.decode(json, version: .v2_2_1, register: register)
        let quality = QualityTestSupport.scorer.score(
            decoded.location, stored: decoded.findings, crossRecord: [], receipt: QualityTestSupport.receipt(at: now),
            now: now)
        return quality.findings.filter {
            let dimension = QualityTestSupport.catalogue.rule($0.code)?.dimension
            return dimension == .correctness || $0.code == .missingRequired
        }
    }

    static func rows(_ name: String) throws -> [[String: String]] {
        let text = try String(contentsOf: Fixtures.url(name), encoding: .utf8)
        let records = IRVERow.parseCSV(text)
        let header = records[0]
        return records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    @Test func theValidExamplesTriggerNothing() throws {
        let statique = try Self.rows("irve/v2.3.1/exemple-valide-statique.csv")[0]
        #expect(try Self.ruleFindings(IRVERow.location(statique)) == [])
        let dynamique = try Self.rows("irve/v2.3.1/exemple-valide-dynamique.csv")[0]
        #expect(try Self.ruleFindings(IRVERow.location(statique, status: dynamique)).map(\.code) == [.evseIDPoolMarker])
    }

    @Test func eachDerivedRowTriggersItsRuleOnly() throws {
        let statique = try Self.rows("irve/v2.3.1/exemple-valide-statique.csv")[0]
        let dynamique = try Self.rows("irve/v2.3.1/exemple-valide-dynamique.csv")[0]
        let manifest = try JSONParser.parse(Array(Data(contentsOf: Fixtures.url("irve/derived/expected-errors.json"))))
        for (file, expectations) in Self.expected {
            let rows = try Self.rows("irve/derived/\(file)")
            let isDynamic = file.contains("dynamique")
            let baseline = Set(
                try Self.ruleFindings(
                    isDynamic ? IRVERow.location(statique, status: dynamique) : IRVERow.location(statique)
                )
                .map(\.code))
            guard case .array(let listed) = manifest["files"]?[file] else {
                Issue.record("\(file) is not in expected-errors.json")
                continue
            }
            #expect(listed.count == expectations.count && rows.count == expectations.count, "\(file): rows changed")
            for (index, row) in rows.enumerated() {
                let number = index + 2
                let json = isDynamic ? IRVERow.location(statique, status: row) : IRVERow.location(row)
                let codes = Set(try Self.ruleFindings(json).map(\.code)).subtracting(baseline)
                let expected = expectations[number] ?? nil
                #expect(codes == Set([expected].compactMap { $0 }), "\(file) row \(number): \(codes.sorted())")
            }
        }
    }
}
