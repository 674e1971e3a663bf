/// A party code as an ID Registration Office issues it: ISO 3166-1 alpha-2 country + 3
/// alphanumerics (eMI3; ISO 15118-2 Annex H "EVSE Operator ID" / "Provider ID"). The same five
/// characters are OCPI's `country_code` + `party_id`.
///
/// Case-insensitive (BDEW: "A=a"); kept and shown in upper case. The separator is optional:
/// `CL*ABC`, `CLABC` and `cl-abc` are the same code. The registry tightens OCPI's CiString(3)
/// `party_id` to `[A-Z0-9]{3}` (../shared/reference/registries.md §1.3).
public struct PartyCode: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Upper-case ISO 3166-1 alpha-2.
    public let countryCode: String
    /// Upper-case, three characters of `[A-Z0-9]`.
    public let partyID: String

    public init(countryCode: String, partyID: String) throws(PartyCodeError) {
        try self.init(parsing: countryCode + partyID)
    }

    /// Parses `CC*PID`, `CCPID` or `CC-PID`, in any case.
    public init(parsing text: String) throws(PartyCodeError) {
        var bytes = Array(text.utf8)
        if bytes.count == 6 && (bytes[2] == UInt8(ascii: "*") || bytes[2] == UInt8(ascii: "-")) { bytes.remove(at: 2) }
        guard bytes.count == 5 else { throw .badLength(text) }
        guard IdentifierSyntax.isAlpha(bytes[0]) && IdentifierSyntax.isAlpha(bytes[1]) else {
            throw .badCountryCode(text)
        }
        guard bytes[2...].allSatisfy(IdentifierSyntax.isAlphanumeric) else { throw .badPartyID(text) }
        let country = IdentifierSyntax.upperString(bytes[0..<2])
        guard Country(alpha2: country) != nil else { throw .unknownCountry(country) }
        countryCode = country
        partyID = IdentifierSyntax.upperString(bytes[2...])
    }

    /// `CL*ABC`: the form registers and EVSE IDs show.
    public var description: String { "\(countryCode)*\(partyID)" }
    /// `CLABC`.
    public var compact: String { countryCode + partyID }

    public static func < (lhs: PartyCode, rhs: PartyCode) -> Bool { lhs.compact < rhs.compact }
}

/// Why a text is not a party code.
public enum PartyCodeError: Error, Sendable, Equatable, CustomStringConvertible {
    case badLength(String)
    case badCountryCode(String)
    case badPartyID(String)
    case unknownCountry(String)

    public var description: String {
        switch self {
        case .badLength(let text):
            "'\(text)' is not a party code: expected 2 letters, an optional '*', and 3 letters or digits (e.g. CL*ABC)"
        case .badCountryCode(let text): "'\(text)' is not a party code: it must start with 2 letters"
        case .badPartyID(let text): "'\(text)' is not a party code: the party id must be 3 letters or digits"
        case .unknownCountry(let code): "'\(code)' is not an ISO 3166-1 alpha-2 country code"
        }
    }
}
