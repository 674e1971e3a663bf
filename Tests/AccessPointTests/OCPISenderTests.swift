import Foundation
import HTTPServer
import JSON
import OCPI
import RegistryCore
import Storage
import Synchronization
import TestDatabases
import TestFixtures
import Testing

@testable import AccessPoint

/// Issue #6's acceptance for the OCPI Sender: our own pagination client crawls our own Sender
/// over a real socket, for each version, and gets exactly the published set; a delta crawl gets
/// exactly the changed and removed records; `date_to` excludes its boundary; every exported
/// object of a record that was valid on the way in is valid in its version.
@Suite(.enabled(if: Fixtures.available, Comment(rawValue: Fixtures.missingMessage)))
struct OCPISenderTests {
    final class Collected: Sendable {
        let objects = Mutex<[JSONValue]>([])
        func add(_ page: [JSONValue]) { objects.withLock { $0 += page } }
        var all: [JSONValue] { objects.withLock { $0 } }
    }

    static func serve(_ store: any Store, settings: AccessPointSettings = AccessPointSettings()) throws -> HTTPServer {
        var router = HTTPRouter()
        AccessRoutes(store: store, backend: "test", settings: settings).routes(into: &router)
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.eventLoops = 1
        return try HTTPServer(configuration: configuration, router: router, accessLog: { _ in })
    }

    static func crawl(
        _ server: HTTPServer, _ version: OCPIVersion, window: SenderWindow = SenderWindow(), limit: Int = 250,
        token: String? = nil
    ) async throws -> (objects: [JSONValue], summary: OCPIPageCrawler.Summary) {
        var crawler = OCPIPageCrawler(token: token)
        crawler.limit = limit
        let collected = Collected()
        let summary = try await crawler.crawl(
            endpoint: "http://127.0.0.1:\(server.port)/ocpi/\(version.rawValue)/sender/locations", window: window
        ) { collected.add($0) }
        return (collected.all, summary)
    }

    static func text(_ value: JSONValue, _ key: String) -> String {
        if case .string(let text)? = value[key] { text } else { "" }
    }

    static func key(_ value: JSONValue) -> String {
        "\(text(value, "country_code"))/\(text(value, "party_id"))/\(text(value, "id"))".uppercased()
    }

