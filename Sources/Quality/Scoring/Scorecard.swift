import RegistryCore

/// An operator's (or the country's) quality at one instant (registries.md §4.4 operator
/// scorecard): EVSE-weighted scores per dimension and combined, the distribution of record
/// scores, every failing rule with its count and a few examples, the timeliness measures and the
/// compliance verdict. Built by adding records one at a time, so a national scan holds one
/// scorecard per operator, never the records.
public struct Scorecard: Sendable {
    public struct Scores: Sendable, Equatable {
        public var completeness: Double
        public var correctness: Double
        public var timeliness: Double
        public var combined: Double

        public init(completeness: Double, correctness: Double, timeliness: Double, combined: Double) {
            self.completeness = completeness
            self.correctness = correctness
            self.timeliness = timeliness
            self.combined = combined
        }
    }

    /// One rule's failures in this scope.
    public struct RuleTally: Sendable {
        public var count = 0
        /// How many records fail it at least once.
        public var records = 0
        public var examples: [Example] = []
    }

    public struct Example: Sendable {
        /// Nil for an operator-level finding.
        public var location: LocationKey?
        public var path: String
        public var message: String
    }

    public static let exampleLimit = 3

    /// `national`, or a party code such as `CL*VLT`.
    public var scope: String
    public var locations = 0
    public var evses = 0
    /// Records by combined score: [0, 10), [10, 20), … [90, 100].
    public var distribution = [Int](repeating: 0, count: 10)
    public var rules: [FindingCode: RuleTally] = [:]
    public var staleEVSEs = 0
    public var liveEVSEs = 0
    public var dynamicUpdates = 0
    public var dynamicUpdatesLate = 0
    /// The last successful pull, push or file ingest naming this operator.
    public var lastSuccessfulIngest: Timestamp?
    /// 0–1 from the feed's silence (`timeliness.feed_silent`); nil when no run names the operator.
    public var feedScore: Double?
    var staticLatencies: [Int64] = []
    var weight = 0.0
    var sums = Scores(completeness: 0, correctness: 0, timeliness: 0, combined: 0)

    public init(scope: String) { self.scope = scope }

    public mutating func add(_ record: RecordQuality) {
        add(record, counts: record.findings.counts)
    }

    /// Adds a record whose findings are given by their `counts` per rule; `record.findings` need
    /// hold only those that can still be examples (a rule's first, up to `exampleLimit`), so that
    /// a stored score is added without reading every finding's message.
    public mutating func add(_ record: RecordQuality, counts: [FindingCount]) {
        locations += 1
        evses += record.evses
        let w = Double(max(1, record.evses))
        weight += w
        sums.completeness += w * record.completeness
        sums.correctness += w * record.correctness
        sums.timeliness += w * record.timeliness
        sums.combined += w * record.combined
        distribution[min(9, max(0, Int(record.combined / 10)))] += 1
        staleEVSEs += record.staleEVSEs
        liveEVSEs += record.liveEVSEs
        if let latency = record.staticLatencySeconds { staticLatencies.append(latency) }
        if record.dynamicLatencySeconds != nil {
            dynamicUpdates += 1
            // Late by the policy's limit, which the timeliness rules applied.
            if counts.contains(where: { $0.code == .dynamicLatency }) { dynamicUpdatesLate += 1 }
        }
        for entry in counts {
            tally(entry, at: record.key, examples: record.findings.lazy.filter { $0.code == entry.code })
        }
    }

    /// Adds another scorecard of the same scope built from other records (a scan's worker's).
    public mutating func merge(_ other: Scorecard) {
        locations += other.locations
        evses += other.evses
        weight += other.weight
        sums.completeness += other.sums.completeness
        sums.correctness += other.sums.correctness
        sums.timeliness += other.sums.timeliness
        sums.combined += other.sums.combined
        for index in 0..<10 { distribution[index] += other.distribution[index] }
        staleEVSEs += other.staleEVSEs
        liveEVSEs += other.liveEVSEs
        dynamicUpdates += other.dynamicUpdates
        dynamicUpdatesLate += other.dynamicUpdatesLate
        staticLatencies += other.staticLatencies
        for (code, tally) in other.rules {
            var merged = rules[code] ?? RuleTally()
            merged.count += tally.count
            merged.records += tally.records
            merged.examples += tally.examples.prefix(Self.exampleLimit - merged.examples.count)
            rules[code] = merged
        }
    }

    /// Counts an operator-level finding (no record).
    public mutating func add(operatorFinding finding: Finding) {
        tally(FindingCount(code: finding.code, count: 1), at: nil, examples: [finding])
    }

    /// Counts one record's (or the operator's) failures of a rule, with the first as examples.
    private mutating func tally(_ failures: FindingCount, at key: LocationKey?, examples: some Sequence<Finding>) {
        var tally = rules[failures.code] ?? RuleTally()
        tally.count += failures.count
        tally.records += 1
        for finding in examples {
            guard tally.examples.count < Self.exampleLimit else { break }
            tally.examples.append(Example(location: key, path: finding.path, message: finding.message))
        }
        rules[failures.code] = tally
    }

    /// EVSE-weighted means; an operator's timeliness blends in its feed (0.8 records, 0.2 feed).
    public func scores(policy: QualityPolicy) -> Scores {
        guard weight > 0 else { return Scores(completeness: 0, correctness: 0, timeliness: 0, combined: 0) }
        var scores = Scores(
            completeness: sums.completeness / weight, correctness: sums.correctness / weight,
            timeliness: sums.timeliness / weight, combined: 0)
        if let feedScore { scores.timeliness = 0.8 * scores.timeliness + 0.2 * 100 * feedScore }
        scores.combined = policy.combined(
            completeness: scores.completeness, correctness: scores.correctness, timeliness: scores.timeliness)
        return scores
    }

    /// The median received − `last_updated` of the changes seen, in seconds.
    public var medianStaticLatency: Int64? {
        guard !staticLatencies.isEmpty else { return nil }
        return staticLatencies.sorted()[staticLatencies.count / 2]
    }

    /// Failing rules, most frequent first.
    public var failingRules: [(code: FindingCode, tally: RuleTally)] {
        rules.map { ($0.key, $0.value) }.sorted { ($0.tally.count, $1.code) > ($1.tally.count, $0.code) }
    }

    /// The country's scorecard: operators' scores weighted by their EVSEs, their counts summed.
    public static func national(_ operators: [Scorecard], policy: QualityPolicy) -> Scorecard {
        var national = Scorecard(scope: "national")
        for card in operators {
            // The operator's final scores (its feed blended in), weighted by its EVSEs.
            let scores = card.scores(policy: policy)
            var weighted = card
            weighted.sums = Scores(
                completeness: card.weight * scores.completeness, correctness: card.weight * scores.correctness,
                timeliness: card.weight * scores.timeliness, combined: card.weight * scores.combined)
            national.merge(weighted)
        }
        return national
    }
}
