import Foundation
import Quality
import RegistryCore
import Storage

/// A quality scan as `chargereg quality` prints it (issue #8): the national scorecard with every
/// operator, or one operator's; as JSON (what the API serves), text, CSV or one self-contained
/// HTML page with SVG charts that a ministry can mail around.
public struct QualityReport: Sendable {
    public enum Format: String, CaseIterable, Sendable { case text, json, csv, html }

    public let result: QualityScan.Result
    public let rulebook: QualityRulebook
    /// Each scope's daily snapshots, oldest first.
    public let trends: [String: [QualitySnapshot]]
    /// The operator reported on; nil for the country.
    public let focus: Scorecard?

    /// Nil when `code` has no locations in the scan.
    public init?(
        result: QualityScan.Result, rulebook: QualityRulebook, trends: [String: [QualitySnapshot]],
        operator code: PartyCode?
    ) {
        self.result = result
        self.rulebook = rulebook
        self.trends = trends
        if let code {
            guard let card = result.operators.first(where: { $0.scope == code.description }) else { return nil }
            focus = card
        } else {
            focus = nil
        }
    }

    var card: Scorecard { focus ?? result.national }

    public func render(_ format: Format) -> String {
        switch format {
        case .json:
            let document = QualityDocument(rulebook: rulebook).scorecard(
                card, computedAt: result.computedAt, operators: focus == nil ? result.operators : [])
            return String(decoding: QualityDocument.withTrend(document, trends[card.scope] ?? []), as: UTF8.self)
                + "\n"
        case .text: return text()
        case .csv: return csv()
        case .html: return html()
        }
    }

    func text() -> String {
        let policy = rulebook.policy
        let scores = card.scores(policy: policy)
        let compliance = Compliance(card, policy: policy)
        var text = """
            quality of \(card.scope == QualitySnapshot.nationalScope ? "the national register" : card.scope) at \(result.computedAt)
            locations \(card.locations), evses \(card.evses)
            completeness \(Compliance.scoreText(scores.completeness))  correctness \(Compliance.scoreText(scores.correctness))  timeliness \(Compliance.scoreText(scores.timeliness))  combined \(Compliance.scoreText(scores.combined))
            compliance  \(compliance.status.rawValue)

            """
        for reason in compliance.reasons { text += "  - \(reason)\n" }
        if focus == nil, !result.operators.isEmpty {
            text += "\noperator      locations    evses  compl.  corr.  timel.  comb.  compliance\n"
            for operatorCard in result.operators {
                let s = operatorCard.scores(policy: policy)
                text +=
                    operatorCard.scope.padding(toLength: 10, withPad: " ", startingAt: 0)
                    + Self.column(operatorCard.locations, 12) + Self.column(operatorCard.evses, 9)
                    + Self.column(s.completeness, 8) + Self.column(s.correctness, 7) + Self.column(s.timeliness, 8)
                    + Self.column(s.combined, 7) + "  " + Compliance(operatorCard, policy: policy).status.rawValue
                    + "\n"
            }
        }
        let rules = card.failingRules
        if !rules.isEmpty {
            text += "\nfailing rules (count, records):\n"
            for (code, tally) in rules.prefix(20) {
                text += "  " + code.rawValue.padding(toLength: 46, withPad: " ", startingAt: 0)
                text += Self.column(tally.count, 9) + Self.column(tally.records, 9) + "\n"
                if let example = tally.examples.first {
                    let location = example.location.map { "\($0) " } ?? ""
                    text += "      e.g. \(location)\(example.path): \(example.message)\n"
                }
            }
        }
        return text
    }

    func csv() -> String {
        let policy = rulebook.policy
        if focus == nil {
            var csv = "scope,locations,evses,completeness,correctness,timeliness,combined,compliance,reasons\r\n"
            for card in [result.national] + result.operators {
                let s = card.scores(policy: policy)
                let compliance = Compliance(card, policy: policy)
                csv +=
                    [
                        card.scope, String(card.locations), String(card.evses), Compliance.scoreText(s.completeness),
                        Compliance.scoreText(s.correctness), Compliance.scoreText(s.timeliness),
                        Compliance.scoreText(s.combined), compliance.status.rawValue,
                        compliance.reasons.joined(separator: "; "),
                    ].map(Self.field).joined(separator: ",") + "\r\n"
            }
            return csv
        }
        var csv = "code,dimension,severity,count,records,example_location,example_path,example_message\r\n"
        for (code, tally) in card.failingRules {
            let rule = rulebook.catalogue.rule(code)
            let example = tally.examples.first
            csv +=
                [
                    code.rawValue, rule?.dimension.rawValue ?? "", rule?.severity.rawValue ?? "", String(tally.count),
                    String(tally.records),
                    example?.location?.description ?? "",
                    example?.path ?? "", example?.message ?? "",
                ].map(Self.field).joined(separator: ",") + "\r\n"
        }
        return csv
    }

    /// RFC 4180: quoted when it holds a comma, quote or line break.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func column(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: " ", count: max(1, width - text.count)) + text
    }

    static func column(_ value: Double, _ width: Int) -> String {
        let text = Compliance.scoreText(value)
        return String(repeating: " ", count: max(1, width - text.count)) + text
    }
}
