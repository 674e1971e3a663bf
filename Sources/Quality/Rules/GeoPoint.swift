#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import RegistryCore

/// A WGS84 point in degrees, for the distance rules (K6, K16, K17).
public struct GeoPoint: Sendable, Hashable {
    public var latitude: Double
    public var longitude: Double

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }

    /// The point of OCPI coordinates, when both are usable degrees.
    public init?(_ location: GeoLocation) {
        guard let latitude = location.latitudeDegrees, let longitude = location.longitudeDegrees else { return nil }
        self.init(latitude: latitude, longitude: longitude)
    }

    /// Great-circle distance in metres (haversine, mean Earth radius).
    public func distance(to other: GeoPoint) -> Double {
        let radians = Double.pi / 180
        let dLatitude = (other.latitude - latitude) * radians
        let dLongitude = (other.longitude - longitude) * radians
        let a =
            sin(dLatitude / 2) * sin(dLatitude / 2) + cos(latitude * radians) * cos(other.latitude * radians)
            * sin(dLongitude / 2) * sin(dLongitude / 2)
        return 6_371_008.8 * 2 * atan2(a.squareRoot(), (1 - a).squareRoot())
    }
}
