import Foundation
import HTTPServer
import JSON
import OCPI
import RegistryCore
import Storage
import TestDatabases
import TestFixtures
import Testing

@testable import AccessPoint

/// Issue #19: every write is its owner's and every decision of the office bites. A platform
/// (CL*HUB) delivers its own code and CL*SUR, which authorised it; a record naming CL*VLT, which
/// did not, is refused and counted, and nothing of VLT changes, whether it comes by a pull or a
/// push. A suspended or revoked code is written by no path and its feed pauses; reinstating
/// restores both.
@Suite struct DeliveryOwnershipTests {
    static func location(_ party: String, _ id: String, name: String = "Site") -> String {
        LocationJSON.make(party, id, name: name)
    }

    static let hub = try! PartyCode(parsing: "CL*HUB")
    static let sur = try! PartyCode(parsing: "CL*SUR")
    static let vlt = try! PartyCode(parsing: "CL*VLT")
    static let vltKey = LocationKey(countryCode: "CL", partyID: "VLT", locationID: "V1")

    /// An office with VLT, SUR and HUB issued to three organisations, SUR authorising HUB, and
    /// VLT's published location V1 stored.
    static func office(_ store: any Store) async throws {
        let register = store.register
        // No quarantine, so that a revoked code can be released within the test.
        try await register.configure(OfficeSettings(countries: ["CL"], quarantineDays: 0), actor: "office")
        try await RepositoryLinkTests.approve(register, "Voltaje Andino SpA", company: "76.123.456-7", code: "CL*VLT")
        try await RepositoryLinkTests.approve(register, "Carga Sur SpA", company: "77.222.333-4", code: "CL*SUR")
        try await RepositoryLinkTests.approve(register, "Hub Plataforma SpA", company: "78.333.444-5", code: "CL*HUB")
        try await register.authorise(hub, under: sur, actor: "office")
        _ = try await OCPISenderTests.ingest(store, "[" + location("VLT", "V1", name: "Voltaje Matta") + "]")
    }

    /// The platform's Sender on `source`: its own location, one of SUR, and VLT's V1 renamed.
    static func platformSender(_ source: any Store) async throws -> HTTPServer {
        _ = try await OCPISenderTests.ingest(
            source,
            "["
                + [location("HUB", "H1"), location("SUR", "S1"), location("VLT", "V1", name: "Taken")]
                .joined(separator: ",") + "]")
        return try OCPISenderTests.serve(source)
    }

    static func vltUnchanged(_ store: any Store, _ before: StoredLocation?) async throws {
        let after = try #require(try await store.location(vltKey))
        #expect(after.version == before?.version && after.changedAt == before?.changedAt)
        #expect(after.document == before?.document && after.publish)
    }

