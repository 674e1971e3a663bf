import JSON
import RegistryCore

/// The rule catalogue (`Schemas/json/quality-rules.json`) as the scorer reads it: each rule's
/// dimension, level and severity. The catalogue, not the code, says how much a finding weighs.
public struct QualityCatalogue: Sendable {
    public enum Dimension: String, Sendable, CaseIterable { case completeness, correctness, timeliness }
    public enum Level: String, Sendable, CaseIterable { case location, evse, connector, `operator` }
    public enum Severity: String, Sendable, CaseIterable {
        case error, warning, info

        /// Registries.md §4.3 B: E = 3, W = 1; information does not count.
        public var weight: Double {
            switch self {
            case .error: 3
            case .warning: 1
            case .info: 0
            }
        }
    }

    public struct Rule: Sendable {
        public var code: FindingCode
        public var dimension: Dimension
        public var level: Level
        public var severity: Severity
        public var description: String
    }

    public let rules: [FindingCode: Rule]
    /// Σ severity weights of the correctness rules evaluated once per object of each level: the
    /// denominator of K.
    let correctnessWeight: [Level: Double]

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public init(json bytes: [UInt8]) throws {
        guard case .array(let items) = try JSONParser.parse(bytes)["rules"] else {
            throw Invalid(description: "the rule catalogue has no rules array")
        }
        var rules: [FindingCode: Rule] = [:]
        for item in items {
            guard case .string(let code) = item["code"], case .string(let dimensionText) = item["dimension"],
                let dimension = Dimension(rawValue: dimensionText), case .string(let levelText) = item["level"],
                let level = Level(rawValue: levelText), case .string(let severityText) = item["severity"],
                let severity = Severity(rawValue: severityText), case .string(let description) = item["description"]
            else {
                throw Invalid(description: "a catalogue rule lacks code, dimension, level, severity or description")
            }
            rules[FindingCode(rawValue: code)] = Rule(
                code: FindingCode(rawValue: code), dimension: dimension, level: level, severity: severity,
                description: description)
        }
        self.rules = rules
        var weights: [Level: Double] = [:]
        for rule in rules.values where rule.dimension == .correctness {
            weights[rule.level, default: 0] += rule.severity.weight
        }
        correctnessWeight = weights
    }

    public func rule(_ code: FindingCode) -> Rule? { rules[code] }

    /// K for one record: 100 × (1 − Σ weights of its correctness findings / Σ weights of the
    /// evaluations made on it), each rule counted once per object it was evaluated on.
    public func correctness(of findings: [Finding], evses: Int, connectors: Int) -> Double {
        let capacity =
            (correctnessWeight[.location] ?? 0) + Double(evses) * (correctnessWeight[.evse] ?? 0)
            + Double(connectors) * (correctnessWeight[.connector] ?? 0)
        guard capacity > 0 else { return 100 }
        var penalty = 0.0
        var seen: Set<Finding> = []
        for finding in findings where seen.insert(finding).inserted {
            guard let rule = rules[finding.code], rule.dimension == .correctness else { continue }
            penalty += rule.severity.weight
        }
        return max(0, 100 * (1 - penalty / capacity))
    }
}
