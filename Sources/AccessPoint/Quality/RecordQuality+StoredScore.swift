import Quality
import RegistryCore
import Storage

/// A record's quality as the quality ledger keeps it between steps: the same figures, so that a
/// scorecard added up from stored scores equals one added up from fresh ones, bit for bit.
extension RecordQuality {
    init(_ row: QualityScoreRow) {
        self.init(
            key: row.key, evses: row.evses, completeness: row.completeness, correctness: row.correctness,
            timeliness: row.timeliness, combined: row.combined, findings: row.findings,
            staticLatencySeconds: row.staticLatencySeconds, dynamicLatencySeconds: row.dynamicLatencySeconds,
            staleEVSEs: row.staleEVSEs, liveEVSEs: row.liveEVSEs)
    }

    /// The row to store, with the locations its cross-record findings name: every finding
    /// counted, and of each rule the first that a scorecard could show as examples (a record of
    /// many EVSEs gives dozens of findings, a national register millions). A score that is not a
    /// number (no rule gives one) is stored as 0, which every backend can hold.
    func row(related: [LocationKey]) -> QualityScoreRow {
        func finite(_ value: Double) -> Double { value.isFinite ? value : 0 }
        var kept: [FindingCode: Int] = [:]
        let examples = findings.filter { finding in
            kept[finding.code, default: 0] += 1
            return kept[finding.code, default: 0] <= Scorecard.exampleLimit
        }
        return QualityScoreRow(
            key: key, evses: evses, completeness: finite(completeness), correctness: finite(correctness),
            timeliness: finite(timeliness), combined: finite(combined), staticLatencySeconds: staticLatencySeconds,
            dynamicLatencySeconds: dynamicLatencySeconds, staleEVSEs: staleEVSEs, liveEVSEs: liveEVSEs,
            findingCounts: findings.counts, findings: examples, related: related)
    }
}
