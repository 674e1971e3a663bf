import Foundation
import HTTPServer
import RegistryCore
import Storage
import TestDatabases
import TestFixtures
import Testing

@testable import AccessPoint

/// The rule catalogue (issue #8) names every finding code the registry records, and nothing else,
/// each with a dimension, level, severity and source; `/api/v1/quality/rules` serves it.
@Suite struct QualityRulesTests {
    /// The codes `FindingCode` declares, read from its source: a new code without a catalogue
    /// entry fails here.
    static func declaredCodes() throws -> Set<String> {
        let source = try String(
            contentsOf: Fixtures.packageRoot.appendingPathComponent("Sources/RegistryCore/Findings/Finding.swift"),
            encoding: .utf8)
        return Set(
            source.matches(of: /static let \w+: FindingCode = "([a-z_.0-9]+)"/).map { String($0.output.1) })
    }

    @Test func theCatalogueIsExactlyTheDeclaredCodes() async throws {
        var router = HTTPRouter()
        try await TestBackend.sqlite.withStore { store, _ in
            AccessRoutes(store: store, backend: "test").routes(into: &router)
            let response = await router.respond(to: HTTPRequest(method: "GET", target: "/api/v1/quality/rules"))
            #expect(response.status == .ok)
            let document = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            let rules = try #require(document?["rules"] as? [[String: Any]])
            let codes = rules.compactMap { $0["code"] as? String }
            #expect(codes.count == Set(codes).count, "a code listed twice")
            #expect(Set(codes) == (try Self.declaredCodes()))
            for rule in rules {
                #expect(["completeness", "correctness", "timeliness"].contains(rule["dimension"] as? String))
                #expect(["location", "evse", "connector", "operator"].contains(rule["level"] as? String))
                #expect(["error", "warning", "info"].contains(rule["severity"] as? String))
                #expect(
                    (rule["description"] as? String)?.isEmpty == false && (rule["source"] as? String)?.isEmpty == false)
            }
        }
    }
}
