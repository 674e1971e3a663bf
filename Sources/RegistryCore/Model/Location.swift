import JSON

/// A charging location in the registry's uniform model: every field of the OCPI 2.3.0 Location
/// object (a superset of 2.2.1, and 2.1.1 maps onto it; ocpi.md §2.1, §6), identified by
/// `(country_code, party_id, id)`, all CiStrings compared case-insensitively and kept as spelt.
///
/// Fields OCPI requires are optional here because real feeds omit them; the decoder flags each
/// omission. Fields no OCPI version defines are kept in `extensions` ("accept and flag, never
/// drop").
public struct Location: Sendable, Equatable {
    public var countryCode: String
    public var partyID: String
    public var id: String
    public var publish: Bool
    public var publishAllowedTo: [PublishTokenType] = []
    public var name: String?
    public var address: String?
    public var city: String?
    public var postalCode: String?
    public var state: String?
    /// ISO 3166-1 alpha-3 of where the location is (not the owner's `country_code`).
    public var country: String?
    public var coordinates: GeoLocation?
    public var relatedLocations: [AdditionalGeoLocation] = []
    public var parkingType: Open<ParkingType>?
    public var evses: [EVSE] = []
    public var directions: [DisplayText] = []
    public var `operator`: BusinessDetails?
    public var suboperator: BusinessDetails?
    public var owner: BusinessDetails?
    public var facilities: [Open<Facility>] = []
    /// IANA time zone, e.g. `America/Santiago`.
    public var timeZone: String?
    public var openingTimes: Hours?
    public var chargingWhenClosed: Bool?
    public var images: [Image] = []
    public var energyMix: EnergyMix?
    /// The operator's own `last_updated` (the registry's change time is kept apart).
    public var lastUpdated: Timestamp?
    /// OCPI 2.3.0: parking places usable while charging here (AFIR).
    public var parkingPlaces: [Parking] = []
    /// OCPI 2.3.0: phone number for driver assistance.
    public var helpPhone: String?
    /// Members no OCPI version defines, as sent.
    public var extensions = JSONObject()

    public init(countryCode: String, partyID: String, id: String, publish: Bool = true) {
        self.countryCode = countryCode
        self.partyID = partyID
        self.id = id
        self.publish = publish
    }

    /// The case-insensitive identity.
    public var key: LocationKey { LocationKey(countryCode: countryCode, partyID: partyID, locationID: id) }
}

/// The identity of a location: `(country_code, party_id, location_id)`, compared without regard
/// to case (OCPI CiString).
public struct LocationKey: Sendable, Hashable, CustomStringConvertible {
    /// Upper-cased components.
    public let countryCode: String
    public let partyID: String
    public let locationID: String

    public init(countryCode: String, partyID: String, locationID: String) {
        self.countryCode = countryCode.uppercased()
        self.partyID = partyID.uppercased()
        self.locationID = locationID.uppercased()
    }

    public var description: String { "\(countryCode)/\(partyID)/\(locationID)" }
}
