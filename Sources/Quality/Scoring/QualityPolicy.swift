import JSON
import RegistryCore

/// What a country demands of its operators' data (registries.md §4.3 compliance thresholds):
/// how the three dimensions weigh in the combined score, the scores an operator must reach to be
/// compliant and below which it is not, the rules that must never fail, and the time limits of
/// the timeliness rules. The default is `Schemas/json/quality-policy.json`; a ministry passes its
/// own file with `--quality-policy`.
public struct QualityPolicy: Sendable, Equatable {
    public struct Scores: Sendable, Equatable {
        public var completeness: Double
        public var correctness: Double
        public var timeliness: Double
    }

    public struct Timeliness: Sendable, Equatable {
        public var staticLatencyHours: Int64 = 24
        public var staticLatencyZeroDays: Int64 = 7
        public var dynamicLatencySeconds: Int64 = 60
        public var statusStaleHours: Int64 = 24
        public var recordAgeDays: Int64 = 365
        public var unconfirmedDays: Int64 = 365
        public var feedSilentHours: Int64 = 24
        public var feedSilentZeroDays: Int64 = 7

        public init() {}
    }

    /// Weights of the combined score; they sum to 1.
    public var weights: Scores
    /// At or above all three: compliant (unless a critical rule fails).
    public var compliant: Scores
    /// Below any of these: not compliant.
    public var nonCompliantBelow: Scores
    /// One failure of any of these in a published record makes the operator not compliant.
    public var criticalRules: [FindingCode]
    public var timeliness: Timeliness

    /// A policy file that cannot be used; says which member is wrong.
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) { self.description = description }
    }

    /// Reads a policy document; every member is required, so a typo cannot silently keep a default.
    public init(json bytes: [UInt8], knownCodes: Set<FindingCode>) throws {
        let document: JSONValue
        do { document = try JSONParser.parse(bytes) } catch {
            throw Invalid(description: "the quality policy is not JSON: \(error)")
        }
        func number(_ path: String) throws -> Double {
            var value: JSONValue? = document
            for key in path.split(separator: ".") { value = value?[String(key)] }
            guard case .number(let number) = value, let double = number.doubleValue, double >= 0 else {
                throw Invalid(description: "the quality policy's \(path) must be a number ≥ 0")
            }
            return double
        }
        func scores(_ name: String, max: Double) throws -> Scores {
            let scores = Scores(
                completeness: try number("\(name).completeness"), correctness: try number("\(name).correctness"),
                timeliness: try number("\(name).timeliness"))
            for value in [scores.completeness, scores.correctness, scores.timeliness] where value > max {
                throw Invalid(description: "the quality policy's \(name) values must be at most \(max)")
            }
            return scores
        }
        weights = try scores("weights", max: 1)
        let sum = weights.completeness + weights.correctness + weights.timeliness
        guard abs(sum - 1) < 0.001 else {
            throw Invalid(description: "the quality policy's weights must add up to 1, not \(sum)")
        }
        compliant = try scores("compliant", max: 100)
        nonCompliantBelow = try scores("non_compliant_below", max: 100)
        guard nonCompliantBelow.completeness <= compliant.completeness,
            nonCompliantBelow.correctness <= compliant.correctness, nonCompliantBelow.timeliness <= compliant.timeliness
        else {
            throw Invalid(description: "the quality policy's non_compliant_below values must not exceed compliant's")
        }
        guard case .array(let items) = document["critical_rules"] else {
            throw Invalid(description: "the quality policy's critical_rules must be an array of rule codes")
        }
        criticalRules = try items.map { item in
            guard case .string(let text) = item, knownCodes.contains(FindingCode(rawValue: text)) else {
                throw Invalid(description: "the quality policy's critical_rules names an unknown rule: \(item)")
            }
            return FindingCode(rawValue: text)
        }
        timeliness = Timeliness()
        for (key, path) in [
            ("static_latency_hours", \Timeliness.staticLatencyHours),
            ("static_latency_zero_days", \.staticLatencyZeroDays),
            ("dynamic_latency_seconds", \.dynamicLatencySeconds), ("status_stale_hours", \.statusStaleHours),
            ("record_age_days", \.recordAgeDays), ("unconfirmed_days", \.unconfirmedDays),
            ("feed_silent_hours", \.feedSilentHours), ("feed_silent_zero_days", \.feedSilentZeroDays),
        ] as [(String, WritableKeyPath<Timeliness, Int64>)] {
            let value = try number("timeliness.\(key)")
            guard value == value.rounded(), value >= 1 else {
                throw Invalid(description: "the quality policy's timeliness.\(key) must be a whole number ≥ 1")
            }
            timeliness[keyPath: path] = Int64(value)
        }
    }

    /// The combined score of three dimension scores.
    public func combined(completeness: Double, correctness: Double, timeliness: Double) -> Double {
        weights.completeness * completeness + weights.correctness * correctness + weights.timeliness * timeliness
    }
}
