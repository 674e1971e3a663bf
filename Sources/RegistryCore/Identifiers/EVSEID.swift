/// An EVSE ID in the ISO 15118-2 Annex H / eMI3 v1.0 Part 2 grammar:
/// `<Country Code> [*] <EVSE Operator ID> [*] E <Power Outlet ID>`, e.g. `CL*ABC*E123*1`.
///
/// Parsing is case-insensitive and separator-tolerant as the ABNF allows; `normalized` (upper
/// case, no separators) is what the registry compares and looks up (registries.md §1.6, R4).
/// The `P` marker denotes a charging pool (station) ID, which is not an EVSE ID (R5).
public struct EVSEID: Sendable, Hashable, CustomStringConvertible {
    /// What the ID denotes, from the marker after the operator ID.
    public enum Marker: String, Sendable {
        case evse = "E"
        case pool = "P"
    }

    /// The text as it was written.
    public let raw: String
    public let operatorCode: PartyCode
    public let marker: Marker
    /// The power outlet (or pool instance) part, upper case, with its internal separators.
    public let instance: String
    /// Whether the separators follow the canonical form: both present or both absent, no `**`,
    /// no trailing `*` (registries.md §1.6, EVSE_ID_CANONICAL).
    public let isCanonical: Bool

    /// Upper case without separators: the lookup key (`CLABCE1231`).
    public var normalized: String {
        operatorCode.compact + marker.rawValue + instance.replacing("*", with: "")
    }

    /// `CL*ABC*E123*1`: the display form.
    public var description: String { "\(operatorCode)*\(marker.rawValue)\(instance)" }

    /// Parses an eMI3 EVSE ID or pool ID.
    public init(parsing text: String) throws(EVSEIDError) {
        let bytes = Array(text.utf8)
        var index = 0
        func take(_ predicate: (UInt8) -> Bool) -> UInt8? {
            guard index < bytes.count, predicate(bytes[index]) else { return nil }
            defer { index += 1 }
            return bytes[index]
        }
        let isStar: (UInt8) -> Bool = { $0 == UInt8(ascii: "*") }
        // Old 2.1.1-era IDs use '-' between the parts (`BE-BEC-E041503001`): read, flagged.
        let isSeparator: (UInt8) -> Bool = { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "-") }
        guard let c1 = take(IdentifierSyntax.isAlpha), let c2 = take(IdentifierSyntax.isAlpha) else {
            throw .notEMI3(text)
        }
        let firstSeparator = take(isSeparator)
        var operatorBytes: [UInt8] = []
        for _ in 0..<3 {
            guard let byte = take(IdentifierSyntax.isAlphanumeric) else { throw .notEMI3(text) }
            operatorBytes.append(byte)
        }
        let secondSeparator = take(isSeparator)
        guard let markerByte = take({ IdentifierSyntax.upper($0) == 0x45 || IdentifierSyntax.upper($0) == 0x50 }) else {
            throw .notEMI3(text)
        }
        let instanceBytes = bytes[index...]
        guard let first = instanceBytes.first, IdentifierSyntax.isAlphanumeric(first),
            instanceBytes.allSatisfy({ IdentifierSyntax.isAlphanumeric($0) || isStar($0) })
        else { throw .notEMI3(text) }
        guard instanceBytes.count <= 31 else { throw .tooLong(text) }
        let country = IdentifierSyntax.upperString([c1, c2])
        guard Country(alpha2: country) != nil else { throw .unknownCountry(text) }
        operatorCode = try! PartyCode(parsing: country + IdentifierSyntax.upperString(operatorBytes))
        marker = IdentifierSyntax.upper(markerByte) == 0x45 ? .evse : .pool
        instance = IdentifierSyntax.upperString(instanceBytes)
        raw = text
        isCanonical =
            firstSeparator == secondSeparator && firstSeparator != UInt8(ascii: "-") && !instance.contains("**")
            && !instance.hasSuffix("*") && (firstSeparator != nil || !instance.contains("*"))
    }

    /// The lookup key for any EVSE ID text, eMI3 or not: upper case with `*`, `-` and spaces
    /// removed, so that any separator or case finds the same EVSE.
    public static func lookupKey(_ text: String) -> String {
        IdentifierSyntax.upperString(
            text.utf8.filter { $0 != UInt8(ascii: "*") && $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: " ") })
    }

    /// Whether `text` is a DIN SPEC 91286 legacy EVSE ID (`+49*810*000*438`): recognised on
    /// ingest, never issued (registries.md §1.2, EVSE_ID_DIN_LEGACY).
    public static func isDINLegacy(_ text: String) -> Bool {
        let parts = text.split(separator: "*", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return false }
        var country = Substring(parts[0])
        if country.hasPrefix("+") { country = country.dropFirst() }
        func digits(_ part: Substring, _ range: ClosedRange<Int>, allowStar: Bool = false) -> Bool {
            range.contains(part.utf8.count)
                && part.utf8.allSatisfy { IdentifierSyntax.isDigit($0) || (allowStar && $0 == UInt8(ascii: "*")) }
        }
        return digits(country, 1...3) && digits(parts[1], 3...6) && digits(parts[2], 1...32, allowStar: true)
    }
}

/// Why a text is not an eMI3 EVSE ID.
public enum EVSEIDError: Error, Sendable, Equatable, CustomStringConvertible {
    case notEMI3(String)
    case tooLong(String)
    case unknownCountry(String)

    public var description: String {
        switch self {
        case .notEMI3(let text):
            "'\(text)' does not follow the eMI3 EVSE ID grammar CC*OOO*E<outlet> (ISO 15118-2 Annex H)"
        case .tooLong(let text): "'\(text)' has a power outlet ID longer than 31 characters"
        case .unknownCountry(let text): "'\(text)' does not start with an ISO 3166-1 alpha-2 country code"
        }
    }
}
