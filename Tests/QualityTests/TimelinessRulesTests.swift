@testable import Quality
import RegistryCore
import Testing

/// The timeliness rules against the policy's limits (AFIR: static within 24 h, dynamic within a
/// minute), with the instant given, never read from the system clock.
@Suite struct TimelinessRulesTests {
    static let policy = QualityTestSupport.policy
    static let rules = TimelinessRules(policy: policy.timeliness)
    static let updated = Timestamp(seconds: 1_767_225_600)  // 2026-01-01T00:00:00Z

    static func location(evseUpdated: Timestamp) -> Location {
        var location = Location(countryCode: "CL", partyID: "VLT", id: "1")
        location.lastUpdated = evseUpdated
        var evse = EVSE(uid: "1")
        evse.status = .known(.available)
        evse.lastUpdated = evseUpdated
        location.evses = [evse]
        return location
    }

    static func receipt(_ seconds: Int64, version: Int = 2, pushed: Bool = true) -> TimelinessRules.Receipt {
        let received = Timestamp(seconds: updated.seconds + seconds)
        return TimelinessRules.Receipt(changedAt: received, confirmedAt: received, version: version, pushed: pushed)
    }

    @Test func aPushWithinAMinuteIsOnTimeAndLaterIsLate() {
        let onTime = Self.rules.assess(
            Self.location(evseUpdated: Self.updated), Self.receipt(30), now: Self.receipt(30).changedAt)
        #expect(onTime.findings.isEmpty && onTime.score == 100 && onTime.dynamicLatencySeconds == 30)
        let late = Self.rules.assess(
            Self.location(evseUpdated: Self.updated), Self.receipt(120), now: Self.receipt(120).changedAt)
        #expect(late.findings.map(\.code) == [.dynamicLatency] && late.score < onTime.score)

        var card = Scorecard(scope: "CL*VLT")
        for result in [onTime, late] {
            card.add(
                RecordQuality(
                    key: LocationKey(countryCode: "CL", partyID: "VLT", locationID: "1"), evses: 1, completeness: 100,
                    correctness: 100, timeliness: result.score, combined: 100, findings: result.findings,
                    staticLatencySeconds: result.staticLatencySeconds,
                    dynamicLatencySeconds: result.dynamicLatencySeconds,
                    staleEVSEs: result.staleEVSEs, liveEVSEs: result.liveEVSEs))
        }
        #expect(card.dynamicUpdates == 2 && card.dynamicUpdatesLate == 1)
    }

    @Test func aChangeArrivingDaysLateDecaysToZeroAtSevenDays() {
        let day: Int64 = 86_400
        let scores = ([0, 2, 4, 8] as [Int64]).map { days in
            let receipt = Self.receipt(days * day, pushed: false)
            return Self.rules.assess(Self.location(evseUpdated: Self.updated), receipt, now: receipt.changedAt)
        }
        #expect(scores[0].findings.isEmpty)
        #expect(scores[1].findings.map(\.code) == [.staticLatency])
        #expect(
            scores[0].score > scores[1].score && scores[1].score > scores[2].score && scores[2].score > scores[3].score)
        // A first sighting is no change the registry saw happen: no latency at all.
        let first = Self.rules.assess(
            Self.location(evseUpdated: Self.updated), Self.receipt(30 * day, version: 1, pushed: false),
            now: Self.receipt(30 * day).changedAt)
        #expect(first.staticLatencySeconds == nil)
    }

    @Test func aTimestampFromTheFutureZeroesTimeliness() {
        let result = Self.rules.assess(
            Self.location(evseUpdated: Timestamp(seconds: Self.updated.seconds + 3600)), Self.receipt(0),
            now: Self.receipt(0).changedAt)
        #expect(result.findings.contains { $0.code == .futureTimestamp } && result.score == 0)
    }
}
