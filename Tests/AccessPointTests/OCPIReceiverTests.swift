import Foundation
import HTTPServer
import JSON
import RegistryCore
import Storage
import TestDatabases
import Testing

@testable import AccessPoint

/// The Locations Receiver (issue #7): who may do what, what PUT and PATCH do to the stored
/// location. The end to end walk, registration included, is in `CredentialsHandshakeTests`.
@Suite struct OCPIReceiverTests {
    struct Fixture {
        let router: HTTPRouter
        let tokens: [String: String]  // who → secret

        func call(_ method: String, _ target: String, as who: String?, body: String? = nil) async
            -> (status: Int, code: Int, json: JSONValue)
        {
            var headers = HTTPHeaders()
            if let who, let secret = tokens[who] {
                headers.set("Authorization", "Token \(Data(secret.utf8).base64EncodedString())")
            } else if let who {
                headers.set("Authorization", "Token \(who)")
            }
            let response = await router.respond(
                to: HTTPRequest(method: method, target: target, headers: headers, body: Array((body ?? "").utf8)))
            let json = (try? JSONParser.parse(response.body)) ?? .null
            var code = 0
            if case .number(let number)? = json["status_code"] { code = number.intValue ?? 0 }
            return (response.status.code, code, json)
        }
    }

    static func fixture(_ store: any Store) async throws -> Fixture {
        var router = HTTPRouter()
        AccessRoutes(store: store, backend: "test").routes(into: &router)
        try await store.register.configure(OfficeSettings(countries: ["CL"]), actor: "office")
        try await RepositoryLinkTests.approve(
            store.register, "Voltaje Andino SpA", company: "76.123.456-7", code: "CL*VLT")
        try await RepositoryLinkTests.approve(store.register, "Carga Sur SpA", company: "77.222.333-4", code: "CL*SUR")
        var tokens: [String: String] = [:]
        for (who, role, parties) in [
            ("own", TokenRole.operator, ["CL*VLT"]), ("other", .operator, ["CL*SUR"]), ("office", .office, []),
            ("reader", .reader, []),
        ] {
            let secret = AccessToken.generate(prefix: "cr_\(role.rawValue)_")
            _ = try await store.register.createToken(
                hash: AccessToken.hash(secret), role: role, parties: try parties.map { try PartyCode(parsing: $0) },
                label: who, actor: "test")
            tokens[who] = secret
        }
        return Fixture(router: router, tokens: tokens)
    }

    static func location(_ id: String = "L1", publish: Bool = true, status: String = "AVAILABLE") -> String {
        """
        {"country_code": "CL", "party_id": "VLT", "id": "\(id)", "publish": \(publish), "address": "Av. Uno 1",
         "city": "Santiago", "country": "CHL", "coordinates": {"latitude": "-33.45", "longitude": "-70.66"},
         "time_zone": "America/Santiago", "last_updated": "2026-11-01T10:00:00Z",
         "evses": [{"uid": "E1", "evse_id": "CL*VLT*E1", "status": "\(status)", "last_updated": "2026-11-01T10:00:00Z",
           "connectors": [{"id": "1", "standard": "IEC_62196_T2", "format": "SOCKET", "power_type": "AC_3_PHASE",
             "max_voltage": 230, "max_amperage": 32, "last_updated": "2026-11-01T10:00:00Z"}]}]}
        """
    }

    static let base = "/ocpi/2.2.1/receiver/locations"

