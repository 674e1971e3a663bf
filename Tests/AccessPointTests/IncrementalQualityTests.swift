import Foundation
import JSON
import Quality
import RegistryCore
import Storage
import TestDatabases
import TestFixtures
import Testing

@testable import AccessPoint

/// Issue #20: quality scored as data arrives gives exactly the scores of a full scan. Random
/// sequences of deliveries (deltas and full deliveries with removals, publish flags flipping,
/// EVSE IDs and positions shared between locations and operators), removals and register
/// changes, each followed by an incremental step, are compared with a full rescan at the same
/// instant: every stored record score and every scorecard, byte for byte.
@Suite struct IncrementalQualityTests {
    static let parties = ["VLT", "SUR"]
    /// Sites a few metres apart, so that the nearby-duplicate rule comes and goes.
    static let sites = [(-33.447487, -70.673676), (-33.426510, -70.611700), (-33.426560, -70.611650)]

    static func location(party: String, id: Int, random: inout SplitMix64) -> String {
        let (latitude, longitude) = sites[Int.random(in: 0..<sites.count, using: &random)]
        let jitter = Double(Int.random(in: 0...30, using: &random)) / 100_000
        let evses = (0..<Int.random(in: 1...2, using: &random)).map { index in
            // A small pool of IDs, some under the other operator's code: duplicates and
            // register findings both occur.
            let owner = parties[Int.random(in: 0...3, using: &random) == 0 ? 1 : 0]
            let evseID = "CL*\(owner)*E\(Int.random(in: 1...5, using: &random))"
            return """
                {"uid": "\(id)-\(index)", "evse_id": "\(evseID)", "status": "AVAILABLE",
                 "last_updated": "2026-01-01T00:00:00Z",
                 "connectors": [{"id": "1", "standard": "IEC_62196_T2", "format": "SOCKET", "power_type": "AC_3_PHASE",
                   "max_voltage": 230, "max_amperage": \(Int.random(in: 16...32, using: &random)),
                   "last_updated": "2026-01-01T00:00:00Z"}]}
                """
        }
        let publish = Int.random(in: 0..<6, using: &random) > 0
        return """
            {"country_code": "CL", "party_id": "\(party)", "id": "L\(id)", "publish": \(publish),
             "address": "Av. Providencia \(Int.random(in: 1...3, using: &random))", "city": "Santiago",
             "postal_code": "7500000", "country": "CHL",
             "coordinates": {"latitude": "\(String(format: "%.6f", latitude + jitter))", "longitude": "\(String(format: "%.6f", longitude))"},
             "time_zone": "America/Santiago", "operator": {"name": "Op"}, "last_updated": "2026-01-01T00:00:00Z",
             "evses": [\(evses.joined(separator: ","))]}
            """
    }

    /// Every stored record score, in key order.
    static func storedScores(_ store: any Store) async throws -> [String] {
        var rows: [String] = []
        try await store.quality.forEachScorePage(complete: true) { page in
            rows += page.map { "\($0)" }
        }
        return rows
    }

    /// Each operator's first findings of each rule, in key order, from the complete stored scores:
    /// the examples its scorecard must show.
    static func firstFindings(_ store: any Store) async throws -> [String] {
        var examples: [String: [FindingCode: [String]]] = [:]
        try await store.quality.forEachScorePage(complete: true) { page in
            for row in page {
                let scope = "\(row.key.countryCode)*\(row.key.partyID)"
                for finding in row.findings where examples[scope]?[finding.code]?.count ?? 0 < Scorecard.exampleLimit {
                    examples[scope, default: [:]][finding.code, default: []].append(
                        "\(row.key) \(finding.path) \(finding.message)")
                }
            }
        }
        return examples.flatMap { scope, rules in rules.map { "\(scope) \($0.key.rawValue): \($0.value)" } }.sorted()
    }

    /// The examples the scorecards show, as `firstFindings` lists them.
    static func examples(of cards: [String: Scorecard]) -> [String] {
        cards.flatMap { scope, card in
            card.rules.map { code, tally in
                "\(scope) \(code.rawValue): \(tally.examples.map { "\($0.location.map { "\($0)" } ?? "-") \($0.path) \($0.message)" })"
            }
        }.sorted()
    }

