import Foundation
import JSON
import OCPI
import RegistryCore
import Storage

/// The OCPI registration handshake as the side that calls (ocpi.md §5.3), and the checks both
/// sides share. The office points the access point at a peer's versions URL with the token A the
/// peer handed over: we read its versions and details with A, create token B for it, POST our
/// credentials (role `NAP`) and keep its token C. `update` (PUT) swaps both tokens and re-reads
/// the peer's endpoints; `disconnect` (DELETE) ends it on both sides.
///
/// A peer's roles must match the register: each names a party code this handshake is for, and a
/// `CPO` or `EMSP` role needs the code to be ACTIVE and registered for that role.
public struct CredentialsHandshake: Sendable {
    public let register: PartyRegister
    /// `https://nap.example.cl/ocpi/versions`: sent as our credentials' `url`.
    public let ourVersionsURL: String
    public var timeout: TimeInterval = 30

    public init(register: PartyRegister, ourVersionsURL: String) {
        self.register = register
        self.ourVersionsURL = ourVersionsURL
    }

    /// Why a handshake failed, in words an office can act on.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    static let versions: [OCPIVersion] = [.v2_3_0, .v2_2_1, .v2_1_1]

    /// Registers with the peer at `versionsURL` that gave us `tokenA`, expected to act for `parties`.
    public func connect(versionsURL: String, tokenA: String, parties: [PartyCode], actor: String) async throws
        -> OCPIPeer
    {
        let ours = try await ourRole()
        var client = OCPIClient(token: tokenA)
        client.timeout = timeout
        let details = try await Self.details(versionsURL, client: &client)
        guard let credentialsURL = details.url(of: "credentials") else {
            throw Failure("\(versionsURL) \(details.version.rawValue) lists no credentials endpoint (OCPI 3003)")
        }
        let tokenB = AccessToken.generateOCPI()
        let created = try await register.createToken(
            hash: AccessToken.hash(tokenB), role: .operator, parties: parties, label: "OCPI peer at \(versionsURL)",
            actor: actor)
        do {
            let body = OCPICredentials(token: tokenB, url: ourVersionsURL, roles: [ours]).json(version: details.version)
            let theirs = try await exchange(
                "POST", credentialsURL, body: body, version: details.version, client: client)
            let endpoints = try await checked(
                theirs, version: details.version, credentialsURL: credentialsURL, details: details, allowed: parties,
                client: client)
            return try await register.savePeer(
                endpoints, direction: .outbound, token: .created(created.id), actor: actor)
        } catch {
            try? await register.revokeToken(created.id, actor: actor)
            throw error
        }
    }

    /// A new token for the peer and a fresh read of its endpoints (a version change or a
    /// rotation: ocpi.md §5.3 asks for one at least monthly).
    public func update(_ peer: OCPIPeer, actor: String) async throws -> OCPIPeer {
        let ours = try await ourRole()
        var client = OCPIClient(token: peer.theirToken)
        client.timeout = timeout
        client.base64Token = peer.ocpiVersion != OCPIVersion.v2_1_1.rawValue
        let details = try await Self.details(peer.versionsURL, client: &client)
        let credentialsURL = details.url(of: "credentials") ?? peer.credentialsURL
        let parties = peer.roles.map(\.party)
        let token = AccessToken.generateOCPI()
        let created = try await register.createToken(
            hash: AccessToken.hash(token), role: .operator, parties: Array(Set(parties)).sorted(),
            label: "OCPI peer \(peer.businessName)", actor: actor)
        do {
            let body = OCPICredentials(token: token, url: ourVersionsURL, roles: [ours]).json(version: details.version)
            let theirs = try await exchange("PUT", credentialsURL, body: body, version: details.version, client: client)
            let endpoints = try await checked(
                theirs, version: details.version, credentialsURL: credentialsURL, details: details, allowed: parties,
                client: client)
            return try await register.savePeer(
                endpoints, direction: peer.direction, token: .created(created.id), replacing: peer, actor: actor)
        } catch {
            try? await register.revokeToken(created.id, actor: actor)
            throw error
        }
    }

    /// Ends the registration: a DELETE on the peer's credentials endpoint, then our side (the
    /// peer's token revoked, its feeds stopped) even when the peer cannot be reached, which is
    /// returned as a warning.
    public func disconnect(_ peer: OCPIPeer, actor: String) async throws -> String? {
        var client = OCPIClient(token: peer.theirToken)
        client.timeout = timeout
        client.retries = 0
        client.base64Token = peer.ocpiVersion != OCPIVersion.v2_1_1.rawValue
        var warning: String?
        do { _ = try await client.call("DELETE", peer.credentialsURL) } catch {
            warning = "the peer did not confirm: \(error)"
        }
        try await register.unregisterPeer(peer.id, actor: actor)
        return warning
    }

