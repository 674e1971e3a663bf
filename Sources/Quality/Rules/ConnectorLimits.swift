import RegistryCore

/// What a connector standard can carry, for K10 and K11 (registries.md §4.3): the current it
/// is built for, the format it comes in, and its highest power (the standard's rating, rounded
/// up about 10%). IEC 62196-2/-3, IEC 60309-2, GB/T 20234, CHAdeMO 3.0, SAE J3400, CharIN MCS.
struct ConnectorLimits: Sendable {
    enum Current { case ac, dc, either }
    enum Format { case socket, cable, either }

    var current: Current
    var format: Format
    var maximumWatts: Int
    var maximumAmperes: Int = 1_000

    /// QualiCharge's POWL and IRVE v3's floor: no public charge point delivers less.
    static let minimumWatts = 1_300
    static let voltage = 100...1_500

    static func of(_ standard: ConnectorType) -> ConnectorLimits {
        switch standard {
        case .chademo: ConnectorLimits(current: .dc, format: .cable, maximumWatts: 440_000)
        case .chaoji, .gbtDC: ConnectorLimits(current: .dc, format: .cable, maximumWatts: 990_000)
        case .domesticA, .domesticB, .domesticC, .domesticD, .domesticE, .domesticF, .domesticG, .domesticH,
            .domesticI, .domesticJ, .domesticK, .domesticL, .domesticM, .domesticN, .domesticO:
            ConnectorLimits(current: .ac, format: .socket, maximumWatts: 8_000)
        case .gbtAC: ConnectorLimits(current: .ac, format: .either, maximumWatts: 48_000)
        case .iec60309Single16: ConnectorLimits(current: .ac, format: .socket, maximumWatts: 4_100)
        case .iec60309Three16: ConnectorLimits(current: .ac, format: .socket, maximumWatts: 12_100)
        case .iec60309Three32: ConnectorLimits(current: .ac, format: .socket, maximumWatts: 24_200)
        case .iec60309Three64: ConnectorLimits(current: .ac, format: .socket, maximumWatts: 48_400)
        case .iec62196T1: ConnectorLimits(current: .ac, format: .either, maximumWatts: 21_200)
        case .iec62196T1Combo: ConnectorLimits(current: .dc, format: .cable, maximumWatts: 440_000)
        case .iec62196T2: ConnectorLimits(current: .ac, format: .either, maximumWatts: 48_000)
        case .iec62196T2Combo: ConnectorLimits(current: .dc, format: .cable, maximumWatts: 550_000)
        case .iec62196T3A, .iec62196T3C: ConnectorLimits(current: .ac, format: .socket, maximumWatts: 24_200)
        case .mcs: ConnectorLimits(current: .dc, format: .cable, maximumWatts: 4_125_000, maximumAmperes: 3_300)
        case .nema5_20: ConnectorLimits(current: .ac, format: .socket, maximumWatts: 2_700)
        case .nema6_30, .nema10_30, .nema14_30: ConnectorLimits(current: .ac, format: .socket, maximumWatts: 8_000)
        case .nema6_50, .nema10_50, .nema14_50: ConnectorLimits(current: .ac, format: .socket, maximumWatts: 13_200)
        case .pantographBottomUp, .pantographTopDown:
            ConnectorLimits(current: .dc, format: .either, maximumWatts: 1_320_000, maximumAmperes: 1_500)
        case .saeJ3400: ConnectorLimits(current: .either, format: .cable, maximumWatts: 1_100_000)
        case .teslaR, .teslaS: ConnectorLimits(current: .either, format: .cable, maximumWatts: 385_000)
        }
    }
}
