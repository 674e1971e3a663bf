import Foundation
import HTTPServer
import TestFixtures
import TestHTTPClient
import Testing

/// Issue #18 on the real binary over sockets: every single request that once stopped `serve` is
/// answered, the values it carried are kept as findings, and the server, the quality scan, the
/// dumps and the command line go on.
@Suite struct HostileClientTests {
    typealias CLI = CommandLineTests

    /// An office for CL with CL*VLT approved, served; returns the server and VLT's operator token.
    static func servedOffice(_ database: String, _ arguments: [String] = []) async throws -> (ServedRegistry, String) {
        _ = try await CLI.run(["office", "configure", "--countries", "CL", "--database", database])
        let served = try await ServedRegistry(["--database", database] + arguments)
        let application = """
            {"organisation": {"legal_name": "Volt SpA", "company_id": "76.123.456-7", "address": "Santiago",
             "country": "CL", "contact": {"name": "C", "email": "c@example.cl"}, "helpdesk_phone": "+56 2 2345 6789",
             "website": "https://example.cl"}, "roles": ["CPO"], "country": "CL", "proposed_code": "CL*VLT"}
            """
        let applied = try await served.request(
            "/api/v1/applications", method: "POST", headers: ["Content-Type": "application/json"], body: application)
        #expect(applied?.status == 201, "\(String(describing: applied))")
        _ = try await CLI.run(["office", "review", "1", "--database", database])
        #expect(try await CLI.run(["office", "approve", "1", "--database", database]).status == 0)
        let token = try await CLI.run([
            "token", "create", "--role", "operator", "--party", "CL*VLT", "--database", database,
        ])
        return (served, token.stdout.trimmingCharacters(in: .newlines))
    }

    /// A location of CL*VLT with `latitude`, `longitude` and one connector of `volts` × `amperes`.
    static func location(
        _ id: String, latitude: String = "-33.447487", longitude: String = "-70.673676", volts: String = "230",
        amperes: String = "32", lastUpdated: String = "2026-11-01T10:00:00Z"
    ) -> String {
        """
        {"country_code": "CL", "party_id": "VLT", "id": "\(id)", "publish": true, "address": "Av. Matta 1",
         "city": "Santiago", "postal_code": "8320000", "country": "CHL",
         "coordinates": {"latitude": "\(latitude)", "longitude": "\(longitude)"},
         "time_zone": "America/Santiago", "last_updated": "\(lastUpdated)",
         "evses": [{"uid": "\(id)-1", "evse_id": "CL*VLT*E\(id)", "status": "AVAILABLE", "last_updated": "\(lastUpdated)",
           "connectors": [{"id": "1", "standard": "IEC_62196_T2", "format": "SOCKET", "power_type": "AC_3_PHASE",
             "max_voltage": \(volts), "max_amperage": \(amperes), "last_updated": "\(lastUpdated)"}]}]}
        """
    }

    /// The records of the issue, each once fatal to `serve` or to the next quality scan.
    static let hostile: [(id: String, json: String)] = [
        ("LAT-1E400", location("LAT-1E400", latitude: "1e400")),
        ("LAT-1E300", location("LAT-1E300", latitude: "1e300")),
        ("LON-NEG-INF", location("LON-NEG-INF", longitude: "-Infinity")),
        ("VOLTS-MAX", location("VOLTS-MAX", volts: "9223372036854775807", amperes: "2")),
        ("AMPERES-MAX", location("AMPERES-MAX", volts: "230", amperes: "9223372036854775807")),
        ("FRACTION-12", location("FRACTION-12", lastUpdated: "2026-11-01T10:00:00.123456789012Z")),
    ]

