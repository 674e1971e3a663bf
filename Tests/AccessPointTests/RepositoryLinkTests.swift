import Foundation
import JSON
import RegistryCore
import Storage
import TestDatabases
import TestFixtures
import Testing

@testable import AccessPoint

/// The link between the ID office's register and the repository (issue #5): every EVSE ID of a
/// stored location is checked against the register on ingest, and again whenever the register
/// changes; the data is kept and flagged, never refused.
@Suite struct RepositoryLinkTests {
    /// One location of CL*VLT whose EVSE IDs cover every case of the check.
    static let feed = """
        [{"country_code": "CL", "party_id": "VLT", "id": "L1", "publish": true, "address": "Av. Uno 1",
          "city": "Santiago", "country": "CHL", "coordinates": {"latitude": "-33.4", "longitude": "-70.6"},
          "time_zone": "America/Santiago", "last_updated": "2026-11-01T00:00:00Z",
          "evses": [\(["CL*VLT*E1", "CL*ZZZ*E2", "DE*XYZ*E3", "FR*QQQ*E4", "CO*SUS*E5", "CL*ALT*E6", "not-an-id"]
            .map { id in """
                {"uid": "\(id)", "evse_id": "\(id)", "status": "AVAILABLE", "last_updated": "2026-11-01T00:00:00Z",
                 "connectors": [{"id": "1", "standard": "IEC_62196_T2", "format": "SOCKET", "power_type": "AC_3_PHASE",
                   "max_voltage": 230, "max_amperage": 32, "last_updated": "2026-11-01T00:00:00Z"}]}
                """ }.joined(separator: ", "))]}]
        """

    static let key = LocationKey(countryCode: "CL", partyID: "VLT", locationID: "L1")

    /// The stored location's `register.*` findings as `path code`, and whether the finding
    /// counts the statistics read agree with the stored findings.
    static func registerFindings(_ store: any Store) async throws -> [String] {
        let stored = try #require(try await store.location(key))
        guard case .array(let items) = try JSONParser.parse(stored.findings) else { return ["unreadable"] }
        var findings: [String] = []
        var counts: [String: Int] = [:]
        for item in items {
            guard case .string(let code) = item["code"], case .string(let path) = item["path"] else { continue }
            counts[code, default: 0] += 1
            if code.hasPrefix("register.") { findings.append("\(path) \(code)") }
        }
        let tallied = Dictionary(
            uniqueKeysWithValues: try await store.stats(publishedOnly: false).findingsByCode.map { ($0.key, $0.count) })
        #expect(tallied == counts, "location_finding_counts disagrees with the stored findings")
        return findings
    }

    static func ingest(_ store: any Store) async throws -> IngestRunSummary {
        let file = Fixtures.temporaryDirectory().appendingPathComponent("vlt.json")
        try Data(feed.utf8).write(to: file)
        return try await FileIngest(store: store).ingest(path: file.path, party: nil, version: nil).run.summary
    }

    static func approve(_ register: PartyRegister, _ name: String, company: String, code: String) async throws {
        let form = ApplicationForm(
            organisation: Organisation(
                legalName: name, companyID: company, address: "Santiago", country: "CL", representative: "R",
                contactName: "C", contactEmail: "c@example.cl", helpdeskPhone: "+56 2 2345 6789",
                website: "https://example.cl"),
            roles: [.cpo], country: "CL", proposedCode: try PartyCode(parsing: code))
        let submitted = try await register.submit(form, secretHash: "h")
        _ = try await register.decide(submitted.id, .review, reason: nil, actor: "office")
        _ = try await register.decide(submitted.id, .approve, reason: nil, actor: "office")
    }

    @Test(arguments: TestBackend.available)
    func everyEVSEIDIsCheckedOnIngestAndAgainWhenTheRegisterChanges(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let register = store.register
            // No office configured: nothing to check against.
            _ = try await Self.ingest(store)
            #expect(try await Self.registerFindings(store) == [])

            // Configuring the office re-checks every stored location.
            try await register.configure(OfficeSettings(countries: ["CL"]), actor: "office")
            #expect(
                try await Self.registerFindings(store) == [
                    "evses[0].evse_id register.evse_operator_unknown",
                    "evses[1].evse_id register.evse_operator_unknown",
                    "evses[2].evse_id register.evse_operator_foreign_unregistered",
                    "evses[3].evse_id register.evse_operator_foreign_unregistered",
                    "evses[4].evse_id register.evse_operator_foreign_unregistered",
                    "evses[5].evse_id register.evse_operator_unknown",
                ])

