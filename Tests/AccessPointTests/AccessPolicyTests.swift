import Foundation
import HTTPServer
import JSON
import RegistryCore
import Storage
import TestDatabases
import Testing

@testable import AccessPoint

/// Issue #19, item 5: the authorisation matrix. Every route the access point serves, with every
/// method it answers, is called by every kind of caller, with the Sender open and closed; who is
/// let through is checked against a table written here, apart from the guards, and a refused
/// call must have written nothing and shown nothing. A route the table does not know fails the
/// test, so a new route has to be placed in the policy. Deliveries (pushes and pulls of a feed)
/// follow their own matrix: relation to the code × the code's standing.
@Suite struct AccessPolicyTests {
    enum Caller: String, CaseIterable {
        case nobody, forged, reader, own, other, office, registration, applicant
    }

    /// Whether the policy lets `caller` through to `method` `pattern`, or nil for a route the
    /// policy does not know.
    static func admits(_ caller: Caller, _ method: String, _ pattern: String, closed: Bool) -> Bool? {
        let tokens: Set<Caller> = [.reader, .own, .other, .office]
        if method == "OPTIONS" { return true }
        if pattern.hasPrefix("/api/v1/office/") || pattern == "/api/v1/parties/{code}/ingest-runs" {
            return caller == .office
        }
        if pattern == "/api/v1/applications" { return true }
        if pattern.hasPrefix("/api/v1/applications/") { return caller == .applicant }
        if pattern.hasPrefix("/api/v1/") || pattern.hasPrefix("/opendata/") { return true }
        if pattern == "/ocpi/versions" || pattern == "/ocpi/{version}" {
            return !closed || tokens.union([.registration]).contains(caller)
        }
        if pattern.hasPrefix("/ocpi/{version}/sender/") { return !closed || tokens.contains(caller) }
        if pattern == "/ocpi/{version}/credentials" { return tokens.union([.registration]).contains(caller) }
        if pattern.hasPrefix("/ocpi/{version}/receiver/locations/") {
            return caller == .own || (caller == .office && method == "GET")
        }
        return nil
    }

    /// Everything a call could write, read through the store.
    struct Written: Equatable {
        var runs: [Int64]
        var audit: Int
        var applications: [String]
        var tokens: [String]
        var locations: [String]
        var peers: Int
        var feeds: Int
        var requests: Int

        init(_ store: any Store) async throws {
            let register = store.register
            runs = try await store.ingestRuns(limit: 1000).map(\.id)
            audit = try await register.auditLog(limit: 10_000).count
            applications = try await register.applications().map { "\($0.id) \($0.status.rawValue)" }
            tokens = try await register.tokens().map { "\($0.id) \($0.revokedAt == nil)" }
            var all = LocationFilter()
            all.includesUnpublished = true
            locations = try await store.listLocations(all, cursor: nil, limit: 1000).items.map {
                "\($0.location.key) \($0.location.version)"
            }
            peers = try await register.peers().count
            feeds = try await register.feeds().count
            requests = try await register.locationRequests().count
        }
    }

    @Test(arguments: TestBackend.available)
    func everyRouteLetsThroughExactlyWhomThePolicyNames(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            try await DeliveryOwnershipTests.office(store)
            // The canary: VLT's unpublished location, which no refused call may name.
            _ = try await OCPISenderTests.ingest(
                store,
                "["
                    + LocationJSON.make("VLT", "CANARY-HIDDEN", name: "Canary Hidden").replacing(
                        #""publish": true"#, with: #""publish": false"#) + "]")
            var secrets: [Caller: String] = [.forged: "cr_operator_forged0000000000000000000000000000000000"]
            for (caller, role, purpose, parties) in [
                (Caller.reader, TokenRole.reader, TokenPurpose.api, [String]()), (.own, .operator, .api, ["CL*VLT"]),
                (.other, .operator, .api, ["CL*SUR"]), (.office, .office, .api, []),
                (.registration, .operator, .registration, ["CL*VLT"]),
            ] {
                let secret = AccessToken.generate(prefix: "cr_\(role.rawValue)_")
                _ = try await store.register.createToken(
                    hash: AccessToken.hash(secret), role: role, purpose: purpose,
                    parties: try parties.map { try PartyCode(parsing: $0) }, label: caller.rawValue, actor: "test")
                secrets[caller] = secret
            }
            let applicantSecret = AccessToken.generate(prefix: "cr_app_")
            let form = ApplicationForm(
                organisation: Organisation(
                    legalName: "Nueva Carga SpA", companyID: "79.111.222-3", address: "Santiago", country: "CL",
                    representative: "R", contactName: "C", contactEmail: "c@example.cl", helpdeskPhone: "+56 2 1",
                    website: "https://example.cl"),
                roles: [.cpo], country: "CL", proposedCode: try PartyCode(parsing: "CL*NEW"))
            let application = try await store.register.submit(form, secretHash: AccessToken.hash(applicantSecret))
            secrets[.applicant] = applicantSecret

            for closed in [false, true] {
                var settings = AccessPointSettings(ocpiRequiresToken: closed)
                settings.rateLimits.readsPerSecond = 0
                settings.rateLimits.applicationsPerMinute = 0
                var router = HTTPRouter()
                AccessRoutes(store: store, backend: "test", settings: settings).routes(into: &router)
                var walked = 0
                for method in ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] {
                    for pattern in router.routes(method: method) {
                        let target = Self.target(pattern, application: application.id)
                        for caller in Caller.allCases {
                            guard let expected = Self.admits(caller, method, pattern, closed: closed) else {
                                Issue.record("\(method) \(pattern) is in no row of the policy")
                                continue
                            }
                            var headers = HTTPHeaders()
                            if let secret = secrets[caller] {
                                headers.set(
                                    "Authorization",
                                    pattern.hasPrefix("/ocpi") ? "Token \(secret)" : "Bearer \(secret)")
                            }
                            let before = try await Written(store)
                            let response = await router.respond(
                                to: HTTPRequest(method: method, target: target, headers: headers, body: []))
                            let body = String(decoding: response.body, as: UTF8.self)
                            let refused =
                                [401, 403].contains(response.status.code)
                                || (response.status.code == 404 && body.contains("is not a party of this token"))
                            let context = "\(caller) \(method) \(target) (Sender \(closed ? "closed" : "open"))"
                            #expect(refused == !expected, "\(context): \(response.status.code) \(body)")
                            if refused {
                                #expect(try await Written(store) == before, "\(context) wrote")
                                #expect(!body.contains("CANARY") && !body.contains("Canary"), "\(context)")
                                #expect((try? JSONParser.parse(response.body))?["data"] == nil, "\(context)")
                            }
                            walked += 1
                        }
                    }
                }
                #expect(walked > 300)
            }
        }
    }

