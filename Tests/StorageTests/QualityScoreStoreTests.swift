import RegistryCore
import TestDatabases
import Testing

@testable import Storage

/// The stored quality scores (schema 13) on both backends: figures read back bit for bit, a page
/// carries each rule's count of findings, and `findings(of:)` their paths and messages.
@Suite struct QualityScoreStoreTests {
    static func row(_ id: String, score: Double, findings: [Finding]) -> QualityScoreRow {
        QualityScoreRow(
            key: LocationKey(countryCode: "CL", partyID: "ABC", locationID: id), evses: 3, completeness: score,
            correctness: score / 3, timeliness: 100, combined: .ulpOfOne, staticLatencySeconds: 42,
            dynamicLatencySeconds: nil, staleEVSEs: 1, liveEVSEs: 2, findingCounts: findings.counts, findings: findings,
            related: [LocationKey(countryCode: "CL", partyID: "ABC", locationID: "other")])
    }

    @Test(arguments: TestBackend.available)
    func scoresReadBackExactlyAndFindingsOnRequest(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let findings = [
                Finding(FindingCode(rawValue: "completeness.postal_code"), "postal_code", "missing"),
                Finding(FindingCode(rawValue: "correctness.power"), "evses[0].connectors[0]", "0 W"),
                Finding(FindingCode(rawValue: "completeness.postal_code"), "evses[1]", "again"),
            ]
            // 0.1 + 0.2 has 17 significant digits: 15 would read back as another number.
            let written = [
                Self.row("A", score: 0.1 + 0.2, findings: findings), Self.row("B", score: 99.5, findings: []),
            ]
            try await store.quality.save(written, generation: 7)

            var pages: [[QualityScoreRow]] = []
            try await store.quality.forEachScorePage { pages.append($0) }
            let read = try #require(pages.first)
            #expect(pages.count == 1 && read.count == 2)
            #expect(read[0].completeness.bitPattern == (0.1 + 0.2).bitPattern)
            #expect(read[0].correctness.bitPattern == ((0.1 + 0.2) / 3).bitPattern)
            #expect(read[0].combined == .ulpOfOne)
            #expect(read[0].staticLatencySeconds == 42 && read[0].dynamicLatencySeconds == nil)
            #expect(read[0].evses == 3 && read[0].staleEVSEs == 1 && read[0].liveEVSEs == 2)
            #expect(
                read[0].findingCounts == [
                    FindingCount(code: "completeness.postal_code", count: 2),
                    FindingCount(code: "correctness.power", count: 1),
                ])
            #expect(read[0].findings.isEmpty && read[0].related.isEmpty && read[1].findingCounts.isEmpty)

            var complete: [QualityScoreRow] = []
            try await store.quality.forEachScorePage(complete: true) { complete += $0 }
            #expect(complete[0].findings == findings)
            #expect(complete[0].related == written[0].related)

            let found = try await store.quality.findings(of: [written[0].key, written[1].key])
            #expect(found[written[0].key] == findings)
            #expect(found[written[1].key] == [])
        }
    }

    /// A stored figure no scoring gives (written by hand or by another program) is an error
    /// naming the location, never a trap when a scorecard adds it up.
    @Test(arguments: TestBackend.available)
    func figuresOutOfRangeAreRefused(_ backend: TestBackend) async throws {
        try await backend.withStore { store, database in
            for (column, value) in [
                ("combined", "'Infinity'"), ("completeness", "-5"), ("evses", "9223372036854775807"),
                ("finding_counts", "'completeness.postal_code:9223372036854775807'"), ("live_evses", "-3"),
            ] {
                try await store.quality.save([Self.row("A", score: 50, findings: [])], generation: 1)
                try database.execute(
                    "UPDATE quality_scores SET \(column) = \(column == "combined" && backend == .sqlite ? "9e999" : value)"
                )
                let error = await #expect(throws: StoreError.self, "\(column)") {
                    try await store.quality.forEachScorePage { _ in }
                }
                #expect("\(error.map { "\($0)" } ?? "")".contains("CL/ABC/A is unreadable (\(column) "), "\(column)")
            }
        }
    }
}
