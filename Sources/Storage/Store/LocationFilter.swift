#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import RegistryCore

/// What the read API's location list and the dumps ask for (issues #4, #6). Every filter is
/// optional; all apply together. The list holds published, not removed locations only, unless
/// `includesUnpublished`.
public struct LocationFilter: Sendable, Equatable {
    /// ISO 3166-1 alpha-3 code of the location's country (OCPI `country`).
    public var country: String?
    public var party: PartyCode?
    /// Compared without regard to case.
    public var city: String?
    public var postalCode: String?
    public var boundingBox: BoundingBox?
    /// Locations within a radius, listed nearest first.
    public var near: Circle?
    /// OCPI ConnectorType, e.g. `IEC_62196_T2_COMBO`: some connector has it.
    public var connectorStandard: String?
    /// OCPI PowerType, e.g. `DC`: some connector has it.
    public var powerType: String?
    /// Some connector delivers at least this much.
    public var minimumPowerWatts: Int?
    /// OCPI Status, e.g. `AVAILABLE`: some EVSE has it.
    public var status: String?
    /// Changed in the registry at or after this time.
    public var changedSince: Timestamp?
    /// Also `publish=false` locations: for the office's own exports, never for open data.
    public var includesUnpublished = false

    public init() {}
}

/// An area on the map, in degrees (WGS 84).
public struct BoundingBox: Sendable, Equatable {
    public var minLongitude: Double
    public var minLatitude: Double
    public var maxLongitude: Double
    public var maxLatitude: Double

    public init(minLongitude: Double, minLatitude: Double, maxLongitude: Double, maxLatitude: Double) {
        self.minLongitude = minLongitude
        self.minLatitude = minLatitude
        self.maxLongitude = maxLongitude
        self.maxLatitude = maxLatitude
    }
}

/// A point and a radius in metres.
public struct Circle: Sendable, Equatable {
    public var latitude: Double
    public var longitude: Double
    public var radiusMeters: Double

    public init(latitude: Double, longitude: Double, radiusMeters: Double) {
        self.latitude = latitude
        self.longitude = longitude
        self.radiusMeters = radiusMeters
    }

    static let earthRadius = 6_371_008.8

    /// A box that holds the circle (wider in longitude away from the equator), for the index.
    var boundingBox: BoundingBox {
        let latitudeDelta = radiusMeters / Self.earthRadius * 180 / .pi
        let cosine = max(cos(latitude * .pi / 180), 1e-6)
        let longitudeDelta = min(180, latitudeDelta / cosine)
        return BoundingBox(
            minLongitude: longitude - longitudeDelta, minLatitude: max(-90, latitude - latitudeDelta),
            maxLongitude: longitude + longitudeDelta, maxLatitude: min(90, latitude + latitudeDelta))
    }

    /// Great-circle distance (haversine) from the centre, in metres.
    func distance(latitude otherLatitude: Double, longitude otherLongitude: Double) -> Double {
        let φ1 = latitude * .pi / 180
        let φ2 = otherLatitude * .pi / 180
        let Δφ = φ2 - φ1
        let Δλ = (otherLongitude - longitude) * .pi / 180
        let a = sin(Δφ / 2) * sin(Δφ / 2) + cos(φ1) * cos(φ2) * sin(Δλ / 2) * sin(Δλ / 2)
        return 2 * Self.earthRadius * asin(min(1, sqrt(a)))
    }
}

/// One page of the location list.
public struct LocationPage: Sendable {
    public var items: [ListedLocation]
    /// How many locations match in all.
    public var total: Int
    /// Where the next page starts, or nil on the last page.
    public var next: LocationCursor?
}

public struct ListedLocation: Sendable {
    public var location: StoredLocation
    /// From the `near` point, when one was given.
    public var distanceMeters: Double?
}