    /// `pattern` with its parameters filled in: VLT's location, the applicant's application, and
    /// ids that name nothing where an office action would change what later calls see.
    static func target(_ pattern: String, application: Int64) -> String {
        let values = [
            "{version}": "2.2.1", "{country_code}": "CL", "{party_id}": "VLT", "{location_id}": "V1",
            "{evse_uid}": "V1-1", "{connector_id}": "1", "{evse_id}": "CL*VLT*EV1", "{action}": "review",
            "{code}": pattern.hasPrefix("/api/v1/office/codes") ? "CL*ZZZ" : "CL*VLT",
            "{id}": pattern.hasPrefix("/api/v1/office/tokens") ? "999999" : String(application),
        ]
        return values.reduce(pattern) { $0.replacing($1.key, with: $1.value) }
    }

    /// A platform (HUB) delivers by push and by a pulled feed: its own code, SUR's (which
    /// authorised it) and VLT's (which did not), while no code, HUB, SUR or VLT is suspended.
    /// A record is stored exactly when its code is HUB's or SUR's and both it and HUB are in good
    /// standing; otherwise the stored location keeps its version and document.
    @Test(arguments: TestBackend.available)
    func deliveriesFollowOneRuleWhateverThePath(_ backend: TestBackend) async throws {
        typealias Party = DeliveryOwnershipTests
        try await backend.withStore { source, _ in
            let server = try OCPISenderTests.serve(source)
            try await backend.withStore { store, _ in
                try await Party.office(store)
                let sites = [(Party.hub, "H1"), (Party.sur, "S1"), (Party.vlt, "V1")]
                func feed(_ name: String) -> String {
                    "[" + sites.map { Party.location($0.0.partyID, $0.1, name: name) }.joined(separator: ",") + "]"
                }
                _ = try await OCPISenderTests.ingest(store, feed("Start"))
                let secret = AccessToken.generate(prefix: "cr_operator_")
                _ = try await store.register.createToken(
                    hash: AccessToken.hash(secret), role: .operator, parties: [Party.hub], label: "hub", actor: "test")
                var router = HTTPRouter()
                AccessRoutes(store: store, backend: "test").routes(into: &router)
                let hubFeed = try await store.register.saveFeed(
                    party: Party.hub, versionsURL: "http://127.0.0.1:\(server.port)/ocpi/versions", token: nil,
                    ocpiVersion: "2.2.1", deltaMinutes: 5, fullHours: 24, actor: "office")

                for (round, suspended) in [nil, Party.hub, Party.sur, Party.vlt].enumerated() {
                    if let suspended {
                        _ = try await store.register.change(suspended, .suspend, reason: "test", actor: "office")
                    }
                    for path in ["push", "pull"] {
                        let name = "\(path) \(round)"
                        var before: [PartyCode: StoredLocation] = [:]
                        for (party, id) in sites {
                            let key = LocationKey(countryCode: "CL", partyID: party.partyID, locationID: id)
                            let stored: StoredLocation = try #require(try await store.location(key))
                            before[party] = stored
                        }
                        if path == "push" {
                            for (party, id) in sites {
                                var headers = HTTPHeaders()
                                headers.set("Authorization", "Token \(secret)")
                                _ = await router.respond(
                                    to: HTTPRequest(
                                        method: "PUT",
                                        target: "/ocpi/2.2.1/receiver/locations/CL/\(party.partyID)/\(id)",
                                        headers: headers,
                                        body: Array(Party.location(party.partyID, id, name: name).utf8)))
                            }
                        } else {
                            _ = try await OCPISenderTests.ingest(source, feed(name))
                            _ = await FeedPuller(store: store).pull(hubFeed, kind: .full)
                        }
                        for (party, id) in sites {
                            let stored = party != Party.vlt && suspended != party && suspended != Party.hub
                            let key = LocationKey(countryCode: "CL", partyID: party.partyID, locationID: id)
                            let after = try #require(try await store.location(key))
                            let context = "\(path), \(suspended.map { "\($0) suspended" } ?? "all active"): \(party)"
                            #expect((after.version != before[party]?.version) == stored, "\(context)")
                            if !stored {
                                #expect(after.document == before[party]?.document, "\(context)")
                                #expect(after.changedAt == before[party]?.changedAt, "\(context)")
                            }
                        }
                    }
                    if let suspended {
                        _ = try await store.register.change(suspended, .reinstate, reason: "test", actor: "office")
                    }
                }
            }
            await server.shutdown()
        }
    }
}
