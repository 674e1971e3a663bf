import JSON

// The small classes of the OCPI Locations and Types modules (ocpi.md §2.4, §6.2). Required
// members are optional here so that a faulty record is kept; the decoder flags the gaps.

/// WGS 84 coordinates as OCPI sends them: decimal strings, kept as written.
public struct GeoLocation: Sendable, Equatable {
    public var latitude: String
    public var longitude: String

    public init(latitude: String, longitude: String) {
        self.latitude = latitude
        self.longitude = longitude
    }

    /// The latitude when it is a finite number of degrees from -90 to 90: the one rule for which
    /// coordinates may be used for geometry (storage, bounding boxes, distances, dumps). Anything
    /// else (`1e400`, `-Infinity`, `95`) stays in the document as sent and is a finding.
    public var latitudeDegrees: Double? { Self.degrees(latitude, within: 90) }
    /// The longitude when it is a finite number of degrees from -180 to 180.
    public var longitudeDegrees: Double? { Self.degrees(longitude, within: 180) }

    /// Whether stored degrees (read back from a row) are usable under the same rule.
    public static func usable(latitude: Double, longitude: Double) -> Bool {
        latitude.isFinite && abs(latitude) <= 90 && longitude.isFinite && abs(longitude) <= 180
    }

    /// Plain decimal text (`-33.447487`; no exponent, hex or words), finite and within the bound.
    private static func degrees(_ text: String, within bound: Double) -> Double? {
        let digits = text.utf8.drop { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") }
        guard text.utf8.count - digits.count <= 1, digits.count <= 32,
            digits.allSatisfy({ (48...57).contains($0) || $0 == UInt8(ascii: ".") }),
            digits.filter({ $0 == UInt8(ascii: ".") }).count <= 1,
            let value = Double(text), value.isFinite, abs(value) <= bound
        else { return nil }
        return value
    }
}

public struct AdditionalGeoLocation: Sendable, Equatable {
    public var latitude: String
    public var longitude: String
    public var name: DisplayText?

    public init(latitude: String, longitude: String, name: DisplayText? = nil) {
        self.latitude = latitude
        self.longitude = longitude
        self.name = name
    }
}

public struct DisplayText: Sendable, Equatable {
    /// ISO 639-1.
    public var language: String?
    public var text: String?

    public init(language: String?, text: String?) {
        self.language = language
        self.text = text
    }
}

public struct BusinessDetails: Sendable, Equatable {
    public var name: String?
    public var website: String?
    public var logo: Image?

    public init(name: String?, website: String? = nil, logo: Image? = nil) {
        self.name = name
        self.website = website
        self.logo = logo
    }
}

public struct Image: Sendable, Equatable {
    public var url: String?
    public var thumbnail: String?
    public var category: Open<ImageCategory>?
    public var type: String?
    public var width: Int?
    public var height: Int?

    public init(url: String? = nil) { self.url = url }
}

/// Opening times: regular hours are local time, exceptional periods UTC (ocpi.md §10.4).
public struct Hours: Sendable, Equatable {
    public var twentyfourseven: Bool?
    public var regularHours: [RegularHours] = []
    public var exceptionalOpenings: [ExceptionalPeriod] = []
    public var exceptionalClosings: [ExceptionalPeriod] = []

    public init(twentyfourseven: Bool? = nil) { self.twentyfourseven = twentyfourseven }
}

public struct RegularHours: Sendable, Equatable {
    /// 1 = Monday … 7 = Sunday.
    public var weekday: Int?
    /// Local `HH:MM`.
    public var periodBegin: String?
    public var periodEnd: String?

    public init(weekday: Int?, periodBegin: String?, periodEnd: String?) {
        self.weekday = weekday
        self.periodBegin = periodBegin
        self.periodEnd = periodEnd
    }
}

public struct ExceptionalPeriod: Sendable, Equatable {
    public var periodBegin: Timestamp?
    public var periodEnd: Timestamp?

    public init(periodBegin: Timestamp?, periodEnd: Timestamp?) {
        self.periodBegin = periodBegin
        self.periodEnd = periodEnd
    }
}

public struct StatusSchedule: Sendable, Equatable {
    public var periodBegin: Timestamp?
    public var periodEnd: Timestamp?
    public var status: Open<EVSEStatus>?

    public init(periodBegin: Timestamp?, periodEnd: Timestamp?, status: Open<EVSEStatus>?) {
        self.periodBegin = periodBegin
        self.periodEnd = periodEnd
        self.status = status
    }
}

public struct EnergyMix: Sendable, Equatable {
    public var isGreenEnergy: Bool?
    public var energySources: [EnergySource] = []
    public var environImpact: [EnvironmentalImpact] = []
    public var supplierName: String?
    public var energyProductName: String?

    public init(isGreenEnergy: Bool?) { self.isGreenEnergy = isGreenEnergy }
}

public struct EnergySource: Sendable, Equatable {
    public var source: Open<EnergySourceCategory>?
    /// 0–100, as written.
    public var percentage: JSONNumber?

    public init(source: Open<EnergySourceCategory>?, percentage: JSONNumber?) {
        self.source = source
        self.percentage = percentage
    }
}

/// Named `source` in 2.1.1 and `category` since 2.2.
public struct EnvironmentalImpact: Sendable, Equatable {
    public var category: Open<EnvironmentalImpactCategory>?
    /// g/kWh, as written.
    public var amount: JSONNumber?

    public init(category: Open<EnvironmentalImpactCategory>?, amount: JSONNumber?) {
        self.category = category
        self.amount = amount
    }
}

/// Who may see a `publish=false` location.
public struct PublishTokenType: Sendable, Equatable {
    public var uid: String?
    public var type: Open<TokenType>?
    public var visualNumber: String?
    public var issuer: String?
    public var groupID: String?

    public init() {}
}

/// A parking place (OCPI 2.3.0 Parking object; AFIR requires its reporting to NAPs).
public struct Parking: Sendable, Equatable {
    public var id: String?
    public var physicalReference: String?
    public var vehicleTypes: [Open<VehicleType>] = []
    /// kg.
    public var maxVehicleWeight: JSONNumber?
    /// cm.
    public var maxVehicleHeight: JSONNumber?
    public var maxVehicleLength: JSONNumber?
    public var maxVehicleWidth: JSONNumber?
    public var parkingSpaceLength: JSONNumber?
    public var parkingSpaceWidth: JSONNumber?
    public var dangerousGoodsAllowed: Bool?
    public var direction: Open<ParkingDirection>?
    public var driveThrough: Bool?
    public var restrictedToType: Bool?
    public var reservationRequired: Bool?
    /// Minutes.
    public var timeLimit: JSONNumber?
    public var roofed: Bool?
    public var images: [Image] = []
    public var lighting: Bool?
    public var refrigerationOutlet: Bool?
    public var standards: [String] = []
    public var apdsReference: String?

    public init(id: String?) { self.id = id }
}

/// Links an EVSE to a parking place of its location (OCPI 2.3.0).
public struct EVSEParking: Sendable, Equatable {
    public var parkingID: String?
    public var evsePosition: Open<EVSEPosition>?

    public init(parkingID: String?, evsePosition: Open<EVSEPosition>?) {
        self.parkingID = parkingID
        self.evsePosition = evsePosition
    }
}
