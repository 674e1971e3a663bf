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

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The OCPI credentials handshake (issue #7; ocpi.md §5.3), over sockets between two instances
/// of the access point: the registry, and a peer whose versions and credentials endpoints answer
/// the registry's calls back.
@Suite struct CredentialsHandshakeTests {
    /// One running access point on its own database.
    struct Node {
        let store: any Store
        let server: HTTPServer
        var base: String { "http://127.0.0.1:\(server.port)" }
        var versions: String { base + "/ocpi/versions" }

        /// `party` is its own OCPI party; `approved` the codes its office has issued. Its OCPI
        /// endpoints need a token, unless `open` (a platform whose versions anyone may read).
        /// `local`: peers on this machine may register (the tests' peers all are).
        static func start(
            _ store: any Store, party: String, name: String, approved: [String], open: Bool = false, local: Bool = true
        ) async throws -> Node {
            let register = store.register
            var settings = OfficeSettings(countries: ["CL"])
            settings.ocpiParty = try PartyCode(parsing: party)
            settings.name = name
            try await register.configure(settings, actor: "office")
            for (index, code) in approved.enumerated() {
                try await RepositoryLinkTests.approve(
                    register, "Org \(code)", company: "7\(index).111.222-3", code: code)
            }
            var access = AccessPointSettings(ocpiRequiresToken: !open)
            access.outbound.allowsLocalAddresses = local
            return Node(store: store, server: try OCPISenderTests.serve(store, settings: access))
        }

        func tokenA(for party: String) async throws -> String {
            let secret = AccessToken.generate(prefix: "cr_operator_")
            _ = try await store.register.createToken(
                hash: AccessToken.hash(secret), role: .operator, purpose: .registration,
                parties: [try PartyCode(parsing: party)], label: "token A", actor: "office")
            return secret
        }

        var handshake: CredentialsHandshake {
            var handshake = CredentialsHandshake(register: store.register, ourVersionsURL: versions)
            handshake.timeout = 5
            return handshake
        }

        /// An OCPI call with `token` (Base64, as 2.2.1 wants).
        func call(_ method: String, _ path: String, token: String?, body: String? = nil) async throws
            -> (status: Int, code: Int, data: JSONValue?)
        {
            var request = URLRequest(url: URL(string: base + path)!)
            request.httpMethod = method
            if let body { request.httpBody = Data(body.utf8) }
            if let token {
                request.setValue("Token \(Data(token.utf8).base64EncodedString())", forHTTPHeaderField: "Authorization")
            }
            let (data, response) = try await URLSession.shared.data(for: request)
            let json = try JSONParser.parse(data)
            var code = 0
            if case .number(let number)? = json["status_code"] { code = number.intValue ?? 0 }
            return ((response as! HTTPURLResponse).statusCode, code, json["data"] ?? json["status_message"])
        }
    }

    static func credentials(token: String, url: String, role: String, party: String) -> String {
        let code = try! PartyCode(parsing: party)
        return """
            {"token": "\(token)", "url": "\(url)", "roles": [{"role": "\(role)", "country_code": "\(code.countryCode)",
             "party_id": "\(code.partyID)", "business_details": {"name": "Voltaje Andino"}}]}
            """
    }

    static func token(_ data: JSONValue?) -> String {
        if case .string(let token)? = data?["token"] { token } else { "" }
    }

    /// An operator's platform registers with the registry (direction a). Its versions are served
    /// by a second node; the credentials it POSTs are the test's, so that any role can be claimed.
    @Test(arguments: TestBackend.available)
    func anOperatorRegistersWithItsTokenA(_ backend: TestBackend) async throws {
        try await backend.withStore { registryStore, _ in
            try await backend.withStore { operatorStore, _ in
                let registry = try await Node.start(
                    registryStore, party: "CL*RCN", name: "Registro Nacional", approved: ["CL*VLT", "CL*SUR"])
                let platform = try await Node.start(
                    operatorStore, party: "CL*VLT", name: "Voltaje", approved: [], open: true)
                defer {
                    Task {
                        await registry.server.shutdown(); await platform.server.shutdown()
                    }
                }
                var tokenA = try await registry.tokenA(for: "CL*VLT")
                let path = "/ocpi/2.2.1/credentials"
                func post(_ role: String, _ party: String, url: String? = nil, token: String? = nil) async throws
                    -> (status: Int, code: Int, data: JSONValue?)
                {
                    try await registry.call(
                        "POST", path, token: token ?? tokenA,
                        body: Self.credentials(
                            token: "token-b-of-the-operator", url: url ?? platform.versions, role: role, party: party))
                }

                // Token A opens the versions and credentials only.
                #expect(try await registry.call("GET", "/ocpi/versions", token: tokenA).status == 200)
                #expect(try await registry.call("GET", "/ocpi/2.2.1", token: tokenA).status == 200)
                #expect(try await registry.call("GET", "/ocpi/2.2.1/sender/locations", token: tokenA).status == 401)
                #expect(
                    try await registry.call(
                        "GET", "/ocpi/2.2.1/receiver/locations/CL/VLT/L1", token: tokenA
                    ).status == 401)
                let ours = try await registry.call("GET", path, token: tokenA)
                #expect(ours.status == 200 && Self.token(ours.data) == tokenA)

                // Refusals leave token A usable up to the fifth: a wrong token, roles the register
                // does not back, versions URLs that cannot be read. Whatever an http(s) url points
                // at (a closed port, a page that is no versions endpoint, one that is missing), one
                // answer that tells nothing of it and echoes nothing.
                #expect(try await post("CPO", "CL*VLT", token: "cr_operator_wrong").status == 401)
                let emsp = try await post("EMSP", "CL*VLT")
                #expect(emsp.code == 2001)
                let sur = try await post("CPO", "CL*SUR")
                #expect(sur.code == 2001)
                let answers = try await [
                    "http://127.0.0.1:1/versions", platform.base + "/api/v1/openapi.json", platform.base + "/nope",
                ].asyncMap { try await post("CPO", "CL*VLT", url: $0) }
                #expect(answers.allSatisfy { $0.code == 3001 }, "\(answers)")
                let messages = answers.map { if case .string(let text)? = $0.data { text } else { "" } }
                #expect(messages[0] == messages[1] && messages[2].hasPrefix(messages[0]), "\(messages)")
                // The fifth failure burns token A; the office reads why in the audit log.
                #expect(
                    messages[2].hasSuffix(
                        "that was the last registration this token A allows: ask the office for a new one"))
                #expect(try await post("CPO", "CL*VLT").status == 401)
                let audit = try await registryStore.register.auditLog(limit: 50)
                #expect(audit.filter { $0.action == "registration-failed" }.count == 5)
                #expect(audit.contains { $0.action == "token-revoke" && $0.reason?.hasPrefix("burnt after 5") == true })

                // Another scheme is never called.
                tokenA = try await registry.tokenA(for: "CL*VLT")
                for url in ["ftp://127.0.0.1/versions", "file:///etc/passwd"] {
                    let refused = try await post("CPO", "CL*VLT", url: url)
                    #expect(
                        refused.code == 2001
                            && refused.data == .string("credentials: url: an http(s) URL of the versions endpoint"))
                }
                #expect(
                    try await registry.call("POST", path, token: tokenA, body: #"{"token": "x"}"#).code == 2001)
                #expect(try await registryStore.register.peers().isEmpty)

                // The registration: our credentials come back with token C; token A is used up.
                let registered = try await post("CPO", "CL*VLT")
                #expect(registered.status == 200 && registered.code == 1000, "\(registered)")
                let tokenC = Self.token(registered.data)
                #expect(tokenC.hasPrefix("cr_ocpi_"))
                #expect(registered.data?["url"] == .string(registry.versions))
                #expect(registered.data?["roles"]?[0]?["role"] == .string("NAP"))
                #expect(try await post("CPO", "CL*VLT").status == 401)
                #expect(try await post("CPO", "CL*VLT", token: tokenC).status == 405)
                let peer = try #require(try await registryStore.register.peers().first)
                #expect(peer.direction == .inbound && peer.theirToken == "token-b-of-the-operator")
                #expect(peer.roles == [OCPIPeer.Role(role: "CPO", party: try PartyCode(parsing: "CL*VLT"))])
                // Its Locations Sender is now a feed, pulled with its token B.
                let feed = try #require(try await registryStore.register.feed(of: try PartyCode(parsing: "CL*VLT")))
                #expect(feed.versionsURL == platform.versions && feed.token == "token-b-of-the-operator")

                // Update: a new token C, the old one dead.
                let updated = try await registry.call(
                    "PUT", path, token: tokenC,
                    body: Self.credentials(
                        token: "token-b2", url: platform.versions, role: "CPO", party: "CL*VLT"))
                #expect(updated.code == 1000)
                let tokenC2 = Self.token(updated.data)
                #expect(tokenC2 != tokenC && tokenC2.hasPrefix("cr_ocpi_"))
                #expect(try await registry.call("GET", path, token: tokenC).status == 401)
                #expect(
                    try await registryStore.register.feed(of: try PartyCode(parsing: "CL*VLT"))?.token == "token-b2")

                // Unregister: the token dies, the feed stops, a second DELETE finds no registration.
                #expect(try await registry.call("DELETE", path, token: tokenC2).code == 1000)
                #expect(try await registry.call("DELETE", path, token: tokenC2).status == 401)
                #expect(try await registryStore.register.feed(of: try PartyCode(parsing: "CL*VLT")) == nil)
                #expect(try await registryStore.register.peers().first?.unregisteredAt != nil)
            }
        }
    }

    /// A peer cannot send the registry to its own machine or to link-local addresses (a cloud's
    /// metadata service): outside development, the handshake refuses such URLs before calling
    /// them, and token A stays usable.
    @Test func aPeerCannotPointTheRegistryAtLocalAddresses() async throws {
        try await TestBackend.sqlite.withStore { registryStore, _ in
            try await TestBackend.sqlite.withStore { operatorStore, _ in
                let registry = try await Node.start(
                    registryStore, party: "CL*RCN", name: "Registro Nacional", approved: ["CL*VLT"], local: false)
                let platform = try await Node.start(
                    operatorStore, party: "CL*VLT", name: "Voltaje", approved: [], open: true)
                let tokenA = try await registry.tokenA(for: "CL*VLT")
                for url in [
                    platform.versions, "http://localhost:\(platform.server.port)/ocpi/versions",
                    "http://169.254.169.254/latest/meta-data/", "http://[::1]:\(platform.server.port)/ocpi/versions",
                ] {
                    let answer = try await registry.call(
                        "POST", "/ocpi/2.2.1/credentials", token: tokenA,
                        body: Self.credentials(token: "token-b", url: url, role: "CPO", party: "CL*VLT"))
                    #expect(answer.code == 3001, "\(url): \(answer)")
                }
                #expect(try await registry.call("GET", "/ocpi/2.2.1/credentials", token: tokenA).status == 200)
                #expect(try await registryStore.register.peers().isEmpty)
                await registry.server.shutdown()
                await platform.server.shutdown()
            }
        }
    }

    /// Issue #19's ownership rule on a feed the handshake made: a platform (CL*HUB) registers,
    /// and its Sender serves its own location, one of CL*SUR (which authorised it) and one of
    /// CL*VLT (which did not): the pull stores the first two and refuses the third.
    @Test(arguments: TestBackend.available)
    func aFeedTheHandshakeMadeWritesOnlyWhatItsPlatformMay(_ backend: TestBackend) async throws {
        try await backend.withStore { registryStore, _ in
            try await backend.withStore { platformStore, _ in
                let registry = try await Node.start(
                    registryStore, party: "CL*RCN", name: "Registro Nacional", approved: ["CL*VLT", "CL*SUR", "CL*HUB"])
                try await registryStore.register.authorise(
                    try PartyCode(parsing: "CL*HUB"), under: try PartyCode(parsing: "CL*SUR"), actor: "office")
                let platform = try await Node.start(
                    platformStore, party: "CL*HUB", name: "Hub", approved: [], open: true)
                _ = try await OCPISenderTests.ingest(
                    platformStore,
                    "["
                        + ["HUB", "SUR", "VLT"].map { DeliveryOwnershipTests.location($0, "\($0)1") }.joined(
                            separator: ",")
                        + "]")
                let registered = try await registry.call(
                    "POST", "/ocpi/2.2.1/credentials", token: try await registry.tokenA(for: "CL*HUB"),
                    body: Self.credentials(token: "token-b", url: platform.versions, role: "CPO", party: "CL*HUB"))
                #expect(registered.code == 1000, "\(registered)")
                let feed = try #require(try await registryStore.register.feed(of: try PartyCode(parsing: "CL*HUB")))
                let puller = FeedPuller(store: registryStore, outbound: OutboundPolicy(allowsLocalAddresses: true))
                let report = try #require(await puller.pull(feed, kind: .full).report)
                #expect(report.run.summary.created == 2 && report.run.summary.refused == 1)
                #expect(report.refusals.first?.reason.contains("CL*VLT is not a code of this delivery") == true)
                #expect(
                    try await registryStore.location(LocationKey(countryCode: "CL", partyID: "VLT", locationID: "VLT1"))
                        == nil)
                await registry.server.shutdown()
                await platform.server.shutdown()
            }
        }
    }

    /// The office points the registry at a peer's versions URL with the peer's token A
    /// (direction b), and the peer, an access point too, registers it the other way (direction a).
    @Test(arguments: TestBackend.available)
    func theRegistryRegistersWithAPeerAndBack(_ backend: TestBackend) async throws {
        try await backend.withStore { registryStore, _ in
            try await backend.withStore { peerStore, _ in
                let registry = try await Node.start(
                    registryStore, party: "CL*RCN", name: "Registro Nacional", approved: ["CL*VLT", "CL*SUR"])
                let peer = try await Node.start(peerStore, party: "CL*VLT", name: "Voltaje", approved: ["CL*RCN"])
                defer {
                    Task {
                        await registry.server.shutdown(); await peer.server.shutdown()
                    }
                }
                let vlt = try PartyCode(parsing: "CL*VLT")

                // A wrong token A: the peer refuses, nothing is kept, the token we made is revoked.
                await #expect(throws: OCPICallError.self) {
                    try await registry.handshake.connect(
                        versionsURL: peer.versions, tokenA: "cr_operator_wrong", parties: [vlt], actor: "office")
                }
                #expect(try await registryStore.register.peers().isEmpty)
                #expect(try await registryStore.register.tokens().allSatisfy { $0.revokedAt != nil })

                // The peer answers as CL*VLT where the office expected CL*SUR: refused, and the
                // registration the peer had just stored is undone on its side too.
                let tokenA = try await peer.tokenA(for: "CL*RCN")
                await #expect(throws: CredentialsHandshake.Failure.self) {
                    try await registry.handshake.connect(
                        versionsURL: peer.versions, tokenA: tokenA, parties: [try PartyCode(parsing: "CL*SUR")],
                        actor: "office")
                }
                #expect(try await registryStore.register.peers().isEmpty)
                #expect(try await peerStore.register.peers().map { $0.unregisteredAt != nil } == [true])

                // The real thing, with a fresh token A.
                let connected = try await registry.handshake.connect(
                    versionsURL: peer.versions, tokenA: try await peer.tokenA(for: "CL*RCN"), parties: [vlt],
                    actor: "office")
                #expect(connected.direction == .outbound && connected.ocpiVersion == "2.3.0")
                #expect(connected.roles == [OCPIPeer.Role(role: "NAP", party: vlt)])
                let theirs = try #require(try await peerStore.register.peers().first { $0.unregisteredAt == nil })
                #expect(theirs.direction == .inbound && theirs.versionsURL == registry.versions)
                // Each side can call the other with what it got.
                #expect(try await peer.call("GET", "/ocpi/2.3.0/credentials", token: connected.theirToken).code == 1000)
                #expect(
                    try await registry.call("GET", "/ocpi/2.3.0/credentials", token: theirs.theirToken).code == 1000)

                // Rotation from our side: both tokens change, the old ones stop working.
                let rotated = try await registry.handshake.update(connected, actor: "office")
                #expect(rotated.theirToken != connected.theirToken)
                #expect(
                    try await peer.call("GET", "/ocpi/2.3.0/credentials", token: connected.theirToken).status == 401)
                let theirsNow = try #require(try await peerStore.register.peer(theirs.id))
                #expect(
                    try await registry.call("GET", "/ocpi/2.3.0/credentials", token: theirs.theirToken).status == 401)
                #expect(
                    try await registry.call("GET", "/ocpi/2.3.0/credentials", token: theirsNow.theirToken).code == 1000)

                // Disconnect: both sides end it.
                #expect(try await registry.handshake.disconnect(rotated, actor: "office") == nil)
                #expect(try await registryStore.register.peer(rotated.id)?.unregisteredAt != nil)
                #expect(try await peerStore.register.peer(theirs.id)?.unregisteredAt != nil)
            }
        }
    }

    /// Issue #7's end to end: an operator registers, pushes a location, PATCHes a connector, and
    /// an aggregator's delta crawl of the Sender sees exactly that change.
    @Test(arguments: TestBackend.available)
    func anOperatorRegistersPushesAndAnAggregatorSeesTheChange(_ backend: TestBackend) async throws {
        try await backend.withStore { registryStore, _ in
            try await backend.withStore { operatorStore, _ in
                let registry = try await Node.start(
                    registryStore, party: "CL*RCN", name: "Registro Nacional", approved: ["CL*VLT"])
                let platform = try await Node.start(
                    operatorStore, party: "CL*VLT", name: "Voltaje", approved: [], open: true)
                defer {
                    Task {
                        await registry.server.shutdown(); await platform.server.shutdown()
                    }
                }
                let registered = try await registry.call(
                    "POST", "/ocpi/2.2.1/credentials", token: try await registry.tokenA(for: "CL*VLT"),
                    body: Self.credentials(token: "token-b", url: platform.versions, role: "CPO", party: "CL*VLT"))
                let tokenC = Self.token(registered.data)
                let base = OCPIReceiverTests.base
                #expect(
                    try await registry.call(
                        "PUT", "\(base)/CL/VLT/L1", token: tokenC, body: OCPIReceiverTests.location()
                    )
                    .status == 201)
                #expect(
                    try await registry.call(
                        "PUT", "\(base)/CL/VLT/L2", token: tokenC, body: OCPIReceiverTests.location("L2")
                    ).status == 201)
                try await Task.sleep(for: .milliseconds(5))
                let mark = RegistryClock.system.now()
                #expect(
                    try await registry.call(
                        "PATCH", "\(base)/CL/VLT/L1/E1/1", token: tokenC,
                        body: #"{"max_amperage": 16, "last_updated": "2026-11-02T08:00:00Z"}"#
                    ).code == 1000)
                let aggregator = AccessToken.generate(prefix: "cr_reader_")
                _ = try await registryStore.register.createToken(
                    hash: AccessToken.hash(aggregator), role: .reader, parties: [], label: "aggregator", actor: "office"
                )
                let (delta, _) = try await OCPISenderTests.crawl(
                    registry.server, .v2_2_1, window: SenderWindow(from: mark), token: aggregator)
                #expect(delta.map { OCPISenderTests.text($0, "id") } == ["L1"])
                let connector = delta.first?["evses"]?[0]?["connectors"]?[0]
                #expect(connector?["max_amperage"] == .number(JSONNumber(16)))
                #expect(connector?["last_updated"] != nil)
            }
        }
    }
}
