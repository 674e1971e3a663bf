import RegistryCore
import Testing

/// Figures from operators' documents never trap and are used only when they make sense (issue #18).
@Suite struct ModelBoundsTests {
    @Test func powerIsComputedWithoutOverflow() {
        var connector = Connector(id: "1")
        connector.maxVoltage = 230
        connector.maxAmperage = 32
        connector.powerType = .known(.ac3Phase)
        #expect(connector.powerWatts == 22_080)
        connector.maxVoltage = Int.max
        #expect(connector.powerWatts == nil)
        connector.maxVoltage = Int.min
        connector.maxAmperage = -1
        #expect(connector.powerWatts == nil)
        connector.powerType = .known(.dc)
        connector.maxVoltage = 3_037_000_499
        connector.maxAmperage = 3_037_000_499
        #expect(connector.powerWatts == 9_223_372_030_926_249_001)
        #expect(Connector.watts(volts: 3_037_000_500, amperes: 3_037_000_500, phases: 1) == nil)
    }

    @Test(arguments: [
        ("-33.447487", "-70.673676", true), ("90", "180", true), ("-90.0", "-180.0", true),
        ("1e400", "0", false), ("1e300", "0", false), ("0", "-Infinity", false), ("nan", "0", false),
        ("90.000001", "0", false), ("0", "180.5", false), ("", "0", false), ("0x10", "0", false),
        ("1e1", "0", false), ("--1", "0", false), ("1.2.3", "0", false), ("+1.5", "-0.0", true),
    ])
    func onlyFiniteDecimalDegreesInRangeAreGeometry(latitude: String, longitude: String, usable: Bool) {
        let location = GeoLocation(latitude: latitude, longitude: longitude)
        #expect((location.latitudeDegrees != nil && location.longitudeDegrees != nil) == usable)
    }

    /// The same rule for degrees read back from stored rows.
    @Test func storedDegreesFollowTheSameRule() {
        #expect(GeoLocation.usable(latitude: -33.4, longitude: -70.6))
        for (latitude, longitude) in [
            (Double.infinity, 0), (0, -Double.infinity), (Double.nan, 0), (1e300, 0), (90.5, 0), (0, 180.5),
        ] {
            #expect(!GeoLocation.usable(latitude: latitude, longitude: longitude), "\(latitude), \(longitude)")
        }
    }
}
