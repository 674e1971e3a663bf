import Foundation
import Storage
import TestFixtures
import Testing

/// `chargereg quality` as a user runs it (issue #8): every format from a real database, the
/// day's snapshot recorded, and clear usage errors.
@Suite struct QualityCommandTests {
    static func run(_ arguments: [String]) async throws -> CommandLineTests.Result {
        try await CommandLineTests.run(arguments)
    }

    /// A database holding a generated country with its realistic faults.
    static func database() async throws -> String {
        let folder = Fixtures.temporaryDirectory()
        let feed = folder.appendingPathComponent("feed.json").path
        let database = folder.appendingPathComponent("quality.sqlite").path
        #expect(try await run(["generate", "--locations", "300", "--seed", "7", "--out", feed]).status == 0)
        #expect(try await run(["ingest", "--database", database, feed]).status == 0)
        return database
    }

    @Test func everyFormatReportsTheScan() async throws {
        let database = try await Self.database()
        let text = try await Self.run(["quality", "--database", database])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("quality of the national register at "))
        #expect(text.stdout.contains("locations 300, evses "))
        #expect(text.stdout.contains("compliance  "))
        #expect(text.stdout.contains("failing rules (count, records):"))
        // The generator's faults are found: swapped or zero coordinates, power in kW.
        for code in ["quality.coordinates_", "quality.power_in_kilowatts"] {
            #expect(text.stdout.contains(code), "no \(code) in the text report")
        }

        let json = try await Self.run(["quality", "--database", database, "--format", "json"])
        let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(document?["scope"] as? String == "national" && document?["locations"] as? Int == 300)
        let operators = try #require(document?["operators"] as? [[String: Any]])
        #expect(!operators.isEmpty)
        // Two runs on one day leave one snapshot for the day.
        #expect((document?["trend"] as? [Any])?.count == 1)

        let code = try #require(operators.first?["scope"] as? String)
        let operatorJSON = try await Self.run([
            "quality", "--database", database, "--operator", code, "--format", "json",
        ])
        let card = try JSONSerialization.jsonObject(with: Data(operatorJSON.stdout.utf8)) as? [String: Any]
        #expect(card?["scope"] as? String == code && card?["operators"] == nil)

        let csv = try await Self.run(["quality", "--database", database, "--format", "csv"])
        let lines = csv.stdout.split(separator: "\r\n")
        #expect(lines.first == "scope,locations,evses,completeness,correctness,timeliness,combined,compliance,reasons")
        #expect(lines.count == 2 + operators.count)
        #expect(lines[1].hasPrefix("national,300,"))

        let rulesCSV = try await Self.run(["quality", "--database", database, "--operator", code, "--format", "csv"])
        #expect(
            rulesCSV.stdout.hasPrefix(
                "code,dimension,severity,count,records,example_location,example_path,example_message\r\n"))

        let page = Fixtures.temporaryDirectory().appendingPathComponent("quality.html")
        #expect(
            try await Self.run(["quality", "--database", database, "--format", "html", "--out", page.path]).status == 0)
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        #expect(html.components(separatedBy: "<svg ").count - 1 == 3, "distribution, trend and failing rules charts")
        #expect(!html.contains("<script") && !html.contains("src=\"http"), "the page must stand alone")
    }

    @Test func badInputIsAClearUsageError() async throws {
        let database = try await Self.database()
        let format = try await Self.run(["quality", "--database", database, "--format", "pdf"])
        #expect(format.status == 64 && format.stderr.contains("--format"))
        let party = try await Self.run(["quality", "--database", database, "--operator", "nonsense"])
        #expect(party.status == 64 && party.stderr.contains("--operator"))
        let unknown = try await Self.run(["quality", "--database", database, "--operator", "CL*ZZZ"])
        #expect(unknown.status == 1 && unknown.stderr.contains("CL*ZZZ has no locations in the register"))

        let folder = Fixtures.temporaryDirectory()
        let policy = folder.appendingPathComponent("policy.json")
        try Data(#"{"weights": {"completeness": 0.5, "correctness": 0.5, "timeliness": 0.5}}"#.utf8).write(to: policy)
        let weights = try await Self.run(["quality", "--database", database, "--quality-policy", policy.path])
        #expect(weights.status == 64 && weights.stderr.contains("weights must add up to 1"))
        let missing = try await Self.run([
            "quality", "--database", database, "--quality-policy", folder.appendingPathComponent("none.json").path,
        ])
        #expect(missing.status == 64 && missing.stderr.contains("cannot read the quality policy"))
        var custom =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: Fixtures.packageRoot.appendingPathComponent("Schemas/json/quality-policy.json")))
            as! [String: Any]
        custom["critical_rules"] = ["quality.no_such_rule"]
        try JSONSerialization.data(withJSONObject: custom).write(to: policy)
        let rule = try await Self.run(["quality", "--database", database, "--quality-policy", policy.path])
        #expect(rule.status == 64 && rule.stderr.contains("unknown rule"))
        // A lenient policy with no critical rules makes the generated country compliant.
        custom["critical_rules"] = [String]()
        custom["compliant"] = ["completeness": 0, "correctness": 0, "timeliness": 0]
        custom["non_compliant_below"] = ["completeness": 0, "correctness": 0, "timeliness": 0]
        try JSONSerialization.data(withJSONObject: custom).write(to: policy)
        // A what-if under another policy records nothing; --record records it.
        let official = try #require(try await Self.nationalSnapshot(database))
        let lenient = try await Self.run(["quality", "--database", database, "--quality-policy", policy.path])
        #expect(lenient.status == 0 && lenient.stdout.contains("compliance  compliant\n"))
        #expect(try await Self.nationalSnapshot(database) == official)
        let recorded = try await Self.run([
            "quality", "--database", database, "--quality-policy", policy.path, "--record",
        ])
        #expect(recorded.status == 0)
        let whatIfRecorded = try #require(try await Self.nationalSnapshot(database))
        #expect(whatIfRecorded.compliance != official.compliance)
    }

    /// Today's recorded national snapshot.
    static func nationalSnapshot(_ database: String) async throws -> QualitySnapshot? {
        let store = try SQLiteStore(path: database)
        let snapshot = try await store.quality.latest(scope: QualitySnapshot.nationalScope)
        await store.close()
        return snapshot
    }
}