    /// Every scorecard as the quality API would serve it.
    static func scorecards(_ monitor: QualityMonitor, _ scanned: QualityMonitor.Scanned?, at instant: Timestamp)
        async throws -> [String]
    {
        let result = try await monitor.result(of: try #require(scanned), at: instant)
        let document = QualityDocument(rulebook: .standard)
        return ([result.national] + result.operators).map {
            String(
                decoding: document.scorecard(
                    $0, computedAt: result.computedAt, operators: $0.scope == "national" ? result.operators : []),
                as: UTF8.self)
        }
    }

    @Test(arguments: TestBackend.available)
    func incrementalScoringEqualsAFullScan(_ backend: TestBackend) async throws {
        let clock = QualityScanTests.ManualClock()
        try await backend.withStore(clock: clock.clock) { store, _ in
            try await store.register.configure(OfficeSettings(countries: ["CL"]), actor: "office")
            try await RepositoryLinkTests.approve(store.register, "Volt SpA", company: "76.123.456-7", code: "CL*VLT")
            var monitor = QualityMonitor(store: store, rulebook: .standard, clock: clock.clock)
            // Operators of more than two locations wait a step or more before being added up
            // again, as large ones do under a stream of changes.
            monitor.additionsPerStep = 2
            var random = SplitMix64(seed: 20)  // seeded: a failing sequence can be replayed
            var (scanned, work) = await monitor.step(after: nil, log: { _ in })
            #expect(work == .fullScan(0))
            var rescored = 0
            for round in 0..<36 {
                let party = Self.parties[Int.random(in: 0...1, using: &random)]
                let code = try PartyCode(parsing: "CL*\(party)")
                switch Int.random(in: 0..<10, using: &random) {
                case 0..<5:
                    // A delta: a few locations, new or changed.
                    let ids = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                        Int.random(in: 1...8, using: &random)
                    }
                    try await Self.deliver(
                        ids.map { Self.location(party: party, id: $0, random: &random) }, party: code, full: false,
                        store)
                case 5..<7:
                    // A full delivery: whatever it leaves out is removed.
                    let ids = (1...8).filter { _ in Bool.random(using: &random) }
                    try await Self.deliver(
                        ids.map { Self.location(party: party, id: $0, random: &random) }, party: code, full: true,
                        store)
                case 7:
                    // An empty full delivery: every location of the operator is removed.
                    try await Self.deliver([], party: code, full: true, store)
                case 8:
                    // The register: the first operator's code is suspended or reinstated, or
                    // (once) the second operator is approved.
                    let vlt = try PartyCode(parsing: "CL*VLT")
                    _ = try? await store.register.change(vlt, .suspend, reason: "unpaid", actor: "office")
                    if Bool.random(using: &random) {
                        _ = try await store.register.change(vlt, .reinstate, reason: "paid", actor: "office")
                    }
                default:
                    if round > 20 {
                        try? await RepositoryLinkTests.approve(
                            store.register, "Sur SpA", company: "77.222.333-4", code: "CL*SUR")
                    }
                }
                (scanned, work) = await monitor.step(after: scanned, log: { _ in })
                if case .rescored = work { rescored += 1 }
                #expect(work != .fullScan(0) || round == 0, "round \(round): \(work)")
                if round % 6 == 5 {
                    // Once the queue is empty, every scorecard has caught up (a slow addition may
                    // have been left for later).
                    (scanned, work) = await monitor.step(after: scanned, log: { _ in })
                    let incremental = (
                        try await Self.storedScores(store),
                        try await Self.scorecards(monitor, scanned, at: clock.clock.now())
                    )
                    (scanned, work) = await monitor.step(after: scanned, rescan: true, log: { _ in })
                    guard case .fullScan = work else {
                        Issue.record("round \(round): no full scan but \(work)")
                        return
                    }
                    let full = (
                        try await Self.storedScores(store),
                        try await Self.scorecards(monitor, scanned, at: clock.clock.now())
                    )
                    #expect(incremental.0 == full.0, "round \(round): record scores")
                    #expect(incremental.1 == full.1, "round \(round): scorecards")
                    #expect(!full.0.isEmpty)
                    #expect(
                        try await Self.examples(of: try #require(scanned).cards)
                            == (try await Self.firstFindings(store)), "round \(round): examples")
                }
            }
            #expect(rescored > 10)
            // The snapshots served are the full scan's.
            let national = try #require(try await store.quality.latest(scope: QualitySnapshot.nationalScope))
            #expect(
                String(decoding: national.document, as: UTF8.self)
                    == (try await Self.scorecards(monitor, scanned, at: clock.clock.now()))[0])
        }
    }

    /// A pushed location's score is served at once (the location route scores it live); the
    /// monitor's next step, seconds later, puts it on its operator's scorecard; a PATCH that
    /// changes nothing queues nothing.
    @Test(arguments: TestBackend.available)
    func aPushIsScoredAtOnceAndOnItsOperatorsScorecardAtTheNextStep(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let f = try await OCPIReceiverTests.fixture(store)
            let monitor = QualityMonitor(store: store, rulebook: .standard)
            var (scanned, work) = await monitor.step(after: nil, log: { _ in })
            #expect(work == .fullScan(0))
            let target = "\(OCPIReceiverTests.base)/CL/VLT/L1"
            #expect(await f.call("PUT", target, as: "own", body: OCPIReceiverTests.location()).status == 201)
            let record = await f.call("GET", "/api/v1/quality/locations/CL/VLT/L1", as: nil)
            #expect(record.status == 200, "\(record.json)")
            #expect(record.json["scores"]?["combined"] != nil, "\(record.json)")
            #expect(await f.call("GET", "/api/v1/quality/operators/CL*VLT", as: nil).status == 404)

            (scanned, work) = await monitor.step(after: scanned, log: { _ in })
            #expect(work == .rescored(1))
            let card = await f.call("GET", "/api/v1/quality/operators/CL*VLT", as: nil)
            #expect(card.status == 200 && card.json["locations"] == .number(JSONNumber(1)), "\(card.json)")

            let patch = #"{"name": "Av. Uno", "last_updated": "2026-11-01T12:00:00Z"}"#
            #expect(await f.call("PATCH", target, as: "own", body: patch).code == 1000)
            (scanned, work) = await monitor.step(after: scanned, log: { _ in })
            #expect(work == .rescored(1))
            #expect(await f.call("PATCH", target, as: "own", body: patch).code == 1000)
            (_, work) = await monitor.step(after: scanned, log: { _ in })
            #expect(work == .nothing)
        }
    }

    /// A change after a quiet step reaches its operator's scorecard in the step that rescores it;
    /// under a stream of changes a large operator's is added up again only every few steps.
    @Test func aChangeAfterAQuietStepIsAddedUpAtOnceAndAStreamWaits() async throws {
        try await TestBackend.sqlite.withStore { store, _ in
            let vlt = try PartyCode(parsing: "CL*VLT")
            var monitor = QualityMonitor(store: store, rulebook: .standard)
            // Five locations at two additions a step: added up every third step of a stream.
            monitor.additionsPerStep = 2
            // Kilometres apart, with EVSE IDs of their own: no location names another.
            func location(_ id: Int, amperage: Int = 16) -> String {
                """
                {"country_code": "CL", "party_id": "VLT", "id": "L\(id)", "publish": true, "name": "Sitio \(id)",
                 "address": "Av. \(id)", "city": "Santiago", "postal_code": "8320000", "country": "CHL",
                 "coordinates": {"latitude": "-33.\(40 + id)", "longitude": "-70.6\(id)"},
                 "time_zone": "America/Santiago", "last_updated": "2026-01-01T00:00:00Z",
                 "evses": [{"uid": "\(id)-1", "evse_id": "CL*VLT*E\(id)", "status": "AVAILABLE",
                   "last_updated": "2026-01-01T00:00:00Z",
                   "connectors": [{"id": "1", "standard": "IEC_62196_T2", "format": "SOCKET",
                     "power_type": "AC_3_PHASE", "max_voltage": 230, "max_amperage": \(amperage),
                     "last_updated": "2026-01-01T00:00:00Z"}]}]}
                """
            }
            var amperage = 16
            func change() async throws {
                amperage += 1
                try await Self.deliver([location(1, amperage: amperage)], party: vlt, full: false, store)
            }
            try await Self.deliver((1...5).map { location($0) }, party: vlt, full: true, store)
            var (scanned, work) = await monitor.step(after: nil, log: { _ in })
            #expect(work == .fullScan(5))
            var waiting: [Bool] = []
            for _ in 0..<5 {
                try await change()
                (scanned, work) = await monitor.step(after: scanned, log: { _ in })
                #expect(work == .rescored(1))
                waiting.append(try #require(scanned).stale.contains("CL*VLT"))
            }
            #expect(waiting == [false, true, true, false, true])
            (scanned, work) = await monitor.step(after: scanned, log: { _ in })
            #expect(work == .rescored(0) && scanned?.stale.isEmpty == true)
            (scanned, work) = await monitor.step(after: scanned, log: { _ in })
            #expect(work == .nothing)
            try await change()
            (scanned, work) = await monitor.step(after: scanned, log: { _ in })
            #expect(work == .rescored(1) && scanned?.stale.isEmpty == true)
        }
    }

    static func deliver(_ locations: [String], party: PartyCode, full: Bool, _ store: any Store) async throws {
        let file = Fixtures.temporaryDirectory().appendingPathComponent("delivery.json")
        try Data(("[" + locations.joined(separator: ",") + "]").utf8).write(to: file)
        var ingest = FileIngest(store: store)
        if full { ingest.fullDelivery = FullDelivery(party: party, maximumRemovedShare: 1, confirmed: true) }
        _ = try await ingest.ingest(path: file.path, party: party, version: nil)
    }
}
