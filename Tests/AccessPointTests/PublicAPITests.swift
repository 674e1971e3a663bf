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
        PublicAPI(store: store, backend: backend.rawValue).routes(into: &router)
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

    @Test func anUnreachableStoreMakesHealth503() async throws {
        let store = try PostgresStore(conninfo: "host=127.0.0.1 port=1 dbname=none connect_timeout=2")
        let router = Self.router(store, .postgres)
        let health = await Self.get(router, "/api/v1/healthz")
        #expect(health.status == 503 && health.body.contains("cannot connect to PostgreSQL"))
    }
}
