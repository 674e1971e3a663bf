/// A value of an OCPI enumeration that may hold values the registry does not know.
///
/// OCPI 2.3.0 makes most enums OpenEnums ("unknown values must be tolerated", ocpi.md §6.2) and
/// real 2.1.1/2.2 feeds send out-of-spec values anyway (ocpi.md §10.8); the registry keeps such a
/// value as `.other` and flags it, never rejects it.
public enum Open<Known>: Sendable, Hashable
where Known: RawRepresentable & CaseIterable & Hashable & Sendable, Known.RawValue == String {
    case known(Known)
    case other(String)

    /// Exact spelling first; then case-insensitively (flagged by the decoder), then `.other`.
    public init(rawValue: String) {
        if let known = Known(rawValue: rawValue) {
            self = .known(known)
        } else if let known = Self.byUppercasedName[rawValue.uppercased()] {
            self = .known(known)
        } else {
            self = .other(rawValue)
        }
    }

    public var rawValue: String {
        switch self {
        case .known(let known): known.rawValue
        case .other(let text): text
        }
    }

    public var known: Known? {
        if case .known(let known) = self { known } else { nil }
    }

    private static var byUppercasedName: [String: Known] {
        Dictionary(Known.allCases.map { ($0.rawValue.uppercased(), $0) }, uniquingKeysWith: { first, _ in first })
    }
}
