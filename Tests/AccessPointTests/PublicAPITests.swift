import Foundation
import HTTPServer
import RegistryCore
import Storage
import TestDatabases
import TestFixtures
import Testing

@testable import AccessPoint

/// The public read API in-process (a request value in, a response value out), on both backends.
@Suite(.enabled(if: Fixtures.available, Comment(rawValue: Fixtures.missingMessage)))
struct PublicAPITests {
    static func router(_ store: any Store, _ backend: TestBackend) -> HTTPRouter {
        var router = HTTPRouter()
        AccessRoutes(store: store, backend: backend.rawValue).routes(into: &router)
        return router
    }

    static func get(_ router: HTTPRouter, _ target: String) async -> (status: Int, body: String) {
        let response = await router.respond(to: HTTPRequest(method: "GET", target: target))
        return (response.status.code, String(decoding: response.body, as: UTF8.self))
    }

    @Test(arguments: TestBackend.available)
    func servesHealthStatsAndOneLocation(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let feed = Fixtures.packageRoot.appendingPathComponent("Schemas/examples/chile-example-feed.json").path
            _ = try await FileIngest(store: store).ingest(path: feed, party: nil, version: nil)
            let router = Self.router(store, backend)
            #expect(await Self.get(router, "/api/v1/healthz") == (200, #"{"status":"ok","database":"\#(backend)"}"#))
            let stats = await Self.get(router, "/api/v1/stats")
            #expect(
                stats.status == 200 && stats.body.hasPrefix(#"{"locations":3,"published":3,"removed":0,"evses":4,"#))
            let location = await Self.get(router, "/api/v1/locations/cl/vlt/scl-prov-001")
            #expect(location.status == 200)
            #expect(location.body.hasPrefix(#"{"location":{"country_code":"CL","party_id":"VLT","id":"SCL-PROV-001""#))
            #expect(location.body.contains(#""registry":{"first_seen_at":"#))
            let missing = await Self.get(router, "/api/v1/locations/CL/VLT/NOPE")
            #expect(missing == (404, #"{"error":"not_found","message":"no published location CL/VLT/NOPE"}"#))
        }
    }