    @Test(arguments: TestBackend.available)
    func crawlingEachVersionGivesExactlyThePublishedSet(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            _ = try await FileIngestTests.ingestFeeds(into: store)
            let rows = Rows()
            try await store.forEachLocation(LocationQuery()) { stored in
                rows.add(stored.key.description, String(decoding: stored.findings, as: UTF8.self))
            }
            // Published key → whether it was valid on the way in (no findings).
            let published = rows.all.mapValues { $0 == "[]" }
            #expect(published.count == (try await store.listLocations(LocationFilter(), cursor: nil, limit: 1).total))
            #expect(published.values.contains(true))
            let server = try Self.serve(store)
            for version in [OCPIVersion.v2_2_1, .v2_3_0] {
                let (objects, summary) = try await Self.crawl(server, version)
                #expect(summary.pages == (published.count + 249) / 250 && summary.offsetFallbacks == 0)
                #expect(objects.count == published.count, "\(version)")
                #expect(Set(objects.map(Self.key)) == Set(published.keys), "\(version)")
                // A record valid on the way in is valid in the version it is exported in.
                for object in objects where published[Self.key(object)] == true {
                    let decoded = try LocationDecoder(version: version).decode(object).get()
                    #expect(decoded.findings.isEmpty, "\(version) \(Self.key(object)): \(decoded.findings)")
                }
            }
            // 2.1.1 carries no owner: the ids, and every object readable as 2.1.1.
            let (objects, _) = try await Self.crawl(server, .v2_1_1, limit: 1000)
            #expect(objects.count == published.count)
            #expect(
                objects.map { Self.text($0, "id").uppercased() }.sorted()
                    == published.keys.map { String($0.split(separator: "/")[2]) }.sorted())
            let party = try PartyCode(parsing: "NL*ABC")
            for object in objects {
                #expect(throws: Never.self) {
                    try LocationDecoder(version: .v2_1_1, declaredParty: party).decode(object).get()
                }
            }
            await server.shutdown()
        }
    }

    /// A feed of `count` locations of CL*VLT; `rename` changes one location's name.
    static func feed(_ ids: [Int], rename: Int? = nil) -> String {
        "["
            + ids.map { id in
                """
                {"country_code": "CL", "party_id": "VLT", "id": "L\(id)", "publish": true,
                 "name": "\(id == rename ? "Renamed" : "Site") \(id)", "address": "Av. Uno \(id)", "city": "Santiago",
                 "country": "CHL", "coordinates": {"latitude": "-33.4\(id)", "longitude": "-70.6"},
                 "time_zone": "America/Santiago", "last_updated": "2026-01-01T00:00:00Z",
                 "evses": [{"uid": "E\(id)", "evse_id": "CL*VLT*E\(id)", "status": "AVAILABLE",
                   "last_updated": "2026-01-01T00:00:00Z",
                   "connectors": [{"id": "1", "standard": "IEC_62196_T2", "format": "SOCKET",
                     "power_type": "AC_3_PHASE", "max_voltage": 230, "max_amperage": 32,
                     "last_updated": "2026-01-01T00:00:00Z"}]}]}
                """
            }.joined(separator: ",") + "]"
    }

    static func ingest(_ store: any Store, _ text: String, full: Bool = false, fullConfirmed: Bool = false)
        async throws -> IngestRunSummary
    {
        let file = Fixtures.temporaryDirectory().appendingPathComponent("vlt.json")
        try Data(text.utf8).write(to: file)
        var ingest = FileIngest(store: store)
        if full || fullConfirmed {
            ingest.fullDelivery = FullDelivery(
                party: try PartyCode(parsing: "CL*VLT"), confirmed: fullConfirmed)
        }
        return try await ingest.ingest(path: file.path, party: nil, version: nil).run.summary
    }

    @Test(arguments: TestBackend.available)
    func aDeltaCrawlGetsExactlyTheChangedAndRemovedRecords(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            _ = try await Self.ingest(store, Self.feed(Array(1...30)))
            try await Task.sleep(for: .milliseconds(5))
            let mark = RegistryClock.system.now()
            let summary = try await Self.ingest(store, Self.feed(Array(1...29), rename: 5), full: true)
            #expect(summary.changed == 1 && summary.unchanged == 28 && summary.removed == 1)
            let server = try Self.serve(store)
            for version in [OCPIVersion.v2_2_1, .v2_3_0, .v2_1_1] {
                let (delta, _) = try await Self.crawl(server, version, window: SenderWindow(from: mark), limit: 1)
                #expect(delta.map { Self.text($0, "id") }.sorted() == ["L30", "L5"], "\(version)")
                for object in delta {
                    guard case .array(let evses)? = object["evses"] else { continue }
                    let statuses = evses.map { Self.text($0, "status") }
                    #expect(statuses == [Self.text(object, "id") == "L30" ? "REMOVED" : "AVAILABLE"], "\(version)")
                }
                // A full crawl is the current set: L30 is gone.
                let (all, _) = try await Self.crawl(server, version, limit: 7)
                #expect(all.count == 29 && !all.contains { Self.text($0, "id") == "L30" })
            }
            // date_to excludes its boundary: the change time of L5 itself.
            let changedAt = try #require(
                try await store.location(LocationKey(countryCode: "CL", partyID: "VLT", locationID: "L5"))?.changedAt)
            let before = try await Self.crawl(server, .v2_2_1, window: SenderWindow(from: mark, to: changedAt))
            #expect(!before.objects.contains { Self.text($0, "id") == "L5" })
            let from = try await Self.crawl(server, .v2_2_1, window: SenderWindow(from: changedAt))
            #expect(from.objects.contains { Self.text($0, "id") == "L5" })
            // The exported last_updated is the registry's change time.
            #expect(
                from.objects.first { Self.text($0, "id") == "L5" }.map { Self.text($0, "last_updated") }
                    == changedAt.description)
            await server.shutdown()
        }
    }

    @Test(arguments: TestBackend.available)
    func objectsHeadersErrorsAndTokenMode(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            _ = try await Self.ingest(store, Self.feed([1, 2, 3]))
            var router = HTTPRouter()
            AccessRoutes(
                store: store, backend: "test", settings: AccessPointSettings(publicURL: "https://nap.example.cl/")
            )
            .routes(into: &router)
            func call(_ target: String, _ headers: HTTPHeaders = HTTPHeaders()) async -> (HTTPResponse, JSONValue) {
                let response = await router.respond(to: HTTPRequest(method: "GET", target: target, headers: headers))
                return (response, (try? JSONParser.parse(response.body)) ?? .null)
            }
            func code(_ json: JSONValue) -> Int {
                if case .number(let n)? = json["status_code"] { n.intValue ?? 0 } else { 0 }
            }

            let (page, pageJSON) = await call("/ocpi/2.2.1/sender/locations?limit=2&date_from=2020-01-01T00:00:00Z")
            #expect(page.status == .ok && code(pageJSON) == 1000)
            #expect(page.headers["X-Total-Count"] == "3" && page.headers["X-Limit"] == "1000")
            let link = try #require(page.headers["Link"])
            #expect(
                link.hasPrefix(
                    "<https://nap.example.cl/ocpi/2.2.1/sender/locations?date_from=2020-01-01T00:00:00Z&limit=2&offset=2&after="
                ))
            #expect(link.hasSuffix(">; rel=\"next\"") && page.headers["X-Correlation-ID"] != nil)
            let next = String(
                try #require(LinkHeader.target([link], relation: "next")).dropFirst("https://nap.example.cl".count))
            let (last, lastJSON) = await call(next)
            #expect(last.headers["Link"] == nil)
            if case .array(let items)? = lastJSON["data"] { #expect(items.count == 1) } else { Issue.record("no data") }
            // A full last page links to nothing: the total is a multiple of the limit (OCPI 2.2.1
            // §4.1.3: no Link on the last page), here and in the registry's list.
            let (whole, _) = await call("/ocpi/2.2.1/sender/locations?limit=3")
            #expect(whole.headers["Link"] == nil && whole.headers["X-Total-Count"] == "3")
            let (list, _) = await call("/api/v1/locations?limit=3")
            #expect(String(decoding: list.body, as: UTF8.self).hasPrefix(#"{"total":3,"limit":3,"next":null,"#))

            let (evse, evseJSON) = await call("/ocpi/2.3.0/sender/locations/l2/e2")
            #expect(evse.status == .ok && Self.text(evseJSON["data"] ?? .null, "uid") == "E2")
            let (connector, connectorJSON) = await call("/ocpi/2.2.1/sender/locations/L2/E2/1")
            #expect(connector.status == .ok && Self.text(connectorJSON["data"] ?? .null, "standard") == "IEC_62196_T2")
            for target in [
                "/ocpi/2.2.1/sender/locations/NOPE", "/ocpi/2.2.1/sender/locations/L2/E9",
                "/ocpi/2.2.1/sender/locations/L2/E2/9",
            ] {
                let (missing, json) = await call(target)
                #expect(missing.status == .notFound && code(json) == 2003, "\(target)")
            }
            let (unsupported, unsupportedJSON) = await call("/ocpi/2.0/sender/locations")
            #expect(unsupported.status == .notFound && code(unsupportedJSON) == 3002)
            for query in ["limit=0", "offset=-1", "date_from=yesterday", "after=xyz", "colour=red"] {
                let (bad, json) = await call("/ocpi/2.2.1/sender/locations?\(query)")
                #expect(bad.status == .ok && code(json) == 2001, "\(query)")
            }
            let (details, detailsJSON) = await call("/ocpi/2.1.1")
            #expect(
                details.status == .ok
                    && String(decoding: details.body, as: UTF8.self).contains(
                        "https://nap.example.cl/ocpi/2.1.1/sender/locations")
            )
            #expect(!String(decoding: details.body, as: UTF8.self).contains("role") && code(detailsJSON) == 1000)

            // Token mode: 401 without a valid token; raw or Base64 tokens of any role pass.
            var tokenRouter = HTTPRouter()
            AccessRoutes(store: store, backend: "test", settings: AccessPointSettings(ocpiRequiresToken: true))
                .routes(into: &tokenRouter)
            let secret = AccessToken.generate(prefix: "cr_reader_")
            _ = try await store.register.createToken(
                hash: AccessToken.hash(secret), role: .reader, parties: [], label: "aggregator", actor: "test")
            for (authorization, status) in [
                (nil, HTTPStatus.unauthorized), ("Token wrong", .unauthorized), ("Token \(secret)", .ok),
                ("Token \(Data(secret.utf8).base64EncodedString())", .ok),
            ] {
                var headers = HTTPHeaders()
                if let authorization { headers.set("Authorization", authorization) }
                let response = await tokenRouter.respond(
                    to: HTTPRequest(method: "GET", target: "/ocpi/versions", headers: headers))
                #expect(response.status == status, "\(authorization ?? "none")")
            }
            // Dumps stay open data in token mode.
            let dump = await tokenRouter.respond(to: HTTPRequest(method: "GET", target: "/opendata/locations.csv"))
            #expect(dump.status == .ok)
        }
    }
}
