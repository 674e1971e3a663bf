import Foundation
import HTTPServer
import JSON
import RegistryCore
import Storage
import TestDatabases
import Testing

@testable import AccessPoint

/// Visibility is one rule (issue #19): an unpublished location is never named, counted or hinted
/// at on a public route. Unpublished "canary" locations, with unique ids, EVSE uids, EVSE IDs and
/// names, stand next to published ones (sharing an EVSE ID with one, 10 m from another); then
/// every route the access point serves is walked (taken from the router, so a route added later
/// is walked too) with each caller that must not see them: nobody, a reader token, another
/// operator's token. No body and no header may hold a canary.
@Suite struct VisibilityCanaryTests {
    static let canary = "canary"

    static func location(_ id: String, evseUID: String, evseID: String, name: String, latitude: String, publish: Bool)
        -> String
    {
        LocationJSON.make(
            "VLT", id, name: name, publish: publish, evseUID: evseUID, evseID: evseID, latitude: latitude)
    }

    /// What each path parameter takes: a published record's value and a canary's.
    static let samples: [String: [String]] = [
        "version": ["2.1.1", "2.2.1", "2.3.0"], "country_code": ["CL"], "party_id": ["VLT"],
        "location_id": ["P1", "CANARYLOC1", "CANARYLOC2"], "evse_uid": ["P1-1", "CANARYEVSE1"], "connector_id": ["1"],
        "evse_id": ["CL*VLT*E0001", "CL*VLT*ECANARY1"], "code": ["CL*VLT"], "id": ["1"], "action": ["review"],
    ]
    static let queries = [
        "", "?limit=1000", "?near=-33.447487,-70.66&radius_m=2000", "?bbox=-71,-34,-70,-33", "?party=CL*VLT",
        "?city=Santiago", "?date_from=2020-01-01T00:00:00Z",
    ]

    @Test(arguments: TestBackend.available)
    func noPublicRouteNamesCountsOrHintsAtAnUnpublishedLocation(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let f = try await OCPIReceiverTests.fixture(store)
            let base = "/ocpi/2.2.1/receiver/locations/CL/VLT"
            let records = [
                (
                    "P1",
                    Self.location(
                        "P1", evseUID: "P1-1", evseID: "CL*VLT*E0001", name: "Plaza", latitude: "-33.447487",
                        publish: true)
                ),
                (
                    "P2",
                    Self.location(
                        "P2", evseUID: "P2-1", evseID: "CL*VLT*E0002", name: "Parque", latitude: "-33.457487",
                        publish: true)
                ),
                // Shares P1's EVSE ID; and 10 m from P2.
                (
                    "CANARYLOC1",
                    Self.location(
                        "CANARYLOC1", evseUID: "CANARYEVSE1", evseID: "CL*VLT*E0001", name: "Canary One",
                        latitude: "-33.447587", publish: false)
                ),
                (
                    "CANARYLOC2",
                    Self.location(
                        "CANARYLOC2", evseUID: "CANARYEVSE2", evseID: "CL*VLT*ECANARY1", name: "Canary Two",
                        latitude: "-33.457577", publish: false)
                ),
            ]
            for (id, body) in records {
                #expect(await f.call("PUT", "\(base)/\(id)", as: "own", body: body).status == 201, "\(id)")
            }
            let scan = QualityScan(store: store, rulebook: .standard)
            try await scan.record(try await scan.run())

            var walked = 0
            for pattern in f.router.routes(method: "GET") {
                for path in Self.paths(pattern) {
                    for query in Self.queries {
                        for who in [nil, "reader", "other"] {
                            let response = await f.respond("GET", path + query, as: who)
                            walked += 1
                            // What the request named may be echoed ("unknown location …"); nothing else.
                            var body = String(decoding: response.body, as: UTF8.self).lowercased()
                            for named in path.lowercased().split(separator: "/") {
                                body = body.replacing(named, with: "")
                            }
                            let headers = response.headers.map { "\($0): \($1)" }.joined(separator: "\n").lowercased()
                            let label = "\(who ?? "nobody") GET \(path + query)"
                            #expect(!body.contains(Self.canary), "\(label): \(body.prefix(300))")
                            #expect(!headers.contains(Self.canary), "\(label): \(headers)")
                            // An unpublished record answers as one that does not exist.
                            if path.lowercased().contains(Self.canary) {
                                let absent = await f.respond("GET", Self.absent(path) + query, as: who)
                                #expect(response.status == absent.status, "\(label)")
                            }
                        }
                    }
                }
            }
            #expect(walked > 500)
            // Nor counted: the public totals are the two published locations'.
            for target in ["/api/v1/stats", "/api/v1/quality"] {
                let json = try JSONParser.parse(await f.respond("GET", target, as: nil).body)
                #expect(json["locations"] == .number(JSONNumber(2)), "\(target)")
            }
            let stats = try JSONParser.parse(await f.respond("GET", "/api/v1/stats", as: nil).body)
            #expect(stats["evses"] == .number(JSONNumber(2)) && stats["published"] == .number(JSONNumber(2)))
            // The owner itself sees its unpublished location.
            let own = await f.respond("GET", "\(base)/CANARYLOC1", as: "own")
            #expect(String(decoding: own.body, as: UTF8.self).lowercased().contains(Self.canary))
        }
    }

    /// `path` with every canary value replaced by a value no record has.
    static func absent(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map {
            $0.uppercased().hasPrefix("CANARY") || $0.uppercased().hasPrefix("CL*VLT*ECANARY")
                ? "NOSUCH" + $0.suffix(1) : String($0)
        }.joined(separator: "/")
    }

    /// Every path of a pattern with the sample values of its parameters.
    static func paths(_ pattern: String) -> [String] {
        var paths = [""]
        for segment in pattern.split(separator: "/") {
            if segment.hasPrefix("{"), segment.hasSuffix("}") {
                let values = samples[String(segment.dropFirst().dropLast())] ?? ["x"]
                paths = paths.flatMap { path in values.map { path + "/" + $0 } }
            } else {
                paths = paths.map { $0 + "/" + segment }
            }
        }
        return paths
    }
}

extension OCPIReceiverTests.Fixture {
    /// The whole response to `method target` as `who` (a token of the fixture, or none).
    func respond(_ method: String, _ target: String, as who: String?) async -> HTTPResponse {
        var headers = HTTPHeaders()
        if let who, let secret = tokens[who] {
            headers.set("Authorization", "Token \(Data(secret.utf8).base64EncodedString())")
        }
        return await router.respond(to: HTTPRequest(method: method, target: target, headers: headers))
    }
}
