import RegistryCore

/// Scores one record on the three dimensions (registries.md §4.3: C, K, T and the combined
/// index): the findings stored with it at ingest (decoder and register), this version's
/// correctness rules run afresh (so a rule added later applies to old records too), the scan's
/// cross-record findings, the completeness gaps and the timeliness of the moment.
public struct QualityScorer: Sendable {
    public var catalogue: QualityCatalogue
    public var policy: QualityPolicy
    public var correctnessRules: CorrectnessRules

    public init(catalogue: QualityCatalogue, policy: QualityPolicy, timeZones: TimeZoneTable?) {
        self.catalogue = catalogue
        self.policy = policy
        self.correctnessRules = CorrectnessRules(timeZones: timeZones)
    }

    /// Findings that depend on other records; `QualityScan` and the location report find them.
    public static let crossRecordCodes: Set<FindingCode> = [.evseIDDuplicate, .locationDuplicate]

    public func score(
        _ location: Location, stored: [Finding], crossRecord: [Finding], receipt: TimelinessRules.Receipt,
        now: Timestamp
    ) -> RecordQuality {
        let kept = stored.filter {
            !CorrectnessRules.findingCodes.contains($0.code) && !Self.crossRecordCodes.contains($0.code)
        }
        let correctnessFindings = kept + correctnessRules.findings(of: location) + crossRecord
        let completeness = CompletenessRules.assess(location)
        let timeliness = TimelinessRules(policy: policy.timeliness).assess(location, receipt, now: now)
        let connectors = location.evses.reduce(0) { $0 + $1.connectors.count }
        let correctness = catalogue.correctness(
            of: correctnessFindings, evses: location.evses.count, connectors: connectors)
        return RecordQuality(
            key: location.key, evses: location.evses.count, completeness: completeness.score,
            correctness: correctness, timeliness: timeliness.score,
            combined: policy.combined(
                completeness: completeness.score, correctness: correctness, timeliness: timeliness.score),
            findings: correctnessFindings + completeness.gaps + timeliness.findings,
            staticLatencySeconds: timeliness.staticLatencySeconds,
            dynamicLatencySeconds: timeliness.dynamicLatencySeconds, staleEVSEs: timeliness.staleEVSEs,
            liveEVSEs: timeliness.liveEVSEs)
    }
}

/// One record's quality at one instant.
public struct RecordQuality: Sendable {
    public var key: LocationKey
    public var evses: Int
    /// 0–100 each.
    public var completeness: Double
    public var correctness: Double
    public var timeliness: Double
    public var combined: Double
    /// Every finding of every dimension.
    public var findings: [Finding]
    public var staticLatencySeconds: Int64?
    public var dynamicLatencySeconds: Int64?
    public var staleEVSEs: Int
    public var liveEVSEs: Int

    public init(
        key: LocationKey, evses: Int, completeness: Double, correctness: Double, timeliness: Double,
        combined: Double, findings: [Finding], staticLatencySeconds: Int64?, dynamicLatencySeconds: Int64?,
        staleEVSEs: Int, liveEVSEs: Int
    ) {
        self.key = key
        self.evses = evses
        self.completeness = completeness
        self.correctness = correctness
        self.timeliness = timeliness
        self.combined = combined
        self.findings = findings
        self.staticLatencySeconds = staticLatencySeconds
        self.dynamicLatencySeconds = dynamicLatencySeconds
        self.staleEVSEs = staleEVSEs
        self.liveEVSEs = liveEVSEs
    }
}