    @Test(arguments: TestBackend.available)
    func aFeedStoresItsOwnAndItsAuthorisedCodesAndRefusesAnother(_ backend: TestBackend) async throws {
        try await backend.withStore { source, _ in
            let server = try await Self.platformSender(source)
            try await backend.withStore { store, _ in
                try await Self.office(store)
                let before = try await store.location(Self.vltKey)
                let feed = try await store.register.saveFeed(
                    party: Self.hub, versionsURL: "http://127.0.0.1:\(server.port)/ocpi/versions", token: nil,
                    ocpiVersion: "2.2.1", deltaMinutes: 5, fullHours: 24, actor: "office")
                let outcome = await FeedPuller(store: store).pull(feed, kind: .full)
                let report = try #require(outcome.report, "\(outcome.error ?? "")")
                #expect(report.run.summary.created == 2 && report.run.summary.refused == 1)
                #expect(report.run.summary.findingsByCode[.partyNotAuthorised] == 1)
                #expect(report.refusals.map(\.locationID) == ["V1"])
                #expect(
                    report.refusals.first?.reason.contains("CL*VLT is not a code of this delivery (CL*HUB)") == true)
                #expect(
                    try await store.location(LocationKey(countryCode: "CL", partyID: "SUR", locationID: "S1")) != nil)
                try await Self.vltUnchanged(store, before)

                // SUR suspended: its records are refused, its own feed pauses; reinstated, both resume.
                _ = try await store.register.change(Self.sur, .suspend, reason: "unpaid fees", actor: "office")
                let suspended = try #require(await FeedPuller(store: store).pull(feed, kind: .full).report)
                #expect(suspended.run.summary.refused == 2 && suspended.run.summary.unchanged == 1)
                #expect(
                    suspended.refusals.contains { $0.reason.contains("CL*SUR is SUSPENDED at the registration office") }
                )
                let surFeed = try await store.register.saveFeed(
                    party: Self.sur, versionsURL: "http://127.0.0.1:\(server.port)/ocpi/versions", token: nil,
                    ocpiVersion: "2.2.1", deltaMinutes: 5, fullHours: 24, actor: "office")
                let paused = await FeedPuller(store: store).pull(surFeed, kind: .full)
                #expect(paused.report == nil && paused.error?.hasPrefix("paused: CL*SUR is SUSPENDED") == true)
                _ = try await store.register.change(Self.sur, .reinstate, reason: "paid", actor: "office")
                #expect(await FeedPuller(store: store).pull(surFeed, kind: .full).report != nil)
                let resumed = try #require(await FeedPuller(store: store).pull(feed, kind: .full).report)
                #expect(resumed.run.summary.refused == 1)
                try await Self.vltUnchanged(store, before)
            }
            await server.shutdown()
        }
    }

    @Test(arguments: TestBackend.available)
    func aPushWritesOnlyWhatTheRegisterLetsItsTokenWrite(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            try await Self.office(store)
            let before = try await store.location(Self.vltKey)
            var router = HTTPRouter()
            AccessRoutes(store: store, backend: "test").routes(into: &router)
            var secrets: [String: String] = [:]
            for party in [Self.hub, Self.sur] {
                let secret = AccessToken.generate(prefix: "cr_operator_")
                _ = try await store.register.createToken(
                    hash: AccessToken.hash(secret), role: .operator, parties: [party], label: party.partyID,
                    actor: "test")
                secrets[party.partyID] = secret
            }
            func push(_ who: String, _ party: String, _ id: String, body: String? = nil) async -> (Int, JSONValue) {
                var headers = HTTPHeaders()
                headers.set("Authorization", "Token \(secrets[who]!)")
                let response = await router.respond(
                    to: HTTPRequest(
                        method: "PUT", target: "/ocpi/2.2.1/receiver/locations/CL/\(party)/\(id)", headers: headers,
                        body: Array((body ?? Self.location(party, id)).utf8)))
                return (response.status.code, (try? JSONParser.parse(response.body)) ?? .null)
            }
            #expect(await push("HUB", "HUB", "H1").0 == 201)
            #expect(await push("HUB", "SUR", "S1").0 == 201)
            #expect(await push("HUB", "VLT", "V1", body: Self.location("VLT", "V1", name: "Taken")).0 == 404)
            // The body naming another party than the URL is refused too.
            let smuggled = await push("HUB", "SUR", "V1", body: Self.location("VLT", "V1", name: "Taken"))
            #expect(smuggled.1["status_code"] == .number(JSONNumber(2001)))
            try await Self.vltUnchanged(store, before)

            for (action, back) in [(CodeAction.suspend, CodeAction.reinstate), (.revoke, nil)] {
                _ = try await store.register.change(Self.sur, action, reason: "decided", actor: "office")
                for who in ["SUR", "HUB"] {
                    let refused = await push(who, "SUR", "S2")
                    #expect(refused.0 == 403 && refused.1["status_code"] == .number(JSONNumber(2001)), "\(who)")
                    guard case .string(let message)? = refused.1["status_message"] else { continue }
                    #expect(message.hasPrefix("CL*SUR is \(action == .suspend ? "SUSPENDED" : "REVOKED")"))
                }
                if let back {
                    _ = try await store.register.change(Self.sur, back, reason: "decided", actor: "office")
                    #expect(await push("SUR", "SUR", "S2").0 == 201)
                }
            }
            // Released, the code is no one's: nothing can be delivered for it.
            _ = try await store.register.change(Self.sur, .release, reason: "quarantine over", actor: "office")
            let released = await push("SUR", "SUR", "S3")
            #expect(released.0 == 403, "\(released)")
            #expect(
                released.1["status_message"]
                    == .string(
                        "CL*SUR is not a code issued by the registration office; nothing can be delivered for it"))
            // What was published before the decision stays published: the chargers still exist.
            let kept = await router.respond(to: HTTPRequest(method: "GET", target: "/api/v1/locations/CL/SUR/S1"))
            #expect(kept.status == .ok)
        }
    }

    /// The credentials handshake registers a code only while it is ACTIVE, for every version (a
    /// 2.1.1 peer names no role) and every role.
    @Test(arguments: TestBackend.available)
    func theHandshakeNeedsAnActiveCodeWhateverTheVersionAndRole(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            try await Self.office(store)
            _ = try await store.register.change(Self.sur, .suspend, reason: "decided", actor: "office")
            for role in [nil, "CPO", "HUB", "OTHER"] {
                let problems = try await CredentialsHandshake.roleProblems(
                    [OCPICredentials.Role(role: role, party: Self.sur, businessName: "Sur")], allowed: [Self.sur],
                    register: store.register)
                #expect(problems == ["roles[0]: CL*SUR is not an ACTIVE code of this office"], "\(role ?? "none")")
            }
            let active = try await CredentialsHandshake.roleProblems(
                [OCPICredentials.Role(role: nil, party: Self.hub, businessName: "Hub")], allowed: [Self.hub],
                register: store.register)
            #expect(active.isEmpty)
        }
    }
}
