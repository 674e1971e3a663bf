import JSON
import Quality
import RegistryCore
import Storage

/// The JSON the quality API serves and `chargereg quality --format json` prints (issue #8):
/// scorecards (national and per operator) and one record's findings. Scores have one decimal.
struct QualityDocument {
    let rulebook: QualityRulebook

    func scorecard(_ card: Scorecard, computedAt: Timestamp, operators: [Scorecard]) -> [UInt8] {
        let policy = rulebook.policy
        var out = JSONWriter()
        out.beginObject()
        out.member("scope", card.scope)
        out.member("computed_at", computedAt.description)
        out.member("locations", card.locations)
        out.member("evses", card.evses)
        writeScores(card.scores(policy: policy), into: &out)
        let compliance = Compliance(card, policy: policy)
        out.key("compliance")
        out.beginObject()
        out.member("status", compliance.status.rawValue)
        out.key("reasons")
        out.beginArray()
        for reason in compliance.reasons { out.string(reason) }
        out.endArray()
        out.endObject()
        out.key("distribution")
        out.beginArray()
        for (index, records) in card.distribution.enumerated() {
            out.beginObject()
            out.member("from", index * 10)
            out.member("to", index * 10 + 10)
            out.member("records", records)
            out.endObject()
        }
        out.endArray()
        out.key("timeliness")
        out.beginObject()
        out.member("last_successful_ingest", card.lastSuccessfulIngest?.description)
        out.member("median_static_latency_seconds", card.medianStaticLatency.map { Int($0) })
        out.member("dynamic_updates", card.dynamicUpdates)
        out.member("dynamic_updates_late", card.dynamicUpdatesLate)
        out.member("live_evses", card.liveEVSEs)
        out.member("stale_evses", card.staleEVSEs)
        out.endObject()
        out.key("rules")
        out.beginArray()
        for (code, tally) in card.failingRules {
            out.beginObject()
            writeRule(code, into: &out)
            out.member("count", tally.count)
            out.member("records", tally.records)
            out.key("examples")
            out.beginArray()
            for example in tally.examples {
                out.beginObject()
                out.member("location", example.location?.description)
                out.member("path", example.path)
                out.member("message", example.message)
                out.endObject()
            }
            out.endArray()
            out.endObject()
        }
        out.endArray()
        if card.scope == QualitySnapshot.nationalScope {
            out.key("operators")
            out.beginArray()
            for operatorCard in operators {
                out.beginObject()
                out.member("scope", operatorCard.scope)
                out.member("locations", operatorCard.locations)
                out.member("evses", operatorCard.evses)
                writeScores(operatorCard.scores(policy: policy), into: &out)
                out.member("compliance", Compliance(operatorCard, policy: policy).status.rawValue)
                out.endObject()
            }
            out.endArray()
        }
        out.endObject()
        return out.bytes
    }

    /// A stored scorecard with its trend added: the daily rows, oldest first.
    static func withTrend(_ document: [UInt8], _ trend: [QualitySnapshot]) -> [UInt8] {
        guard document.last == UInt8(ascii: "}") else { return document }
        var out = JSONWriter()
        out.beginArray()
        for day in trend {
            out.beginObject()
            out.member("day", day.day)
            out.member("locations", day.locations)
            out.member("evses", day.evses)
            for (name, value) in [
                ("completeness", day.completeness), ("correctness", day.correctness),
                ("timeliness", day.timeliness), ("combined", day.combined),
            ] {
                out.member(name, JSONNumber(text: Compliance.scoreText(value)))
            }
            out.member("compliance", day.compliance)
            out.endObject()
        }
        out.endArray()
        return document.dropLast() + Array(",\"trend\":".utf8) + out.bytes + [UInt8(ascii: "}")]
    }

    /// One record's scores and every finding, each with its rule's dimension and severity.
    func record(_ quality: RecordQuality, stored: StoredLocation, computedAt: Timestamp) -> [UInt8] {
        var out = JSONWriter()
        out.beginObject()
        out.member("country_code", stored.key.countryCode)
        out.member("party_id", stored.key.partyID)
        out.member("id", stored.key.locationID)
        out.member("computed_at", computedAt.description)
        out.member("removed", stored.removed)
        out.member("evses", quality.evses)
        writeScores(
            Scorecard.Scores(
                completeness: quality.completeness, correctness: quality.correctness, timeliness: quality.timeliness,
                combined: quality.combined), into: &out)
        out.key("findings")
        out.beginArray()
        for finding in quality.findings {
            out.beginObject()
            writeRule(finding.code, into: &out)
            out.member("path", finding.path)
            out.member("message", finding.message)
            out.endObject()
        }
        out.endArray()
        out.endObject()
        return out.bytes
    }

    private func writeScores(_ scores: Scorecard.Scores, into out: inout JSONWriter) {
        out.key("scores")
        out.beginObject()
        for (name, value) in [
            ("completeness", scores.completeness), ("correctness", scores.correctness),
            ("timeliness", scores.timeliness), ("combined", scores.combined),
        ] {
            out.member(name, JSONNumber(text: Compliance.scoreText(value)))
        }
        out.endObject()
    }

    private func writeRule(_ code: FindingCode, into out: inout JSONWriter) {
        out.member("code", code.rawValue)
        let rule = rulebook.catalogue.rule(code)
        out.member("dimension", rule?.dimension.rawValue)
        out.member("severity", rule?.severity.rawValue)
    }
}
