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
        var client = OCPIClient(token: tokenA)
        client.timeout = timeout
        let details = try await Self.details(versionsURL, client: &client)
        guard let credentialsURL = details.url(of: "credentials") else {
            throw Failure("\(versionsURL) \(details.version.rawValue) lists no credentials endpoint (OCPI 3003)")
        }
        return try await exchange(
            "POST", credentialsURL, details: details, client: client, parties: parties,
            label: "OCPI peer at \(versionsURL)", direction: .outbound, replacing: nil, actor: actor)
    }

    /// A new token for the peer and a fresh read of its endpoints (a version change or a
    /// rotation: ocpi.md §5.3 asks for one at least monthly).
    public func update(_ peer: OCPIPeer, actor: String) async throws -> OCPIPeer {
        var client = client(for: peer)
        let details = try await Self.details(peer.versionsURL, client: &client)
        return try await exchange(
            "PUT", details.url(of: "credentials") ?? peer.credentialsURL, details: details, client: client,
            parties: peer.roles.map(\.party), label: "OCPI peer \(peer.businessName)", direction: peer.direction,
            replacing: peer, actor: actor)
    }

    /// Ends the registration: a DELETE on the peer's credentials endpoint, then our side (the
    /// peer's token revoked, its feeds stopped) even when the peer cannot be reached, which is
    /// returned as a warning.
    public func disconnect(_ peer: OCPIPeer, actor: String) async throws -> String? {
        var client = client(for: peer)
        client.retries = 0
        var warning: String?
        do { _ = try await client.call("DELETE", peer.credentialsURL) } catch {
            warning = "the peer did not confirm: \(error)"
        }
        try await register.unregisterPeer(peer.id, actor: actor)
        return warning
    }

    /// A client calling `peer` with the token it gave us, encoded as its version expects.
    private func client(for peer: OCPIPeer) -> OCPIClient {
        var client = OCPIClient(token: peer.theirToken)
        client.timeout = timeout
        client.base64Token = peer.ocpiVersion != OCPIVersion.v2_1_1.rawValue
        return client
    }

    /// POST or PUT: creates the token the peer will call us with, sends our credentials, checks
    /// the peer's against the register and keeps them; the new token is revoked if any step fails.
    private func exchange(
        _ method: String, _ credentialsURL: String, details: OCPIVersionDetails, client: OCPIClient,
        parties: [PartyCode], label: String, direction: OCPIPeer.Direction, replacing peer: OCPIPeer?, actor: String
    ) async throws -> OCPIPeer {
        let ours = try await ourRole()
        let token = AccessToken.generateOCPI()
        let created = try await register.createToken(
            hash: AccessToken.hash(token), role: .operator, parties: Array(Set(parties)).sorted(), label: label,
            actor: actor)
        do {
            let body = OCPICredentials(token: token, url: ourVersionsURL, roles: [ours]).json(version: details.version)
            let data = try await client.data(credentialsURL, method: method, body: body)
            let theirs: OCPICredentials
            do { theirs = try OCPICredentials.parse(data, version: details.version) } catch {
                throw Failure("\(credentialsURL) answered credentials that are not valid: \(error)")
            }
            let problems = try await Self.roleProblems(theirs.roles, allowed: parties, register: register)
            guard problems.isEmpty else {
                // Undo the registration the peer has just stored.
                var undo = client
                undo.token = theirs.token
                undo.retries = 0
                _ = try? await undo.call("DELETE", credentialsURL)
                throw Failure("the peer's roles do not match the register: " + problems.joined(separator: "; "))
            }
            return try await register.savePeer(
                PeerEndpoints(theirs, credentialsURL: credentialsURL, details: details), direction: direction,
                token: .created(created.id), replacing: peer, actor: actor)
        } catch {
            try? await register.revokeToken(created.id, actor: actor)
            throw error
        }
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

    /// Every way `roles` do not match the register: a code not among `allowed`, a code that is
    /// not an ACTIVE code of this office (whatever the version and the role), or a `CPO`/`EMSP`
    /// role the code is not registered for.
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
            guard let entry = try await register.party(role.party), entry.foreignSource == nil,
                entry.status == CodeStatus.active.rawValue
            else {
                problems.append("\(path): \(role.party) is not an ACTIVE code of this office")
                continue
            }
            guard let name = role.role, let wanted = PartyRole(rawValue: name) else { continue }
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
            return try await OCPIVersionDetails.fetch(versionsURL, wanted: version, ours: versions, client: client)
        }
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
