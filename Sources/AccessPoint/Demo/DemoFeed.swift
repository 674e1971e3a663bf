#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import JSON
import RegistryCore

/// A realistic synthetic OCPI 2.2.1 Locations feed for a country (issue #4, `chargereg generate`):
/// charge points clustered around the country's real cities, several operators, EVSE and
/// connector mixes by site type (AC street posts, DC fast chargers, high-power hubs), statuses,
/// and a share of the faults real feeds carry. The same seed always gives the same bytes.
public struct DemoFeed: Sendable {
    public let countryCode: String
    public var locations: Int
    public var seed: UInt64
    /// Share of locations (0…1) that carry one realistic fault.
    public var faultRate: Double

    public static var countries: [String] { DemoCountry.all.map(\.alpha2) }

    /// nil when the generator has no data for `country` (see `countries`).
    public init?(country: String, locations: Int, seed: UInt64 = 1, faultRate: Double = 0.05) {
        guard let known = DemoCountry.named(country) else { return nil }
        countryCode = known.alpha2
        self.locations = locations
        self.seed = seed
        self.faultRate = faultRate
    }

    /// Writes the feed as one OCPI response envelope, handing out chunks of about 1 MiB.
    public func write(_ output: ([UInt8]) throws -> Void) rethrows {
        let country = DemoCountry.named(countryCode)!
        var random = SplitMix64(seed: seed)
        let totalWeight = country.cities.reduce(0) { $0 + $1.weight }
        var writer = JSONWriter(capacity: 1 << 20 + 8192)
        writer.beginObject()
        writer.member("status_code", 1000)
        writer.member("status_message", "Success")
        writer.member("timestamp", "2026-11-01T00:00:00Z")
        writer.key("data")
        writer.beginArray()
        var nextEVSE = [Int](repeating: 1, count: country.operators.count)
        for index in 0..<locations {
            var pick = Double.random(in: 0..<totalWeight, using: &random)
            let city =
                country.cities.first {
                    pick -= $0.weight; return pick < 0
                } ?? country.cities[0]
            let operatorIndex = Int.random(in: 0..<country.operators.count, using: &random)
            writeLocation(
                index, country: country, city: city, operatorIndex: operatorIndex,
                evseCounter: &nextEVSE[operatorIndex],
                random: &random, into: &writer)
            if writer.bytes.count >= 1 << 20 {
                try output(writer.bytes)
                writer.bytes.removeAll(keepingCapacity: true)
            }
        }
        writer.endArray()
        writer.endObject()
        writer.bytes.append(UInt8(ascii: "\n"))
        try output(writer.bytes)
    }

    private enum Fault: CaseIterable {
        case missingPostalCode, swappedCoordinates, powerInKilowatts, missingEVSEID, unknownStandard, zeroCoordinates
    }

    private enum Site {
        case acStreet, dcFast, hub
    }