    @Test(arguments: TestBackend.available)
    func everyRouteForEveryKindOfCaller(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let f = try await Self.fixture(store)
            // The operator's unpublished location exists under CL/VLT; CL/SUR has one too.
            #expect(
                await f.call("PUT", "\(Self.base)/CL/VLT/L1", as: "own", body: Self.location(publish: false)).status
                    == 201)
            let sur = Self.location("S1").replacing(#""party_id": "VLT""#, with: #""party_id": "SUR""#)
            #expect(await f.call("PUT", "\(Self.base)/CL/SUR/S1", as: "other", body: sur).status == 201)
            let evse = #"{"uid": "E1", "status": "CHARGING", "last_updated": "2026-11-01T11:00:00Z"}"#
            let connector = #"{"id": "1", "max_voltage": 400, "last_updated": "2026-11-01T11:00:00Z"}"#
            let routes: [(String, String, String?)] = [
                ("GET", "\(Self.base)/CL/VLT/L1", nil), ("GET", "\(Self.base)/CL/VLT/L1/E1", nil),
                ("GET", "\(Self.base)/CL/VLT/L1/E1/1", nil),
                ("PUT", "\(Self.base)/CL/VLT/L1", Self.location(publish: false)),
                ("PUT", "\(Self.base)/CL/VLT/L1/E1", evse.replacing("CHARGING", with: "AVAILABLE")),
                ("PUT", "\(Self.base)/CL/VLT/L1/E1/1", connector),
                ("PATCH", "\(Self.base)/CL/VLT/L1", #"{"name": "x", "last_updated": "2026-11-01T12:00:00Z"}"#),
                ("PATCH", "\(Self.base)/CL/VLT/L1/E1", evse), ("PATCH", "\(Self.base)/CL/VLT/L1/E1/1", connector),
            ]
            for (method, target, body) in routes {
                let expected: [String: Int] = [
                    "own": 200, "other": 404,
                    "office": method == "GET" ? 200 : 403, "reader": 403, "nobody": 401, "forged": 401,
                ]
                for (who, status) in expected {
                    let caller: String? = who == "nobody" ? nil : who == "forged" ? "cr_operator_0000" : who
                    let before = try await store.location(
                        LocationKey(countryCode: "CL", partyID: "VLT", locationID: "L1"))
                    let result = await f.call(method, target, as: caller, body: body)
                    #expect(result.status == status, "\(who) \(method) \(target)")
                    if status != 200 {
                        // Refused: nothing written, nothing of the unpublished location shown.
                        let after = try await store.location(
                            LocationKey(countryCode: "CL", partyID: "VLT", locationID: "L1"))
                        #expect(after?.version == before?.version, "\(who) \(method) \(target)")
                        #expect(result.json["data"] == nil)
                    }
                }
            }
            // The other operator cannot touch CL/VLT through its own URL either: the body is checked.
            let smuggled = await f.call("PUT", "\(Self.base)/CL/SUR/L1", as: "other", body: Self.location())
            #expect(smuggled.status == 200 && smuggled.code == 2001)
            #expect(try await store.location(LocationKey(countryCode: "CL", partyID: "SUR", locationID: "L1")) == nil)
            // The unpublished location is on no public path.
            #expect(try await store.publishedLocations(withID: "L1").isEmpty)
        }
    }

