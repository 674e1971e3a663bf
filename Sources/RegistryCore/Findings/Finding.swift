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
    /// A location `id`, EVSE `uid` or connector `id` beyond printable ASCII (kept as sent).
    public static let idNotPrintableASCII: FindingCode = "ocpi.id_not_printable_ascii"
    /// An enumeration value or a coordinate with white space around it (trimmed).
    public static let surroundingWhitespace: FindingCode = "ocpi.surrounding_whitespace"

    /// The input began with a UTF-8 byte-order mark, which RFC 8259 §8.1 forbids (ignored).
    public static let byteOrderMark: FindingCode = "json.byte_order_mark"
    /// A page of a pull reached by `offset`, because the Sender's `Link` (OCPI 2.2.1 §4.1.3)
    /// was missing, led elsewhere than the endpoint, or failed (counted per page on the run).
    public static let pageByOffset: FindingCode = "ocpi.page_by_offset"

    // MARK: Identity and identifiers (ISO 15118-2 Annex H, eMI3)

    /// The party was not in the record and was taken from the operator's EVSE IDs.
    public static let partyInferred: FindingCode = "registry.party_inferred"
    /// The party was not in the record and was taken from the ingest's declared party.
    public static let partyFromIngest: FindingCode = "registry.party_from_ingest"
    /// The record names another party than the one declared for the ingest.
    public static let partyMismatch: FindingCode = "registry.party_mismatch"
    /// A record for a party the delivering party may not write: refused and counted on the run,
    /// never stored.
    public static let partyNotAuthorised: FindingCode = "registry.party_not_authorised"
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

    // MARK: Correctness (issue #8; registries.md §4.3 B)

    /// Coordinates that are not decimal degrees within WGS84's range.
    public static let coordinatesInvalid: FindingCode = "quality.coordinates_invalid"
    /// Coordinates with fewer than the 5 decimals OCPI's pattern asks for (worse than about 1 m).
    public static let coordinatesImprecise: FindingCode = "quality.coordinates_imprecise"
    /// Coordinates at `0,0` ("null island"): a placeholder, not a place.
    public static let coordinatesZero: FindingCode = "quality.coordinates_zero"
    /// Coordinates outside every bounding box of the location's `country`.
    public static let coordinatesOutsideCountry: FindingCode = "quality.coordinates_outside_country"
    /// Coordinates outside the country that fall inside it once latitude and longitude swap places.
    public static let coordinatesSwapped: FindingCode = "quality.coordinates_swapped"
    /// An EVSE placed farther from its location than a driver would walk to find it.
    public static let evseFarFromLocation: FindingCode = "quality.evse_far_from_location"
    /// Another location of the same operator within a few metres: probably the same site twice.
    public static let locationDuplicate: FindingCode = "quality.location_duplicate"
    /// An `evse_id` that another current location also publishes.
    public static let evseIDDuplicate: FindingCode = "quality.evse_id_duplicate"
    /// Two EVSEs of one location with the same `uid`.
    public static let evseUIDDuplicate: FindingCode = "quality.evse_uid_duplicate"
    /// Two connectors of one EVSE with the same `id`.
    public static let connectorIDDuplicate: FindingCode = "quality.connector_id_duplicate"
    /// `max_electric_power` above what voltage × amperage × phases can deliver.
    public static let powerInconsistent: FindingCode = "quality.power_inconsistent"
    /// `max_electric_power` that reads as kilowatts where OCPI wants watts.
    public static let powerInKilowatts: FindingCode = "quality.power_in_kilowatts"
    /// Voltage, amperage or power outside what the connector standard can carry.
    public static let powerImplausible: FindingCode = "quality.power_implausible"
    /// A connector standard that cannot carry the declared power type (CCS on AC, Type 2 on DC).
    public static let powerTypeMismatch: FindingCode = "quality.power_type_mismatch"
    /// A connector format the standard does not come in (a CCS socket, a domestic cable).
    public static let formatMismatch: FindingCode = "quality.format_mismatch"
    /// A `time_zone` that is not an IANA time zone.
    public static let timeZoneInvalid: FindingCode = "quality.time_zone_invalid"
    /// An IANA time zone not used in the location's `country`.
    public static let timeZoneCountryMismatch: FindingCode = "quality.time_zone_country_mismatch"
    /// Opening hours that do not say when the location is open.
    public static let openingHoursInvalid: FindingCode = "quality.opening_hours_invalid"
    /// A postal code that does not have its country's format.
    public static let postalCodeFormat: FindingCode = "quality.postal_code_format"
    /// A phone number not in E.164 form.
    public static let phoneNotE164: FindingCode = "quality.phone_not_e164"
    /// An address longer than the 45 characters of OCPI 2.1.1 and the 2.2.1 PDF, which many
    /// receivers still enforce (the 2.2.1 errata and 2.3.0 allow 255).
    public static let addressLong: FindingCode = "quality.address_long"
    /// A placeholder where a name, address or city is due ("N/A", "test", "0000").
    public static let placeholderText: FindingCode = "quality.placeholder_text"
    /// A location older than its newest EVSE, or an EVSE older than its newest connector.
    public static let lastUpdatedOrder: FindingCode = "quality.last_updated_order"

    // MARK: Completeness (registries.md §4.3 A; AFIR 2025/655 annex tables)

    /// A field AFIR's annex asks for, or OCPI asks for when it applies, is absent.
    public static let afirFieldMissing: FindingCode = "completeness.afir_field_missing"
    /// A recommended field is absent.
    public static let recommendedFieldMissing: FindingCode = "completeness.recommended_field_missing"

    // MARK: Timeliness (registries.md §4.3 C; AFIR 2025/655 Art. 5)

    /// A change reached the registry more than a day after the operator's `last_updated`.
    public static let staticLatency: FindingCode = "timeliness.static_latency"
    /// A pushed status change reached the registry more than a minute after it happened.
    public static let dynamicLatency: FindingCode = "timeliness.dynamic_latency"
    /// An EVSE whose status nobody confirmed within a day.
    public static let statusStale: FindingCode = "timeliness.status_stale"
    /// A location whose operator `last_updated` is more than a year old.
    public static let recordOld: FindingCode = "timeliness.record_old"
    /// A location no delivery confirmed for more than a year.
    public static let notConfirmed: FindingCode = "timeliness.not_confirmed"
    /// A `last_updated` later than the moment the registry received it.
    public static let futureTimestamp: FindingCode = "timeliness.future_timestamp"
    /// An operator with no successful pull or push for longer than the policy allows.
    public static let feedSilent: FindingCode = "timeliness.feed_silent"
}
