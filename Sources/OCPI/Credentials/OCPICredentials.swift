import JSON
import RegistryCore

/// The Credentials object of the registration handshake (OCPI 2.2.1 §7.3.1, 2.1.1 §7.2.1;
/// ocpi.md §5.2): the token the *other* party must call its sender with, the sender's versions
/// URL and the roles it acts in. 2.1.1 has no roles list: one party, whose role is not stated.
public struct OCPICredentials: Sendable, Equatable {
    public var token: String
    public var url: String
    public var roles: [Role]

    /// One `CredentialsRole`: the `{country_code}/{party_id}` a peer acts under and in which role.
    public struct Role: Sendable, Equatable, CustomStringConvertible {
        /// `CPO`, `EMSP`, `NAP`, …; nil for 2.1.1, whose credentials state no role.
        public var role: String?
        public var party: PartyCode
        public var businessName: String

        public init(role: String?, party: PartyCode, businessName: String) {
            self.role = role
            self.party = party
            self.businessName = businessName
        }

        public var description: String { (role.map { "\($0) " } ?? "") + party.description }
    }

    public init(token: String, url: String, roles: [Role]) {
        self.token = token
        self.url = url
        self.roles = roles
    }

    /// The 2.2.1 `Role` enum, which 2.3.0 keeps as an open set without `HUB` (ocpi.md §5.2).
    public static let knownRoles: Set<String> = ["CPO", "EMSP", "HUB", "NAP", "NSP", "OTHER", "SCSP"]

    /// Reads a credentials object in `version`, reporting every problem as `path: rule`.
    public static func parse(_ value: JSONValue, version: OCPIVersion) throws(CredentialsProblem) -> OCPICredentials {
        guard case .object = value else { throw CredentialsProblem(["credentials: must be a JSON object"]) }
        var problems: [String] = []
        func text(_ object: JSONValue, _ key: String, _ path: String, maximum: Int) -> String? {
            guard case .string(let text)? = object[key], !text.isEmpty else {
                problems.append("\(path): required, a non-empty string")
                return nil
            }
            guard text.count <= maximum else {
                problems.append("\(path): at most \(maximum) characters")
                return nil
            }
            return text
        }
        let token = text(value, "token", "token", maximum: 64)
        if let token, !token.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) {
            problems.append("token: printable ASCII without spaces (OCPI 2.2.1 §7.3.1)")
        }
        let url = text(value, "url", "url", maximum: 255)
        if let url, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            problems.append("url: an http(s) URL of the versions endpoint")
        }
        func role(_ object: JSONValue, _ path: String, role: String?) -> Role? {
            let country = text(object, "country_code", path + "country_code", maximum: 2)
            let partyID = text(object, "party_id", path + "party_id", maximum: 3)
            var name = ""
            if case .string(let given)? = object["business_details"]?["name"], !given.isEmpty {
                name = given
            } else {
                problems.append("\(path)business_details.name: required, a non-empty string")
            }
            guard let country, let partyID else { return nil }
            guard let party = try? PartyCode(countryCode: country, partyID: partyID) else {
                problems.append("\(path)country_code/party_id: '\(country)/\(partyID)' is not a party code")
                return nil
            }
            return Role(role: role, party: party, businessName: name)
        }
        var roles: [Role] = []
        if version == .v2_1_1 {
            if let single = role(value, "", role: nil) { roles.append(single) }
        } else if case .array(let items)? = value["roles"], !items.isEmpty {
            for (index, item) in items.enumerated() {
                let path = "roles[\(index)]."
                guard case .string(let name)? = item["role"], knownRoles.contains(name.uppercased()) else {
                    problems.append("\(path)role: one of \(knownRoles.sorted().joined(separator: ", "))")
                    continue
                }
                if let parsed = role(item, path, role: name.uppercased()) {
                    if roles.contains(where: { $0.role == parsed.role && $0.party == parsed.party }) {
                        problems.append("\(path): \(parsed) is listed twice")
                    } else {
                        roles.append(parsed)
                    }
                }
            }
        } else {
            problems.append("roles: required, a non-empty array of CredentialsRole")
        }
        guard problems.isEmpty, let token, let url else { throw CredentialsProblem(problems) }
        return OCPICredentials(token: token, url: url, roles: roles)
    }

    /// The object in `version`; 2.1.1 carries only the first role, flattened.
    public func json(version: OCPIVersion) -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        func party(_ role: Role) {
            writer.key("business_details")
            writer.beginObject()
            writer.member("name", role.businessName)
            writer.endObject()
            writer.member("party_id", role.party.partyID)
            writer.member("country_code", role.party.countryCode)
        }
        writer.beginObject()
        writer.member("token", token)
        writer.member("url", url)
        if version == .v2_1_1 {
            if let first = roles.first { party(first) }
        } else {
            writer.key("roles")
            writer.beginArray()
            for role in roles {
                writer.beginObject()
                writer.member("role", role.role ?? "OTHER")
                party(role)
                writer.endObject()
            }
            writer.endArray()
        }
        writer.endObject()
        return writer.bytes
    }
}

/// Why a credentials object was refused: every problem, each naming its field.
public struct CredentialsProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let problems: [String]
    public init(_ problems: [String]) { self.problems = problems }
    public var description: String { problems.joined(separator: "; ") }
}
