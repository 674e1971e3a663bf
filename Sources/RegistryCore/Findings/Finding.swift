/// Something wrong with a record that the registry kept anyway ("accept and flag, never drop";
/// DESIGN.md): which rule, where in the record (an OCPI field path such as
/// `evses[0].connectors[1].max_voltage`), and what was wrong.
public struct Finding: Sendable, Hashable, CustomStringConvertible {
    public var code: FindingCode
    public var path: String
    public var message: String

    public init(_ code: FindingCode, _ path: String, _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { "\(code) at \(path.isEmpty ? "(record)" : path): \(message)" }
}

/// The code of a rule of the quality catalogue. Decoder tolerances and identifier checks are
/// rules too, so every finding can be counted, explained and scored the same way.
public struct FindingCode: RawRepresentable, Sendable, Hashable, Comparable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }

    public var description: String { rawValue }
    public static func < (lhs: FindingCode, rhs: FindingCode) -> Bool { lhs.rawValue < rhs.rawValue }

    // MARK: Decoding tolerances (OCPI transport and types; ocpi.md §4.7, §7.8)

    /// A required field is absent or null.
    public static let missingRequired: FindingCode = "ocpi.missing_required"
    /// An optional field sent as explicit `null` (treated as absent).
    public static let explicitNull: FindingCode = "ocpi.explicit_null"
    /// A value of the wrong JSON type that could be converted (e.g. coordinates as numbers).
    public static let wrongType: FindingCode = "ocpi.wrong_type"
    /// A value that could not be used at all; it is quoted in the message.
    public static let invalidValue: FindingCode = "ocpi.invalid_value"
    /// An enumeration value the OCPI version does not define (kept as sent).
    public static let unknownEnumValue: FindingCode = "ocpi.unknown_enum_value"
    /// A known enumeration value in the wrong letter case.
    public static let enumCase: FindingCode = "ocpi.enum_case"
    /// A member no OCPI version defines (kept as an extension).
    public static let unknownField: FindingCode = "ocpi.unknown_field"
    /// A member that appears twice in one object (the first is used; RFC 8259 §4 leaves it open).
    public static let duplicateField: FindingCode = "ocpi.duplicate_field"
    /// A member of another OCPI version than the one declared (mapped).
    public static let fieldOfOtherVersion: FindingCode = "ocpi.field_of_other_version"
    /// An array where one object is due (the single element was used).
    public static let arrayForObject: FindingCode = "ocpi.array_for_object"
    /// A DateTime with an offset other than UTC, or without a zone designator in 2.1.1.
    public static let dateTimeNotUTC: FindingCode = "ocpi.datetime_not_utc"
    /// A string longer than the version allows (kept whole).
    public static let tooLong: FindingCode = "ocpi.too_long"

    /// The input began with a UTF-8 byte-order mark, which RFC 8259 §8.1 forbids (ignored).
    public static let byteOrderMark: FindingCode = "json.byte_order_mark"

    // MARK: Identity and identifiers (ISO 15118-2 Annex H, eMI3)

    /// The party was not in the record and was taken from the operator's EVSE IDs.
    public static let partyInferred: FindingCode = "registry.party_inferred"
    /// The party was not in the record and was taken from the ingest's declared party.
    public static let partyFromIngest: FindingCode = "registry.party_from_ingest"
    /// The record names another party than the one declared for the ingest.
    public static let partyMismatch: FindingCode = "registry.party_mismatch"
    /// An `evse_id` outside the eMI3 grammar.
    public static let evseIDNotEMI3: FindingCode = "id.evse_id_not_emi3"
    /// An `evse_id` in the DIN SPEC 91286 legacy form.
    public static let evseIDDINLegacy: FindingCode = "id.evse_id_din_legacy"
    /// A pool (`P`) ID where an EVSE (`E`) ID is due.
    public static let evseIDPoolMarker: FindingCode = "id.evse_id_pool_marker"
    /// An eMI3 `evse_id` with inconsistent separators.
    public static let evseIDNonCanonical: FindingCode = "id.evse_id_noncanonical"

    // MARK: The register (issue #5: every stored EVSE ID is checked against the ID office)

    /// The EVSE ID's operator code is of a country this office serves but was never issued.
    public static let evseOperatorUnknown: FindingCode = "register.evse_operator_unknown"
    /// The operator code is foreign and in no imported foreign register.
    public static let evseOperatorForeignUnregistered: FindingCode = "register.evse_operator_foreign_unregistered"
    /// The operator code's holder is suspended (here or in its foreign register).
    public static let evseOperatorSuspended: FindingCode = "register.evse_operator_suspended"
    /// The operator code is revoked (here or in its foreign register).
    public static let evseOperatorRevoked: FindingCode = "register.evse_operator_revoked"
    /// The operator code is held by another party than the location's, without an authorisation.
    public static let evseOperatorUnauthorised: FindingCode = "register.evse_operator_unauthorised"
}
