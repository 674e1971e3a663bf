import JSON

/// An EVSE: one charging point that charges one vehicle at a time (OCPI 2.3.0 EVSE object,
/// ocpi.md §2.2 and §6.2). Identified by `uid` within its location; `evse_id` (eMI3) is an
/// attribute that may be absent when the status is `REMOVED`.
public struct EVSE: Sendable, Equatable {
    public var uid: String?
    public var evseID: String?
    public var status: Open<EVSEStatus>?
    public var statusSchedule: [StatusSchedule] = []
    public var capabilities: [Open<Capability>] = []
    public var connectors: [Connector] = []
    public var floorLevel: String?
    public var coordinates: GeoLocation?
    public var physicalReference: String?
    public var directions: [DisplayText] = []
    public var parkingRestrictions: [Open<ParkingRestriction>] = []
    public var images: [Image] = []
    public var lastUpdated: Timestamp?
    /// OCPI 2.3.0: links to `Location.parking_places`.
    public var parking: [EVSEParking] = []
    /// OCPI 2.3.0: names of eMSPs whose contracts are accepted (AFIR).
    public var acceptedServiceProviders: [String] = []
    public var extensions = JSONObject()

    public init(uid: String? = nil) { self.uid = uid }
}

/// One plug or socket of an EVSE (OCPI 2.3.0 Connector object, ocpi.md §2.3).
public struct Connector: Sendable, Equatable {
    public var id: String?
    public var standard: Open<ConnectorType>?
    public var format: Open<ConnectorFormat>?
    public var powerType: Open<PowerType>?
    /// Volts; line-to-neutral for AC 3-phase.
    public var maxVoltage: Int?
    /// Amperes.
    public var maxAmperage: Int?
    /// Watts, when lower than voltage × amperage allows.
    public var maxElectricPower: Int?
    public var tariffIDs: [String] = []
    public var termsAndConditions: String?
    public var lastUpdated: Timestamp?
    /// OCPI 2.3.0: Plug and Charge support.
    public var capabilities: [Open<ConnectorCapability>] = []
    public var extensions = JSONObject()

    public init(id: String? = nil) { self.id = id }

    /// The power this connector can deliver in watts: `max_electric_power`, or else derived
    /// from voltage × amperage (× 3 for 3-phase AC), or nil when unknown or beyond 64 bits.
    public var powerWatts: Int? {
        if let maxElectricPower { return maxElectricPower }
        guard let maxVoltage, let maxAmperage else { return nil }
        return Self.watts(volts: maxVoltage, amperes: maxAmperage, phases: powerType?.known == .ac3Phase ? 3 : 1)
    }

    /// V × I × phases, or nil when the product does not fit 64 bits (the figures come from
    /// operators' documents, and an overflow would stop the process).
    public static func watts(volts: Int, amperes: Int, phases: Int) -> Int? {
        let (perPhase, overflow) = volts.multipliedReportingOverflow(by: amperes)
        let (total, overflowAgain) = perPhase.multipliedReportingOverflow(by: phases)
        return overflow || overflowAgain ? nil : total
    }
}