            try await Self.approve(register, "Voltaje Andino SpA", company: "76.123.456-7", code: "CL*VLT")
            try await Self.approve(register, "Alta Carga SpA", company: "77.000.111-2", code: "CL*ALT")
            _ = try await register.importForeign(
                [
                    ForeignParty(
                        code: try PartyCode(parsing: "DE*XYZ"), roles: [.cpo], holderName: "X", status: "ACTIVE"),
                    ForeignParty(
                        code: try PartyCode(parsing: "CO*SUS"), roles: [.cpo], holderName: "S", status: "SUSPENDED"),
                ], source: "test", actor: "office")
            let expected = [
                "evses[1].evse_id register.evse_operator_unknown",
                "evses[2].evse_id register.evse_operator_unauthorised",
                "evses[3].evse_id register.evse_operator_foreign_unregistered",
                "evses[4].evse_id register.evse_operator_suspended",
                "evses[5].evse_id register.evse_operator_unauthorised",
            ]
            #expect(try await Self.registerFindings(store) == expected)

            // A re-ingest of the same content gives the same findings and counts, and keeps the data.
            let again = try await Self.ingest(store)
            #expect(again.unchanged == 1 && again.refused == 0)
            #expect(again.findingsByCode[.evseOperatorUnauthorised] == 2)
            #expect(try await Self.registerFindings(store) == expected)

            // An authorisation lifts the finding; suspending and revoking holders add theirs.
            try await register.authorise(
                try PartyCode(parsing: "CL*VLT"), under: try PartyCode(parsing: "CL*ALT"), actor: "office")
            #expect(
                try await !Self.registerFindings(store).contains("evses[5].evse_id register.evse_operator_unauthorised")
            )
            _ = try await register.change(try PartyCode(parsing: "CL*VLT"), .suspend, reason: "audit", actor: "office")
            _ = try await register.change(try PartyCode(parsing: "CL*ALT"), .revoke, reason: "fraud", actor: "office")
            #expect(
                try await Self.registerFindings(store) == [
                    "evses[0].evse_id register.evse_operator_suspended",
                    "evses[1].evse_id register.evse_operator_unknown",
                    "evses[2].evse_id register.evse_operator_unauthorised",
                    "evses[3].evse_id register.evse_operator_foreign_unregistered",
                    "evses[4].evse_id register.evse_operator_suspended",
                    "evses[5].evse_id register.evse_operator_revoked",
                ])
            _ = try await register.change(try PartyCode(parsing: "CL*VLT"), .reinstate, reason: "ok", actor: "office")
            #expect(try await Self.registerFindings(store).first == "evses[1].evse_id register.evse_operator_unknown")

            // Findings never touch the data: still one version, every EVSE kept.
            #expect(try await store.history(of: Self.key).count == 1)
            let document = try JSONParser.parse(try #require(try await store.location(Self.key)).document)
            guard case .array(let evses)? = document["evses"] else { throw CocoaError(.coderReadCorrupt) }
            #expect(evses.count == 7)
        }
    }

    @Test func codesHeldByTheSameOrganisationNeedNoAuthorisation() throws {
        let snapshot = RegisterSnapshot(
            own: [
                "CLAAA": .init(status: .active, organisationID: 1), "CLBBB": .init(status: .active, organisationID: 1),
                "CLCCC": .init(status: .active, organisationID: 2),
            ], countries: ["CL"])
        let party = try PartyCode(parsing: "CL*AAA")
        #expect(snapshot.findings(party: party, evseIDs: ["CL*BBB*E1", "not an id", nil]).map(\.code) == [])
        #expect(snapshot.findings(party: party, evseIDs: ["CLCCCE2"]).map(\.code) == [.evseOperatorUnauthorised])
        #expect(RegisterSnapshot().findings(party: party, evseIDs: ["CLZZZE1"]) == [])
    }
}