    // MARK: Shared with the credentials endpoint

    /// Our CredentialsRole: `NAP` under the office's OCPI party.
    func ourRole() async throws -> OCPICredentials.Role {
        let settings = try await register.settings()
        guard let party = settings.ocpiParty else {
            throw Failure(
                "the office has no OCPI party yet: chargereg office configure --ocpi-party CC*PID --name NAME")
        }
        return OCPICredentials.Role(role: "NAP", party: party, businessName: settings.name ?? "National access point")
    }

    /// Every way `roles` do not match the register: a code not among `allowed`, or a `CPO`/`EMSP`
    /// role the code is not ACTIVE and registered for.
    static func roleProblems(_ roles: [OCPICredentials.Role], allowed: [PartyCode], register: PartyRegister)
        async throws -> [String]
    {
        var problems: [String] = []
        for (index, role) in roles.enumerated() {
            let path = "roles[\(index)]"
            guard allowed.contains(role.party) else {
                problems.append(
                    "\(path): \(role.party) is not a party of this registration (\(allowed.map(\.description).joined(separator: ", ")))"
                )
                continue
            }
            guard let name = role.role, let wanted = PartyRole(rawValue: name) else { continue }
            guard let entry = try await register.party(role.party), entry.foreignSource == nil,
                entry.status == "ACTIVE"
            else {
                problems.append("\(path): \(role.party) is not an ACTIVE code of this office")
                continue
            }
            if !entry.roles.contains(wanted) {
                problems.append(
                    "\(path): \(role.party) is registered as \(PartyRole.text(entry.roles)), not \(name)")
            }
        }
        return problems
    }

    /// The peer's version details read with `client`'s token; a token a 2.1.1-only peer refuses in
    /// Base64 is tried once raw (ocpi.md §4.3), and the client keeps the encoding that worked.
    static func details(_ versionsURL: String, client: inout OCPIClient, version: OCPIVersion? = nil) async throws
        -> OCPIVersionDetails
    {
        do {
            return try await OCPIVersionDetails.fetch(versionsURL, wanted: version, ours: versions, client: client)
        } catch OCPICallError.http(_, 401, _) {
            client.base64Token.toggle()
            let details = try await OCPIVersionDetails.fetch(
                versionsURL, wanted: version, ours: versions, client: client)
            return details
        }
    }

    /// Sends our credentials and reads the peer's from the answer.
    private func exchange(_ method: String, _ url: String, body: [UInt8], version: OCPIVersion, client: OCPIClient)
        async throws -> OCPICredentials
    {
        let data = try await client.data(url, method: method, body: body)
        do { return try OCPICredentials.parse(data, version: version) } catch {
            throw Failure("\(url) answered credentials that are not valid: \(error)")
        }
    }

    /// The peer's credentials checked against the register; when they do not match, the
    /// registration just made on the peer's side is undone with a DELETE.
    private func checked(
        _ theirs: OCPICredentials, version: OCPIVersion, credentialsURL: String, details: OCPIVersionDetails,
        allowed: [PartyCode], client: OCPIClient
    ) async throws -> PeerEndpoints {
        let problems = try await Self.roleProblems(theirs.roles, allowed: allowed, register: register)
        guard problems.isEmpty else {
            var undo = client
            undo.token = theirs.token
            undo.retries = 0
            _ = try? await undo.call("DELETE", credentialsURL)
            throw Failure("the peer's roles do not match the register: " + problems.joined(separator: "; "))
        }
        return PeerEndpoints(theirs, credentialsURL: credentialsURL, details: details)
    }
}

extension PeerEndpoints {
    /// What to keep of a peer from its credentials and version details.
    init(_ theirs: OCPICredentials, credentialsURL: String, details: OCPIVersionDetails) {
        self.init(
            theirToken: theirs.token, versionsURL: theirs.url, ocpiVersion: details.version.rawValue,
            credentialsURL: credentialsURL, locationsSender: details.url(of: "locations", role: "SENDER"),
            roles: theirs.roles.map { OCPIPeer.Role(role: $0.role, party: $0.party) },
            businessName: theirs.roles.first?.businessName ?? "")
    }
}
