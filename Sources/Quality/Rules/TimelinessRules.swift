import RegistryCore

/// Timeliness of one record at one instant (registries.md §4.3 C; AFIR 2025/655: static changes
/// within 24 hours, dynamic data within one minute). It changes with the clock alone, so it is
/// computed when asked, from the record and the registry's own times, never stored.
///
/// T = weighted mean of the parts that apply: static latency (0.3, changes the registry saw
/// happen), dynamic latency (0.4, records that came by push), status freshness (0.2, EVSEs that
/// report a live status) and age (0.1); a `last_updated` in the future makes T zero (T5).
public struct TimelinessRules: Sendable {
    /// When the registry received and confirmed a record, from its ingest runs.
    public struct Receipt: Sendable {
        public var changedAt: Timestamp
        public var confirmedAt: Timestamp
        /// 1 for a record seen once; above 1, `changedAt` is when a change arrived.
        public var version: Int
        public var pushed: Bool

        public init(changedAt: Timestamp, confirmedAt: Timestamp, version: Int, pushed: Bool) {
            self.changedAt = changedAt
            self.confirmedAt = confirmedAt
            self.version = version
            self.pushed = pushed
        }
    }

    public struct Result: Sendable {
        /// 0–100.
        public var score: Double
        public var findings: [Finding]
        /// Received − `last_updated` of the latest change, when it applies.
        public var staticLatencySeconds: Int64?
        /// Received − the newest EVSE `last_updated`, for pushed records.
        public var dynamicLatencySeconds: Int64?
        public var staleEVSEs: Int
        public var liveEVSEs: Int
    }

    public var policy: QualityPolicy.Timeliness

    public init(policy: QualityPolicy.Timeliness) { self.policy = policy }

    public func assess(_ location: Location, _ receipt: Receipt, now: Timestamp) -> Result {
        var findings: [Finding] = []
        var parts: [(weight: Double, score: Double)] = []
        let received = receipt.changedAt.seconds
        let tolerance: Int64 = 60
        let future =
            [location.lastUpdated].compactMap { $0 } + location.evses.compactMap(\.lastUpdated)
        if let latest = future.max(), latest.seconds > received + tolerance {
            findings.append(
                Finding(
                    .futureTimestamp, "last_updated",
                    "\(latest) is later than its arrival at \(Timestamp(seconds: received))"))
        }

        var staticLatency: Int64?
        if receipt.version > 1, let updated = location.lastUpdated, updated.seconds <= received {
            let latency = received - updated.seconds
            staticLatency = latency
            let limit = policy.staticLatencyHours * 3600
            let zero = policy.staticLatencyZeroDays * 86_400
            parts.append((0.3, Self.decay(latency, full: limit, zero: zero)))
            if latency > limit {
                findings.append(
                    Finding(
                        .staticLatency, "last_updated",
                        "the change arrived \(Self.duration(latency)) after \(updated) (limit \(policy.staticLatencyHours) h)"
                    ))
            }
        }

        var dynamicLatency: Int64?
        if receipt.pushed, let newest = location.evses.compactMap(\.lastUpdated).max(), newest.seconds <= received {
            let latency = received - newest.seconds
            dynamicLatency = latency
            let withinLimit = latency <= policy.dynamicLatencySeconds
            parts.append((0.4, withinLimit ? 1 : 0))
            if !withinLimit {
                findings.append(
                    Finding(
                        .dynamicLatency, "evses",
                        "a pushed update arrived \(Self.duration(latency)) after it happened (limit \(policy.dynamicLatencySeconds) s)"
                    ))
            }
        }

        var stale = 0
        var live = 0
        for (index, evse) in location.evses.enumerated() {
            switch evse.status?.known {
            case .removed, .outOfOrder, .planned: continue
            default: break
            }
            live += 1
            let heard = max(evse.lastUpdated?.seconds ?? 0, receipt.confirmedAt.seconds)
            let silence = now.seconds - heard
            if silence > policy.statusStaleHours * 3600 {
                stale += 1
                findings.append(
                    Finding(
                        .statusStale, "evses[\(index)].status",
                        "no status for \(Self.duration(silence)) (limit \(policy.statusStaleHours) h)"))
            }
        }
        if live > 0 { parts.append((0.2, 1 - Double(stale) / Double(live))) }

        var fresh = 1.0
        if let updated = location.lastUpdated, now.seconds - updated.seconds > policy.recordAgeDays * 86_400 {
            fresh = 0
            findings.append(
                Finding(
                    .recordOld, "last_updated",
                    "not updated by the operator for \(Self.duration(now.seconds - updated.seconds)) (limit \(policy.recordAgeDays) days)"
                ))
        }
        if now.seconds - receipt.confirmedAt.seconds > policy.unconfirmedDays * 86_400 {
            fresh = 0
            findings.append(
                Finding(
                    .notConfirmed, "",
                    "no delivery confirmed this location for \(Self.duration(now.seconds - receipt.confirmedAt.seconds)) (limit \(policy.unconfirmedDays) days)"
                ))
        }
        parts.append((0.1, fresh))

        let weight = parts.reduce(0) { $0 + $1.weight }
        var score = 100 * parts.reduce(0) { $0 + $1.weight * $1.score } / weight
        if findings.contains(where: { $0.code == .futureTimestamp }) { score = 0 }
        return Result(
            score: score, findings: findings, staticLatencySeconds: staticLatency,
            dynamicLatencySeconds: dynamicLatency, staleEVSEs: stale, liveEVSEs: live)
    }

    /// 1 up to `full` seconds, falling linearly to 0 at `zero`.
    public static func decay(_ value: Int64, full: Int64, zero: Int64) -> Double {
        if value <= full { return 1 }
        if value >= zero || zero <= full { return 0 }
        return Double(zero - value) / Double(zero - full)
    }

    /// "3 d 4 h", "5 h 2 min", "42 s".
    public static func duration(_ seconds: Int64) -> String {
        if seconds >= 86_400 { return "\(seconds / 86_400) d \(seconds % 86_400 / 3600) h" }
        if seconds >= 3600 { return "\(seconds / 3600) h \(seconds % 3600 / 60) min" }
        if seconds >= 60 { return "\(seconds / 60) min \(seconds % 60) s" }
        return "\(seconds) s"
    }
}
