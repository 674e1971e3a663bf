import Foundation
import Hashing
import Quality
import RegistryCore
import Schemas

/// Everything the quality rules need from outside the program's code: the published rule
/// catalogue, the policy in force (the default one, or a ministry's file) and the machine's
/// IANA tzdata.
public struct QualityRulebook: Sendable {
    public let catalogue: QualityCatalogue
    public let policy: QualityPolicy
    /// Identifies the catalogue and policy (a SHA-256 of both files): scores kept under another
    /// fingerprint are stale, and the quality monitor rescans.
    public let fingerprint: String

    /// The system's tzdata (`/usr/share/zoneinfo`); nil when it is not installed, and then the
    /// time zone rules do not apply.
    public static let timeZones: TimeZoneTable? = {
        func read(_ name: String) -> String? {
            try? String(contentsOfFile: "/usr/share/zoneinfo/\(name)", encoding: .utf8)
        }
        guard let zone1970 = read("zone1970.tab") else { return nil }
        return TimeZoneTable(zone1970: zone1970, zoneTab: read("zone.tab") ?? "", tzdataZI: read("tzdata.zi") ?? "")
    }()

    /// The per-record correctness rules every ingest path runs.
    public static let correctnessRules = CorrectnessRules(timeZones: timeZones)

    /// The catalogue and the default policy, or the policy of `policyFile`.
    public init(policyFile: String? = nil) throws {
        guard let catalogueBytes = SchemaFiles.qualityRules, let defaultPolicy = SchemaFiles.qualityPolicy else {
            throw QualityPolicy.Invalid(description: "the program's quality rule catalogue or policy is missing")
        }
        catalogue = try QualityCatalogue(json: Array(catalogueBytes))
        let policyBytes: Data
        if let policyFile {
            guard let bytes = FileManager.default.contents(atPath: policyFile) else {
                throw QualityPolicy.Invalid(description: "cannot read the quality policy \(policyFile)")
            }
            policyBytes = bytes
        } else {
            policyBytes = defaultPolicy
        }
        policy = try QualityPolicy(json: Array(policyBytes), knownCodes: Set(catalogue.rules.keys))
        var hash = SHA256()
        hash.update(SHA256.hash(catalogueBytes))
        hash.update(SHA256.hash(policyBytes))
        fingerprint = SHA256.hex(hash.finalize())
    }

    /// The catalogue and the default policy, which the tests keep readable.
    public static let standard = try! QualityRulebook()

    public var scorer: QualityScorer {
        QualityScorer(catalogue: catalogue, policy: policy, timeZones: Self.timeZones)
    }
}