    @Test(arguments: TestBackend.available)
    func putAndPatchFollowTheSpec(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let f = try await Self.fixture(store)
            let key = LocationKey(countryCode: "CL", partyID: "VLT", locationID: "L1")
            // A child under an unknown location: 404.
            let orphan = await f.call("PUT", "\(Self.base)/CL/VLT/L1/E1", as: "own", body: #"{"uid": "E1"}"#)
            #expect(orphan.status == 404 && orphan.code == 2003)
            #expect(await f.call("PUT", "\(Self.base)/CL/VLT/L1", as: "own", body: Self.location()).status == 201)
            #expect(await f.call("PUT", "\(Self.base)/CL/VLT/L1", as: "own", body: Self.location()).status == 200)
            #expect(try await store.history(of: key).count == 1, "the same content again is no new version")
            // URL id ≠ body id; PATCH without last_updated; not JSON.
            for (method, target, body, status, code) in [
                ("PUT", "\(Self.base)/CL/VLT/L2", Self.location(), 200, 2001),
                (
                    "PUT", "\(Self.base)/CL/VLT/L1/E9", #"{"uid": "E1", "last_updated": "2026-11-01T10:00:00Z"}"#, 200,
                    2001
                ),
                ("PATCH", "\(Self.base)/CL/VLT/L1/E1", #"{"status": "CHARGING"}"#, 200, 2001),
                (
                    "PATCH", "\(Self.base)/CL/VLT/L1/E9",
                    #"{"status": "CHARGING", "last_updated": "2026-11-01T10:00:00Z"}"#, 404, 2003
                ),
                ("PATCH", "\(Self.base)/CL/VLT/L1", "{", 400, 2001),
            ] {
                let result = await f.call(method, target, as: "own", body: body)
                #expect(result.status == status && result.code == code, "\(method) \(target) \(body)")
            }
            // A connector PATCH changes that connector only and moves its parents' last_updated.
            let patched = await f.call(
                "PATCH", "\(Self.base)/CL/VLT/L1/E1/1", as: "own",
                body: #"{"max_amperage": 16, "last_updated": "2026-11-02T08:00:00Z"}"#)
            #expect(patched.status == 200 && patched.code == 1000)
            let stored = await f.call("GET", "\(Self.base)/CL/VLT/L1", as: "own").json["data"] ?? .null
            #expect(stored["last_updated"] == .string("2026-11-02T08:00:00Z"))
            guard case .array(let evses)? = stored["evses"], case .array(let connectors)? = evses[0]["connectors"]
            else {
                Issue.record("no evses")
                return
            }
            #expect(evses[0]["last_updated"] == .string("2026-11-02T08:00:00Z"))
            #expect(connectors[0]["max_amperage"] == .number(JSONNumber(16)))
            #expect(connectors[0]["max_voltage"] == .number(JSONNumber(230)))
            // A new EVSE by PUT is added beside the first.
            let added = await f.call(
                "PUT", "\(Self.base)/CL/VLT/L1/e2", as: "own",
                body:
                    #"{"uid": "E2", "evse_id": "CL*VLT*E2", "status": "AVAILABLE", "connectors": [], "last_updated": "2026-11-02T09:00:00Z"}"#
            )
            #expect(added.status == 200)
            let runs = try await store.ingestRuns(limit: 10)
            #expect(runs.allSatisfy { $0.kind == .push } && runs.count == 4)
            #expect(try await store.history(of: key).count == 3)
        }
    }

    /// An id with a control character in the URL or the body is refused naming it, and the
    /// location whose id it starts with is untouched (a NUL once ended the id in SQLite, so a PUT
    /// to `L1%00SHADOW` overwrote `L1`).
    @Test(arguments: TestBackend.available)
    func idsWithControlCharactersAreRefused(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let f = try await Self.fixture(store)
            #expect(await f.call("PUT", "\(Self.base)/CL/VLT/L1", as: "own", body: Self.location()).status == 201)
            let shadow = Self.location("L1\\u0000SHADOW").replacing(#""publish": true"#, with: #""publish": false"#)
            let viaURL = await f.call("PUT", "\(Self.base)/CL/VLT/L1%00SHADOW", as: "own", body: shadow)
            #expect(viaURL.status == 400 && viaURL.code == 2001)
            #expect(
                viaURL.json["status_message"] == .string("location_id in the URL contains the control character U+0000")
            )
            let evse = await f.call(
                "PUT", "\(Self.base)/CL/VLT/L1/E1%01", as: "own",
                body:
                    #"{"uid": "E1\u0001", "status": "AVAILABLE", "connectors": [], "last_updated": "2026-11-02T09:00:00Z"}"#
            )
            #expect(evse.status == 400 && evse.code == 2001)
            let viaBody = await f.call(
                "PUT", "\(Self.base)/CL/VLT/L2", as: "own",
                body: Self.location("L2").replacing(#""uid": "E1""#, with: #""uid": "E1\u0000X""#))
            #expect(viaBody.code == 2001, "\(viaBody.json)")
            let key = LocationKey(countryCode: "CL", partyID: "VLT", locationID: "L1")
            #expect(try await store.history(of: key).count == 1)
            #expect(try await store.location(key)?.publish == true)
            #expect(try await store.location(LocationKey(countryCode: "CL", partyID: "VLT", locationID: "L2")) == nil)
        }
    }

    /// A `HEAD` with a body is answered as the `GET` it stands for and writes nothing.
    @Test(arguments: TestBackend.available)
    func aHeadWithABodyWritesNothing(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let f = try await Self.fixture(store)
            #expect(await f.call("PUT", "\(Self.base)/CL/VLT/L1", as: "own", body: Self.location()).status == 201)
            let head = await f.call(
                "HEAD", "\(Self.base)/CL/VLT/L1", as: "own",
                body: #"{"publish": false, "last_updated": "2026-11-02T08:00:00Z"}"#)
            #expect(head.status == 200)
            let key = LocationKey(countryCode: "CL", partyID: "VLT", locationID: "L1")
            #expect(try await store.history(of: key).count == 1)
            #expect(try await store.ingestRuns(limit: 10).count == 1)
            #expect(try await store.location(key)?.publish == true)
        }
    }

    /// Concurrent pushes to different locations all land: each waits for the write lock rather
    /// than failing on a stale read snapshot (the SQLite `SQLITE_BUSY_SNAPSHOT` trap). How long a
    /// push waits for a writer that does not change hands is `WriterQueueTests`' concern: on a
    /// machine loaded enough (the whole suite beside two busy loops), one push's turn took over
    /// the 10 s the server allows and the 22 pushes behind it were answered 503.
    @Test(arguments: TestBackend.available)
    func concurrentPushesAllLand(_ backend: TestBackend) async throws {
        try await backend.withStore(writerPatience: .seconds(600)) { store, _ in
            let f = try await Self.fixture(store)
            let statuses = await withTaskGroup(of: Int.self) { group in
                for index in 1...24 {
                    group.addTask {
                        await f.call(
                            "PUT", "\(Self.base)/CL/VLT/C\(index)", as: "own", body: Self.location("C\(index)")
                        )
                        .status
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 201, count: 24))
            #expect(try await store.ingestRuns(limit: 100).filter { $0.kind == .push }.count == 24)
        }
    }
}
