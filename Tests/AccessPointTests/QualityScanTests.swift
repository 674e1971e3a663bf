import Foundation
import HTTPServer
import Quality
import RegistryCore
import Storage
import Synchronization
import TestDatabases
import TestFixtures
import Testing

@testable import AccessPoint

/// Issue #8 end to end on both backends: a scan scores every record with the cross-record rules,
/// builds the operator's and the country's scorecards with compliance, records daily snapshots,
/// and timeliness moves with the (injected) clock alone; the quality API serves all of it.
@Suite struct QualityScanTests {
    /// A clock the test moves by hand.
    final class ManualClock: Sendable {
        let now = Mutex(Timestamp(seconds: 1_767_312_000))  // 2026-01-02T00:00:00Z
        var clock: RegistryClock { RegistryClock { self.now.withLock { $0 } } }
        func advance(days: Int64) { now.withLock { $0 = Timestamp(seconds: $0.seconds + days * 86_400) } }
    }

    static func location(_ id: String, latitude: String, longitude: String, evseID: String, power: Int? = nil) -> String
    {
        let power = power.map { #", "max_electric_power": \#($0)"# } ?? ""
        return """
            {"country_code": "CL", "party_id": "VLT", "id": "\(id)", "publish": true, "address": "Av. Providencia 1",
             "city": "Santiago", "postal_code": "7500000", "country": "CHL",
             "coordinates": {"latitude": "\(latitude)", "longitude": "\(longitude)"},
             "time_zone": "America/Santiago", "operator": {"name": "Volt"}, "last_updated": "2026-01-01T00:00:00Z",
             "evses": [{"uid": "\(id)-1", "evse_id": "\(evseID)", "status": "AVAILABLE", "last_updated": "2026-01-01T00:00:00Z",
               "connectors": [{"id": "1", "standard": "IEC_62196_T2", "format": "SOCKET", "power_type": "AC_3_PHASE",
                 "max_voltage": 230, "max_amperage": 32\(power), "last_updated": "2026-01-01T00:00:00Z"}]}]}
            """
    }

    /// Three sound locations across Santiago and a fourth that reuses LOC1's EVSE ID, stands 8 m
    /// from LOC2 and declares its power in kilowatts.
    static let feed =
        "["
        + [
            location("LOC1", latitude: "-33.447487", longitude: "-70.673676", evseID: "CL*VLT*E1"),
            location("LOC2", latitude: "-33.426510", longitude: "-70.611700", evseID: "CL*VLT*E2"),
            location("LOC3", latitude: "-33.392900", longitude: "-70.585000", evseID: "CL*VLT*E3"),
            location("LOC4", latitude: "-33.426560", longitude: "-70.611650", evseID: "CL*VLT*E1", power: 22),
        ].joined(separator: ",") + "]"

    static func prepare(_ store: any Store) async throws {
        try await store.register.configure(OfficeSettings(countries: ["CL"]), actor: "office")
        try await RepositoryLinkTests.approve(store.register, "Volt SpA", company: "76.123.456-7", code: "CL*VLT")
        let file = Fixtures.temporaryDirectory().appendingPathComponent("vlt.json")
        try Data(feed.utf8).write(to: file)
        _ = try await FileIngest(store: store).ingest(
            path: file.path, party: try PartyCode(parsing: "CL*VLT"), version: nil)
    }

    /// One location's cross-record findings from the index tables (what the location route and
    /// an incremental rescoring use) are exactly those the whole-register pass finds for it, and
    /// an unpublished location is in neither.
    @Test(arguments: TestBackend.available)
    func oneLocationsCrossRecordFindingsAreTheScansForIt(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            try await Self.prepare(store)
            let more = [
                Self.location("LOC5", latitude: "-33.426600", longitude: "-70.611720", evseID: "CL*VLT*E2"),
                Self.location("HIDDEN", latitude: "-33.447487", longitude: "-70.673676", evseID: "CL*VLT*E1")
                    .replacing(#""publish": true"#, with: #""publish": false"#),
            ]
            let file = Fixtures.temporaryDirectory().appendingPathComponent("more.json")
            try Data(("[" + more.joined(separator: ",") + "]").utf8).write(to: file)
            _ = try await FileIngest(store: store).ingest(path: file.path, party: nil, version: nil)
            let scan = QualityScan(store: store, rulebook: .standard)
            let all = try await scan.crossRecordFindings()
            #expect(all.keys.map(\.locationID).sorted() == ["LOC1", "LOC2", "LOC4", "LOC5"])
            for id in ["LOC1", "LOC2", "LOC3", "LOC4", "LOC5"] {
                let key = LocationKey(countryCode: "CL", partyID: "VLT", locationID: id)
                let stored = try #require(try await store.location(key))
                let alone = try await scan.crossRecordFindings(of: try CanonicalDocument.location(of: stored))
                #expect(alone.findings == (all[key]?.findings ?? []), "\(id)")
                #expect(alone.related == (all[key]?.related ?? []), "\(id)")
                #expect(!alone.findings.contains { $0.message.contains("HIDDEN") }, "\(id)")
                #expect(!alone.related.contains { $0.locationID == "HIDDEN" }, "\(id)")
            }
            #expect(all[LocationKey(countryCode: "CL", partyID: "VLT", locationID: "LOC2")]?.findings.count == 3)
        }
    }

    /// The monitor scores everything first; then an all-unchanged file and an empty one trigger
    /// nothing, a changed location is rescored with its neighbours, the snapshots are recorded
    /// again after `maximumAge`, and everything is scored afresh after `rescanAge`.
    @Test(arguments: TestBackend.available)
    func onlyARunThatChangedPublishedDataTriggersScoring(_ backend: TestBackend) async throws {
        let manual = ManualClock()
        try await backend.withStore(clock: manual.clock) { store, _ in
            try await Self.prepare(store)
            let monitor = QualityMonitor(store: store, rulebook: .standard, clock: manual.clock, maximumAge: 3600)
            let lines = Mutex<[String]>([])
            @Sendable func log(_ line: String) { lines.withLock { $0.append(line) } }
            func ingest(_ text: String) async throws {
                let file = Fixtures.temporaryDirectory().appendingPathComponent("vlt.json")
                try Data(text.utf8).write(to: file)
                _ = try await FileIngest(store: store).ingest(
                    path: file.path, party: try PartyCode(parsing: "CL*VLT"), version: nil)
            }
            var (scanned, work) = await monitor.step(after: nil, log: log)
            #expect(work == .fullScan(4))
            try await ingest(Self.feed)
            try await ingest("[]")
            (scanned, work) = await monitor.step(after: scanned, log: log)
            #expect(work == .nothing)
            manual.now.withLock { $0 = Timestamp(seconds: $0.seconds + 60) }
            try await ingest(Self.feed.replacing("Av. Providencia 1", with: "Av. Providencia 2"))
            (scanned, work) = await monitor.step(after: scanned, log: log)
            guard case .rescored(let rescored) = work else {
                Issue.record("\(work)")
                return
            }
            #expect((1...4).contains(rescored))
            // An hour on, a step that rescores a change records only its operator: the next
            // records every scope again.
            manual.now.withLock { $0 = Timestamp(seconds: $0.seconds + 3600) }
            try await ingest(Self.feed.replacing("Av. Providencia 1", with: "Av. Providencia 3"))
            (scanned, work) = await monitor.step(after: scanned, log: log)
            #expect(work != .nothing && work != .recorded)
            (scanned, work) = await monitor.step(after: scanned, log: log)
            #expect(work == .recorded)
            (scanned, work) = await monitor.step(after: scanned, log: log)
            #expect(work == .nothing)
            manual.advance(days: 1)
            (_, work) = await monitor.step(after: scanned, log: log)
            #expect(work == .fullScan(4))
            #expect(lines.withLock { $0.count } == 2)
            #expect(lines.withLock { $0 }.allSatisfy { $0.hasPrefix("scored 4 locations of 1 operators") })
        }
    }

    @Test(arguments: TestBackend.available)
    func aScanScoresAndTimelinessMovesWithTheClock(_ backend: TestBackend) async throws {
        let manual = ManualClock()
        try await backend.withStore(clock: manual.clock) { store, _ in
            try await Self.prepare(store)
            let scan = QualityScan(store: store, rulebook: .standard, clock: manual.clock)
            let fresh = try await scan.run()
            try await scan.record(fresh)
            #expect(fresh.national.locations == 4 && fresh.national.evses == 4)
            let card = try #require(fresh.operators.first { $0.scope == "CL*VLT" })
            #expect(card.rules[.evseIDDuplicate]?.count == 2)
            #expect(card.rules[.locationDuplicate]?.count == 2)
            #expect(card.rules[.powerInKilowatts]?.count == 1)
            #expect(card.rules[.statusStale] == nil && card.rules[.feedSilent] == nil)
            let compliance = Compliance(card, policy: QualityRulebook.standard.policy)
            #expect(compliance.status == .nonCompliant)
            #expect(compliance.reasons.contains { $0.contains("quality.evse_id_duplicate") })

            manual.advance(days: 2)
            let later = try await scan.run()
            try await scan.record(later)
            let laterCard = try #require(later.operators.first { $0.scope == "CL*VLT" })
            #expect(laterCard.rules[.statusStale]?.count == 4)
            #expect(laterCard.rules[.feedSilent]?.count == 1)
            let policy = QualityRulebook.standard.policy
            #expect(laterCard.scores(policy: policy).timeliness < card.scores(policy: policy).timeliness)
            #expect(laterCard.scores(policy: policy).correctness == card.scores(policy: policy).correctness)

            let trend = try await store.quality.trend(scope: "CL*VLT")
            #expect(trend.map(\.day) == ["2026-01-02", "2026-01-04"])
            #expect(trend[1].timeliness < trend[0].timeliness)
        }
    }

    @Test(arguments: TestBackend.available)
    func theQualityAPIServesScorecardsAndFindings(_ backend: TestBackend) async throws {
        let manual = ManualClock()
        try await backend.withStore(clock: manual.clock) { store, _ in
            try await Self.prepare(store)
            var router = HTTPRouter()
            AccessRoutes(store: store, backend: "test", settings: AccessPointSettings(clock: manual.clock))
                .routes(into: &router)
            func get(_ target: String) async throws -> (HTTPStatus, [String: Any]) {
                let response = await router.respond(to: HTTPRequest(method: "GET", target: target))
                return (
                    response.status,
                    try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] ?? [:]
                )
            }
            // No snapshot yet: a request never scans, it says to come back.
            let early = await router.respond(to: HTTPRequest(method: "GET", target: "/api/v1/quality/operators/CL*VLT"))
            #expect(early.status == .serviceUnavailable && early.headers["Retry-After"] == "30")
            #expect(try await store.quality.latest(scope: QualitySnapshot.nationalScope) == nil)
            let scan = QualityScan(store: store, rulebook: .standard, clock: manual.clock)
            try await scan.record(try await scan.run())
            let (status, national) = try await get("/api/v1/quality")
            #expect(status == .ok && national["scope"] as? String == "national")
            #expect((national["operators"] as? [[String: Any]])?.first?["scope"] as? String == "CL*VLT")
            #expect((national["trend"] as? [Any])?.count == 1)

            let (operatorStatus, card) = try await get("/api/v1/quality/operators/CL*VLT")
            #expect(operatorStatus == .ok && card["locations"] as? Int == 4)
            let rules = (card["rules"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            #expect(rules.contains("quality.evse_id_duplicate") && rules.contains("quality.power_in_kilowatts"))
            #expect((card["compliance"] as? [String: Any])?["status"] as? String == "non_compliant")

            #expect(try await get("/api/v1/quality/operators/CL-V").0 == .badRequest)
            #expect(try await get("/api/v1/quality/operators/CL*ZZZ").0 == .notFound)

            let (locationStatus, record) = try await get("/api/v1/quality/locations/CL/VLT/LOC4")
            #expect(locationStatus == .ok)
            let codes = (record["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            for code in ["quality.evse_id_duplicate", "quality.location_duplicate", "quality.power_in_kilowatts"] {
                #expect(codes.contains(code), "LOC4 lacks \(code): \(codes)")
            }
            let (_, sound) = try await get("/api/v1/quality/locations/CL/VLT/LOC3")
            let soundScores = sound["scores"] as? [String: Any]
            #expect(soundScores?["correctness"] as? Double == 100)
            #expect(try await get("/api/v1/quality/locations/CL/VLT/NOPE").0 == .notFound)
        }
    }
}