    @Test func requestsThatOnceStoppedTheServerAreAnsweredAndItGoesOn() async throws {
        let database = CLI.database()
        let (served, token) = try await Self.servedOffice(database, ["--quality-interval", "1"])
        // Unauthenticated reads.
        for target in [
            "/api/v1/locations?changed_since=2026-01-01T00:00:00.1234567890Z",
            "/ocpi/2.2.1/sender/locations?date_from=2026-01-01T00:00:00.123456789012345Z",
            "/ocpi/2.2.1/sender/locations?date_to=2027-01-01T00:00:00.99999999999999999999Z",
            "/ocpi/2.2.1/sender/locations?limit=1&offset=9223372036854775807&after=0-1",
            "/ocpi/2.2.1/sender/locations?limit=1&offset=9223372036854775807",
        ] {
            #expect(try await served.request(target)?.status == 200, "\(target)")
        }
        let badCursor = try #require(try await served.request("/ocpi/2.2.1/sender/locations?after=0-0"))
        #expect(badCursor.body.contains(#""status_code":2001"#) && badCursor.body.contains("after: '0-0'"))
        // Pushes.
        for (id, json) in Self.hostile {
            let pushed = try await served.request(
                "/ocpi/2.2.1/receiver/locations/CL/VLT/\(id)", method: "PUT",
                headers: ["Authorization": "Token \(token)", "Content-Type": "application/json"], body: json)
            #expect(
                pushed?.status == 201 && pushed?.body.contains(#""status_code":1000"#) == true,
                "\(id): \(String(describing: pushed))")
        }
        #expect(try await served.waitForScorecard("CL*VLT", locations: 6), "\(served.log)")
        // The deep page of an overflowing offset links on from the end of the window.
        let deep = try #require(
            try await served.request("/ocpi/2.2.1/sender/locations?limit=1&offset=9223372036854775807&after=0-1"))
        #expect(deep.headers["x-total-count"] == "6")
        #expect(deep.headers["link"].map { $0.contains("offset=7&") } ?? true, "\(deep.headers)")
        let report = try #require(try await served.request("/api/v1/quality/locations/CL/VLT/LAT-1E400"))
        #expect(report.status == 200 && report.body.contains("are not WGS84 degrees"))
        let volts = try #require(try await served.request("/api/v1/quality/locations/CL/VLT/VOLTS-MAX"))
        #expect(volts.status == 200 && volts.body.contains("9223372036854775807 V is outside"))
        for target in [
            "/api/v1/quality", "/ocpi/2.2.1/sender/locations", "/opendata/locations.csv", "/opendata/locations.json",
            "/api/v1/locations?bbox=-180,-90,180,90", "/api/v1/locations?near=-33.4,-70.6&radius_m=100000",
        ] {
            #expect(try await served.request(target)?.status == 200, "\(target)")
        }
        let geojson = try #require(try await served.request("/opendata/locations.geojson"))
        let collection = try JSONSerialization.jsonObject(with: Data(geojson.body.utf8)) as? [String: Any]
        let features = try #require(collection?["features"] as? [[String: Any]])
        #expect(features.count == 6 && features.filter { $0["geometry"] is NSNull }.count == 3)
        #expect(try await served.request("/api/v1/healthz")?.status == 200)
        #expect(served.process.isRunning)
        #expect(await served.stop() == 0)
        // The command line reads the same records.
        #expect(try await CLI.run(["quality", "--database", database]).status == 0)
        let file = Fixtures.temporaryDirectory().appendingPathComponent("hostile.json")
        try ("[" + Self.hostile.map(\.json).joined(separator: ",") + "]").write(
            to: file, atomically: true, encoding: .utf8)
        let ingested = try await CLI.run(["ingest", "--database", CLI.database(), file.path])
        #expect(ingested.status == 0 && ingested.stdout.contains("read 6, new 6"), "\(ingested.stderr)")
        #expect(try await CLI.run(["export", "--database", database, "--format", "geojson"]).status == 0)
    }

    /// A Sender serving the records of the issue, as an operator's platform would (versions,
    /// version details, one page of locations).
    static func hostileSender() throws -> HTTPServer {
        @Sendable func envelope(_ data: String) -> HTTPResponse {
            var response = HTTPResponse.json(
                Array(#"{"data": \#(data), "status_code": 1000, "timestamp": "2026-11-01T10:00:00Z"}"#.utf8))
            response.headers.set("X-Total-Count", "\(hostile.count)")
            response.headers.set("X-Limit", "100")
            return response
        }
        var router = HTTPRouter()
        router.get("/ocpi/versions") { request, _ in
            envelope(#"[{"version": "2.2.1", "url": "http://\#(request.headers["Host"] ?? "")/ocpi/2.2.1"}]"#)
        }
        router.get("/ocpi/2.2.1") { request, _ in
            let url = "http://\(request.headers["Host"] ?? "")/ocpi/2.2.1/locations"
            return envelope(
                #"{"version": "2.2.1", "endpoints": [{"identifier": "locations", "role": "SENDER", "url": "\#(url)"}]}"#
            )
        }
        router.get("/ocpi/2.2.1/locations") { _, _ in envelope("[" + hostile.map(\.json).joined(separator: ",") + "]") }
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.eventLoops = 1
        return try HTTPServer(configuration: configuration, router: router, accessLog: { _ in })
    }

    /// A feed serving the records once stopped `serve` two seconds after every start: now they
    /// are pulled, scored and served, and the next start scores them again and goes on.
    @Test func aFeedServingTheRecordsIsPulledAndServeGoesOn() async throws {
        let database = CLI.database()
        let sender = try Self.hostileSender()
        let (office, _) = try await Self.servedOffice(database)
        #expect(await office.stop() == 0)
        let added = try await CLI.run([
            "feeds", "add", "CL*VLT", "--versions-url", "http://127.0.0.1:\(sender.port)/ocpi/versions",
            "--database", database,
        ])
        #expect(added.status == 0, "\(added.stderr)")
        for start in 0..<2 {
            let served = try await ServedRegistry(["--database", database, "--quality-interval", "1"])
            // The first start pulls the feed and scores what it brought; at the next the feed is
            // not due, and the stored scores are added up again.
            if start == 0 { #expect(try await served.waitForLog("CL*VLT: full pull"), "\(served.log)") }
            #expect(try await served.waitForScorecard("CL*VLT", locations: 6), "\(served.log)")
            if start == 1 {
                #expect(
                    try await served.waitForLog("quality: added up the stored scores of 6 locations"), "\(served.log)")
            }
            let report = try #require(try await served.request("/api/v1/quality/locations/CL/VLT/LAT-1E400"))
            #expect(report.status == 200 && report.body.contains("are not WGS84 degrees"))
            #expect(try await served.request("/api/v1/healthz")?.status == 200)
            #expect(served.process.isRunning)
            #expect(await served.stop() == 0)
        }
        let runs = try await CLI.run(["feeds", "status", "--database", database])
        #expect(runs.status == 0 && !runs.stdout.contains("failed"), "\(runs.stdout)")
        await sender.shutdown()
    }

    /// A client address over its rate gets 429 with Retry-After (RFC 6585 §4), others and health
    /// checks go on; applications have their own tight bucket. The rates are so slow that no
    /// token comes back during the test, however slow the machine.
    @Test func aFloodFromOneAddressIsAnswered429() async throws {
        let served = try await ServedRegistry([
            "--database", CLI.database(), "--rate-limit", "0.001", "--rate-burst", "3",
            "--applications-per-minute", "1",
        ])
        let statuses = try await Array(0..<5).asyncMap { _ in try await served.request("/api/v1/stats")?.status ?? 0 }
        #expect(statuses == [200, 200, 200, 429, 429], "\(statuses)")
        let limited = try #require(try await served.request("/api/v1/locations"))
        #expect(limited.status == 429 && Int(limited.headers["retry-after"] ?? "") ?? 0 >= 1, "\(limited)")
        #expect(limited.body.contains("at most 0.001 requests a second from one address"))
        #expect(try await served.request("/api/v1/stats", from: "127.0.0.2")?.status == 200)
        #expect(try await served.request("/api/v1/healthz")?.status == 200)
        let application = #"{"organisation": {}}"#
        let first = try await served.request("/api/v1/applications", method: "POST", body: application)
        let second = try await served.request("/api/v1/applications", method: "POST", body: application)
        #expect(first?.status != 429 && second?.status == 429, "\(String(describing: second))")
        let metrics = try #require(try await served.request("/api/v1/metrics"))
        #expect(metrics.body.contains(#"route="/api/v1/stats",method="GET",status="429"} 2"#), "\(metrics.body)")
        #expect(await served.stop() == 0)
    }

    @Test func aSecondServeOnTheSameAddressFailsClearly() async throws {
        let database = CLI.database()
        let first = try await ServedRegistry(["--database", database])
        let second = try await CLI.run(["serve", "--listen", "127.0.0.1:\(first.port)", "--database", database])
        #expect(second.status == 1)
        #expect(
            second.stderr.contains("cannot listen on 127.0.0.1:\(first.port): Address already in use"),
            "\(second.stderr)")
        #expect(try await first.request("/api/v1/healthz")?.status == 200)
        #expect(await first.stop() == 0)
    }
}
