import Quality
import Storage

/// One self-contained HTML page (no scripts, no external files) with inline SVG charts: the
/// distribution of record scores, the combined score's trend per operator, and the failing rules.
extension QualityReport {
    func html() -> String {
        let policy = rulebook.policy
        let scores = card.scores(policy: policy)
        let compliance = Compliance(card, policy: policy)
        let title =
            card.scope == QualitySnapshot.nationalScope
            ? "Charge-point data quality: national register" : "Charge-point data quality: \(card.scope)"
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(Self.escape(title))</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:60em}
            table{border-collapse:collapse}td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:right}
            td:first-child,th:first-child{text-align:left}.compliant{color:#1a7f37}.needs_improvement{color:#9a6700}
            .non_compliant{color:#cf222e}svg text{font:11px system-ui,sans-serif}
            </style></head><body>
            <h1>\(Self.escape(title))</h1>
            <p>Computed \(result.computedAt). \(card.locations) locations, \(card.evses) EVSEs.</p>
            <table><tr><th>completeness</th><th>correctness</th><th>timeliness</th><th>combined</th><th>compliance</th></tr>
            <tr><td>\(Compliance.scoreText(scores.completeness))</td><td>\(Compliance.scoreText(scores.correctness))</td>
            <td>\(Compliance.scoreText(scores.timeliness))</td><td>\(Compliance.scoreText(scores.combined))</td>
            <td class="\(compliance.status.rawValue)">\(compliance.status.rawValue)</td></tr></table>

            """
        if !compliance.reasons.isEmpty {
            page += "<ul>" + compliance.reasons.map { "<li>\(Self.escape($0))</li>" }.joined() + "</ul>\n"
        }
        page += "<h2>Records by combined score</h2>\n"
        page += Self.bars(
            card.distribution.enumerated().map { ("\($0.offset * 10)–\($0.offset * 10 + 10)", $0.element) },
            vertical: true)
        page += "<h2>Combined score per day</h2>\n"
        let scopes = focus == nil ? result.operators.map(\.scope) : [card.scope]
        page += Self.trendChart(scopes.map { ($0, trends[$0] ?? []) })
        if focus == nil, !result.operators.isEmpty {
            page += "<h2>Operators</h2>\n<table><tr><th>operator</th><th>locations</th><th>EVSEs</th>"
            page +=
                "<th>completeness</th><th>correctness</th><th>timeliness</th><th>combined</th><th>compliance</th></tr>\n"
            for operatorCard in result.operators {
                let s = operatorCard.scores(policy: policy)
                let status = Compliance(operatorCard, policy: policy).status.rawValue
                page += "<tr><td>\(Self.escape(operatorCard.scope))</td><td>\(operatorCard.locations)</td>"
                page += "<td>\(operatorCard.evses)</td><td>\(Compliance.scoreText(s.completeness))</td>"
                page += "<td>\(Compliance.scoreText(s.correctness))</td><td>\(Compliance.scoreText(s.timeliness))</td>"
                page += "<td>\(Compliance.scoreText(s.combined))</td><td class=\"\(status)\">\(status)</td></tr>\n"
            }
            page += "</table>\n"
        }
        let rules = card.failingRules.prefix(15)
        if !rules.isEmpty {
            page += "<h2>Failing rules</h2>\n"
            page += Self.bars(rules.map { ($0.code.rawValue, $0.tally.count) }, vertical: false)
            page += "<table><tr><th>rule</th><th>count</th><th>records</th><th>example</th></tr>\n"
            for (code, tally) in rules {
                let example = tally.examples.first.map {
                    ($0.location.map { "\($0) " } ?? "") + "\($0.path): \($0.message)"
                }
                page += "<tr><td>\(Self.escape(code.rawValue))</td><td>\(tally.count)</td><td>\(tally.records)</td>"
                page += "<td style=\"text-align:left\">\(Self.escape(example ?? ""))</td></tr>\n"
            }
            page += "</table>\n"
        }
        page += "<p>Rules: /api/v1/quality/rules. Policy weights: completeness \(policy.weights.completeness), "
        page += "correctness \(policy.weights.correctness), timeliness \(policy.weights.timeliness).</p>\n"
        return page + "</body></html>\n"
    }

    /// A bar chart: columns (vertical) or labelled rows (horizontal).
    static func bars(_ items: [(label: String, value: Int)], vertical: Bool) -> String {
        let largest = max(1, items.map(\.value).max() ?? 1)
        var svg: String
        if vertical {
            let width = 40 * items.count + 40
            svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"200\" role=\"img\">\n"
            for (index, item) in items.enumerated() {
                let height = 150 * item.value / largest
                let x = 30 + index * 40
                svg += "<rect x=\"\(x)\" y=\"\(170 - height)\" width=\"32\" height=\"\(height)\" fill=\"#4c78a8\"/>"
                svg += "<text x=\"\(x + 16)\" y=\"\(165 - height)\" text-anchor=\"middle\">\(item.value)</text>"
                svg += "<text x=\"\(x + 16)\" y=\"188\" text-anchor=\"middle\">\(escape(item.label))</text>\n"
            }
        } else {
            svg =
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"\(22 * items.count + 10)\" role=\"img\">\n"
            for (index, item) in items.enumerated() {
                let width = 380 * item.value / largest
                let y = 5 + index * 22
                svg += "<text x=\"300\" y=\"\(y + 14)\" text-anchor=\"end\">\(escape(item.label))</text>"
                svg += "<rect x=\"310\" y=\"\(y)\" width=\"\(max(1, width))\" height=\"18\" fill=\"#e45756\"/>"
                svg += "<text x=\"\(315 + width)\" y=\"\(y + 14)\">\(item.value)</text>\n"
            }
        }
        return svg + "</svg>\n"
    }

    /// One line per scope of the combined score (0–100) over the days recorded.
    static func trendChart(_ series: [(scope: String, days: [QualitySnapshot])]) -> String {
        let days = Set(series.flatMap { $0.days.map(\.day) }).sorted()
        guard !days.isEmpty else { return "<p>No snapshots yet.</p>\n" }
        let colours = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#ff9da6", "#9d755d"]
        let step = days.count > 1 ? 600.0 / Double(days.count - 1) : 0
        func x(_ day: String) -> Int { 50 + Int(Double(days.firstIndex(of: day)!) * step) }
        func y(_ score: Double) -> Int { 190 - Int(score * 1.7) }
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"\(230 + 16 * series.count)\" role=\"img\">\n"
        for score in stride(from: 0, through: 100, by: 25) {
            svg += "<line x1=\"45\" x2=\"650\" y1=\"\(y(Double(score)))\" y2=\"\(y(Double(score)))\" stroke=\"#ddd\"/>"
            svg += "<text x=\"40\" y=\"\(y(Double(score)) + 4)\" text-anchor=\"end\">\(score)</text>\n"
        }
        svg += "<text x=\"50\" y=\"210\">\(days.first!)</text>"
        if days.count > 1 { svg += "<text x=\"650\" y=\"210\" text-anchor=\"end\">\(days.last!)</text>" }
        for (index, line) in series.enumerated() {
            let colour = colours[index % colours.count]
            let points = line.days.map { "\(x($0.day)),\(y($0.combined))" }
            if points.count > 1 {
                svg +=
                    "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>"
            }
            for day in line.days {
                svg += "<circle cx=\"\(x(day.day))\" cy=\"\(y(day.combined))\" r=\"3\" fill=\"\(colour)\"/>"
            }
            svg += "<text x=\"50\" y=\"\(228 + 16 * index)\" fill=\"\(colour)\">\(escape(line.scope))</text>\n"
        }
        return svg + "</svg>\n"
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