    @Test(arguments: TestBackend.available)
    func findsAnEVSEWhateverItsSeparatorsOrCase(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let feed = Fixtures.packageRoot.appendingPathComponent("Schemas/examples/chile-example-feed.json").path
            _ = try await FileIngest(store: store).ingest(path: feed, party: nil, version: nil)
            let router = Self.router(store, backend)
            for spelling in ["CL*VLT*E001*1", "cl*vlt*e001*1", "CLVLTE0011", "CL-VLT-E001-1", "CL%2AVLT%2AE001%2A1"] {
                let found = await Self.get(router, "/api/v1/evses/\(spelling)")
                #expect(found.status == 200, "\(spelling)")
                #expect(found.body.hasPrefix(#"{"evse":{"uid":"VLT-001-1","evse_id":"CL*VLT*E001*1""#))
                #expect(found.body.contains(#""location":{"country_code":"CL","party_id":"VLT","id":"SCL-PROV-001""#))
            }
            #expect(await Self.get(router, "/api/v1/evses/CL*VLT*E999").status == 404)
        }
    }

    @Test(arguments: TestBackend.available)
    func listsLocationsPageByPage(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let feed = Fixtures.packageRoot.appendingPathComponent("Schemas/examples/chile-example-feed.json").path
            _ = try await FileIngest(store: store).ingest(path: feed, party: nil, version: nil)
            let router = Self.router(store, backend)
            let first = await Self.get(router, "/api/v1/locations?country=CL&limit=2")
            #expect(first.status == 200)
            #expect(
                first.body.hasPrefix(#"{"total":3,"limit":2,"next":"/api/v1/locations?country=CL&limit=2&cursor=k"#))
            let next = try #require(first.body.split(separator: "\"").dropFirst(7).first)
            let second = await Self.get(router, String(next))
            #expect(second.body.hasPrefix(#"{"total":3,"limit":2,"next":null,"items":[{"location":{"#))
            let near = await Self.get(router, "/api/v1/locations?near=-33.4178,-70.6065&radius_m=500")
            #expect(
                near.body.hasPrefix(#"{"total":1,"limit":100,"next":null,"items":[{"location":{"country_code":"CL""#))
            #expect(near.body.contains(#""distance_m":1,"#))
        }
    }

    @Test(arguments: [
        ("limit=0", "limit: '0' is not a whole number from 1 to 1000"),
        ("bbox=1,2,3", "bbox: '1,2,3' needs 4 comma-separated numbers"),
        ("bbox=10,0,5,1", "bbox: '10,0,5,1' must be minLon,minLat,maxLon,maxLat with min ≤ max"),
        ("near=-33,-70&radius_m=500000", "radius_m: '500000' is not a number from 1.0 to 100000.0"),
        ("radius_m=10", "radius_m needs near=lat,lon"),
        ("country=XX", "country: 'XX' is not an ISO 3166-1 alpha-2 or alpha-3 code"),
        ("party=CHILEAN", "party: 'CHILEAN' is not a party code such as CL*ABC"),
        (
            "status=OPEN",
            "status: 'OPEN' is not one of AVAILABLE, BLOCKED, CHARGING, INOPERATIVE, OUTOFORDER, PLANNED, REMOVED, RESERVED, UNKNOWN"
        ),
        (
            "changed_since=yesterday",
            "changed_since: 'yesterday' is not an RFC 3339 date-time such as 2026-01-31T12:00:00Z"
        ),
        ("cursor=zz", "cursor: 'zz' is not one this API issued; use the 'next' of a page"),
        ("cursor=o5", "cursor: 'o5' belongs to a list with near="),
        ("limit=1&limit=2", "parameter 'limit' is given twice"),
    ])
    func badListParametersAre400NamingThem(query: String, message: String) async throws {
        // A store that cannot connect: a bad query is refused before the database is asked.
        let store = try PostgresStore(conninfo: "host=127.0.0.1 port=1 dbname=none connect_timeout=1")
        let response = await Self.get(Self.router(store, .postgres), "/api/v1/locations?\(query)")
        #expect(response.status == 400)
        #expect(response.body == #"{"error":"bad_parameter","message":"\#(message)"}"#)
    }

    @Test func publicRoutesAllowAnyOriginAndAnswerPreflights() async throws {
        let store = try PostgresStore(conninfo: "host=127.0.0.1 port=1 dbname=none connect_timeout=1")
        let router = Self.router(store, .postgres)
        let answer = await router.respond(to: HTTPRequest(method: "GET", target: "/api/v1/locations?limit=0"))
        #expect(answer.headers["Access-Control-Allow-Origin"] == "*")
        let preflight = await router.respond(
            to: HTTPRequest(
                method: "OPTIONS", target: "/api/v1/evses/CL*ABC*E1",
                headers: ["Origin": "https://map.example", "Access-Control-Request-Method": "GET"]))
        #expect(preflight.status == .noContent)
        #expect(preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS")
    }

    /// The OpenAPI document lists exactly the routed paths, each with the methods routed for it.
    @Test func theOpenAPIDocumentMatchesTheRoutes() async throws {
        let store = try PostgresStore(conninfo: "host=127.0.0.1 port=1 dbname=none connect_timeout=1")
        let router = Self.router(store, .postgres)
        let served = await Self.get(router, "/api/v1/openapi.json")
        #expect(served.status == 200)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(served.body.utf8)) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        #expect(Set(paths.keys) == Set(router.patterns))
        for pattern in router.patterns {
            let documented = Set(paths[pattern]?.keys.map { $0.uppercased() } ?? [])
            let routed = Set(["GET", "POST", "PUT", "PATCH", "DELETE"]).filter { method in
                router.routes(method: method).contains(pattern)
            }
            #expect(documented == routed, "\(pattern)")
        }
    }

    /// A store that cannot be reached is a 503 whose public body names no connection detail
    /// (host, port, user, database); the store's own words go to the access log.
    @Test func anUnreachableStoreMakesHealth503() async throws {
        let store = try PostgresStore(
            conninfo: "host=127.0.0.1 port=1 dbname=secretdb user=secretuser connect_timeout=2")
        let router = Self.router(store, .postgres)
        for target in [
            "/api/v1/healthz", "/api/v1/locations", "/api/v1/stats", "/ocpi/2.2.1/sender/locations",
            "/opendata/locations.csv",
        ] {
            let response = await router.respond(to: HTTPRequest(method: "GET", target: target))
            let body = String(decoding: response.body, as: UTF8.self)
            #expect(response.status == .serviceUnavailable, "\(target): \(body)")
            for detail in ["127.0.0.1", "secretdb", "secretuser", "PostgreSQL"] {
                #expect(!body.contains(detail), "\(target): \(body)")
            }
            #expect(response.logNote?.contains("cannot connect to PostgreSQL") == true, "\(target)")
        }
    }
}