    private func writeLocation(
        _ index: Int, country: DemoCountry, city: DemoCountry.City, operatorIndex: Int, evseCounter: inout Int,
        random: inout SplitMix64, into w: inout JSONWriter
    ) {
        let (partyID, operatorName) = country.operators[operatorIndex]
        let fault =
            Double.random(in: 0..<1, using: &random) < faultRate ? Fault.allCases.randomElement(using: &random) : nil
        let site: Site =
            switch Double.random(in: 0..<1, using: &random) {
            case ..<0.6: .acStreet
            case ..<0.9: .dcFast
            default: .hub
            }
        // Spread around the centre: about 4 km for most, further for some suburbs.
        let spread = Double.random(in: 0..<1, using: &random) < 0.8 ? 0.04 : 0.12
        var latitude = city.latitude + Self.gaussian(&random) * spread
        var longitude = city.longitude + Self.gaussian(&random) * spread
        if fault == .swappedCoordinates { swap(&latitude, &longitude) }
        if fault == .zeroCoordinates { (latitude, longitude) = (0, 0) }
        let street = country.streets.randomElement(using: &random)!
        let minutesAgo = Int.random(in: 0..<(60 * 24 * 90), using: &random)
        let lastUpdated = Timestamp(seconds: 1_793_491_200 - Int64(minutesAgo) * 60).description

        w.beginObject()
        w.member("country_code", country.alpha2)
        w.member("party_id", partyID)
        w.member("id", "\(partyID)-\(index + 1)")
        w.member("publish", true)
        w.member("name", "\(operatorName) \(street)")
        w.member("address", "\(street) \(Int.random(in: 1..<4000, using: &random))")
        w.member("city", city.name)
        if fault != .missingPostalCode {
            let rest = country.postalDigits - city.postalPrefix.count
            w.member(
                "postal_code",
                city.postalPrefix + Self.digits(Int.random(in: 0..<Self.power10(rest), using: &random), count: rest))
        }
        w.member("country", country.alpha3)
        w.key("coordinates")
        w.beginObject()
        w.member("latitude", Self.degrees(latitude))
        w.member("longitude", Self.degrees(longitude))
        w.endObject()
        w.member("parking_type", site == .acStreet ? "ON_STREET" : site == .hub ? "PARKING_LOT" : "PARKING_GARAGE")
        let evseCount =
            switch site {
            case .acStreet: Int.random(in: 1...4, using: &random)
            case .dcFast: Int.random(in: 1...4, using: &random)
            case .hub: Int.random(in: 4...8, using: &random)
            }
        let faultyEVSE = fault == .missingEVSEID || fault == .unknownStandard || fault == .powerInKilowatts ? 0 : -1
        w.key("evses")
        w.beginArray()
        for position in 0..<evseCount {
            let faultHere = position == faultyEVSE ? fault : nil
            w.beginObject()
            w.member("uid", "\(partyID)-\(index + 1)-\(position + 1)")
            if faultHere != .missingEVSEID {
                w.member("evse_id", "\(country.alpha2)*\(partyID)*E\(evseCounter)")
            }
            evseCounter += 1
            w.member("status", Self.status(&random))
            w.key("connectors")
            w.beginArray()
            for (id, connector) in Self.connectors(for: site, &random).enumerated() {
                w.beginObject()
                w.member("id", String(id + 1))
                w.member("standard", faultHere == .unknownStandard ? "TYPE2_SOCKET" : connector.standard)
                w.member("format", connector.standard == "IEC_62196_T2" ? "SOCKET" : "CABLE")
                w.member("power_type", connector.powerType)
                w.member("max_voltage", connector.voltage)
                w.member("max_amperage", connector.amperage)
                w.member(
                    "max_electric_power", faultHere == .powerInKilowatts ? connector.watts / 1000 : connector.watts)
                w.member("last_updated", lastUpdated)
                w.endObject()
            }
            w.endArray()
            w.member("last_updated", lastUpdated)
            w.endObject()
        }
        w.endArray()
        w.key("operator")
        w.beginObject()
        w.member("name", operatorName)
        w.endObject()
        w.member("time_zone", country.timeZone)
        w.member("last_updated", lastUpdated)
        w.endObject()
    }

    private struct ConnectorSpec {
        let standard: String
        let powerType: String
        let voltage: Int
        let amperage: Int
        let watts: Int
    }

    private static func connectors(for site: Site, _ random: inout SplitMix64) -> [ConnectorSpec] {
        switch site {
        case .acStreet:
            let options = [
                ConnectorSpec(
                    standard: "IEC_62196_T2", powerType: "AC_1_PHASE", voltage: 230, amperage: 32, watts: 7360),
                ConnectorSpec(
                    standard: "IEC_62196_T2", powerType: "AC_3_PHASE", voltage: 230, amperage: 16, watts: 11040),
                ConnectorSpec(
                    standard: "IEC_62196_T2", powerType: "AC_3_PHASE", voltage: 230, amperage: 32, watts: 22080),
            ]
            return [options.randomElement(using: &random)!]
        case .dcFast:
            let ccs =
                Bool.random(using: &random)
                ? ConnectorSpec(
                    standard: "IEC_62196_T2_COMBO", powerType: "DC", voltage: 500, amperage: 125, watts: 50000)
                : ConnectorSpec(
                    standard: "IEC_62196_T2_COMBO", powerType: "DC", voltage: 920, amperage: 200, watts: 150000)
            let chademo = ConnectorSpec(standard: "CHADEMO", powerType: "DC", voltage: 500, amperage: 125, watts: 50000)
            return Double.random(in: 0..<1, using: &random) < 0.3 ? [ccs, chademo] : [ccs]
        case .hub:
            return [
                ConnectorSpec(
                    standard: "IEC_62196_T2_COMBO", powerType: "DC", voltage: 920, amperage: 500, watts: 350000)
            ]
        }
    }

    private static func status(_ random: inout SplitMix64) -> String {
        switch Double.random(in: 0..<1, using: &random) {
        case ..<0.7: "AVAILABLE"
        case ..<0.9: "CHARGING"
        case ..<0.95: "OUTOFORDER"
        default: "UNKNOWN"
        }
    }

    /// A standard normal value (Box–Muller).
    private static func gaussian(_ random: inout SplitMix64) -> Double {
        let u1 = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &random)
        let u2 = Double.random(in: 0..<1, using: &random)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    /// Six decimals, as OCPI's coordinate pattern wants.
    static func degrees(_ value: Double) -> String {
        let micro = Int((abs(value) * 1_000_000).rounded())
        return (value < 0 && micro > 0 ? "-" : "") + "\(micro / 1_000_000)." + digits(micro % 1_000_000, count: 6)
    }

    private static func digits(_ value: Int, count: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, count - text.count)) + text
    }

    private static func power10(_ exponent: Int) -> Int { (0..<exponent).reduce(1) { value, _ in value * 10 } }
}

/// A small, fast, seedable generator (SplitMix64): the same seed gives the same feed everywhere.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
