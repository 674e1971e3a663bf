import RegistryCore

/// Whether an operator meets the country's quality policy, and why not (registries.md §4.3:
/// compliant, needs improvement, non-compliant; QualiCharge's per-operator pass/fail).
public struct Compliance: Sendable, Equatable {
    public enum Status: String, Sendable, Comparable {
        case compliant
        case needsImprovement = "needs_improvement"
        case nonCompliant = "non_compliant"

        private var rank: Int {
            switch self {
            case .compliant: 0
            case .needsImprovement: 1
            case .nonCompliant: 2
            }
        }

        public static func < (lhs: Status, rhs: Status) -> Bool { lhs.rank < rhs.rank }
    }

    public var status: Status
    /// One sentence per threshold missed or critical rule failed; empty when compliant.
    public var reasons: [String]

    public init(_ card: Scorecard, policy: QualityPolicy) {
        var status = Status.compliant
        var reasons: [String] = []
        let scores = card.scores(policy: policy)
        for (name, score, compliant, floor) in [
            ("completeness", scores.completeness, policy.compliant.completeness, policy.nonCompliantBelow.completeness),
            ("correctness", scores.correctness, policy.compliant.correctness, policy.nonCompliantBelow.correctness),
            ("timeliness", scores.timeliness, policy.compliant.timeliness, policy.nonCompliantBelow.timeliness),
        ] {
            if score < floor {
                status = max(status, .nonCompliant)
                reasons.append(
                    "\(name) \(Self.scoreText(score)) is below \(Self.scoreText(floor)), the non-compliance floor")
            } else if score < compliant {
                status = max(status, .needsImprovement)
                reasons.append(
                    "\(name) \(Self.scoreText(score)) is below \(Self.scoreText(compliant)), the compliance threshold")
            }
        }
        for code in policy.criticalRules {
            guard let tally = card.rules[code], tally.count > 0 else { continue }
            status = max(status, .nonCompliant)
            reasons.append(
                "critical rule \(code) fails \(tally.count) time\(tally.count == 1 ? "" : "s") in \(tally.records) record\(tally.records == 1 ? "" : "s")"
            )
        }
        self.status = status
        self.reasons = reasons
    }

    /// A score with one decimal, as reports print it.
    public static func scoreText(_ score: Double) -> String {
        let tenths = Int((score * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
