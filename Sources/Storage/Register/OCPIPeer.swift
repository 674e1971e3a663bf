import RegistryCore

/// A party the access point holds OCPI credentials with (ocpi.md §5.3): registered with us using
/// a token A the office issued (`inbound`), or registered with by us using theirs (`outbound`).
/// A live peer calls us with the token `tokenID` and we call it with `theirToken`.
public struct OCPIPeer: Sendable, Equatable {
    public enum Direction: String, Sendable {
        case inbound, outbound
    }

    /// One of the peer's CredentialsRoles: `CPO CL*ABC`; `role` is nil for 2.1.1 credentials.
    public struct Role: Sendable, Equatable, CustomStringConvertible {
        public var role: String?
        public var party: PartyCode

        public init(role: String?, party: PartyCode) {
            self.role = role
            self.party = party
        }

        public var description: String { "\(role ?? "-") \(party)" }

        init?(stored text: Substring) {
            let parts = text.split(separator: " ")
            guard parts.count == 2, let party = try? PartyCode(parsing: String(parts[1])) else { return nil }
            self.init(role: parts[0] == "-" ? nil : String(parts[0]), party: party)
        }
    }

    public var id: Int64
    public var direction: Direction
    public var tokenID: Int64
    /// Never shown by listings.
    public var theirToken: String
    public var versionsURL: String
    public var ocpiVersion: String
    public var credentialsURL: String
    /// The peer's Locations Sender, if it has one: a handshake with a CPO makes its feed.
    public var locationsSender: String?
    public var roles: [Role]
    public var businessName: String
    public var registeredAt: Timestamp
    public var updatedAt: Timestamp
    public var unregisteredAt: Timestamp?
}

/// What a handshake learnt of a peer: stored by `PartyRegister.savePeer`.
public struct PeerEndpoints: Sendable, Equatable {
    public var theirToken: String
    public var versionsURL: String
    public var ocpiVersion: String
    public var credentialsURL: String
    public var locationsSender: String?
    public var roles: [OCPIPeer.Role]
    public var businessName: String

    public init(
        theirToken: String, versionsURL: String, ocpiVersion: String, credentialsURL: String,
        locationsSender: String?, roles: [OCPIPeer.Role], businessName: String
    ) {
        self.theirToken = theirToken
        self.versionsURL = versionsURL
        self.ocpiVersion = ocpiVersion
        self.credentialsURL = credentialsURL
        self.locationsSender = locationsSender
        self.roles = roles
        self.businessName = businessName
    }
}
