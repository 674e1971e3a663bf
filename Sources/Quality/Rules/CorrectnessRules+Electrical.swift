import RegistryCore

/// K10 (electrical plausibility, power consistent with V × I × phases, watts not kilowatts) and
/// K11 (standard against power type and format). OCPI 2.2.1 §8.4.5: `max_voltage` is
/// line-to-neutral for 3-phase AC, so 3-phase power is 3 × V × I.
extension CorrectnessRules {
    /// Tolerance on V × I × phases before a declared power counts as inconsistent.
    static let powerTolerance = 1.05
    /// A declared power at or below this many watts reads as kilowatts (no charger delivers 1 kW).
    static let kilowattCeiling = 1_000

    func checkElectrical(_ connector: Connector, path: String, into findings: inout [Finding]) {
        let limits = connector.standard?.known.map(ConnectorLimits.of)
        let phases =
            switch connector.powerType?.known {
            case .ac3Phase: 3
            case .ac2Phase, .ac2PhaseSplit: 2
            default: 1
            }
        if let limits, let powerType = connector.powerType?.known {
            let isDC = powerType == .dc
            if (limits.current == .ac && isDC) || (limits.current == .dc && !isDC) {
                findings.append(
                    Finding(
                        .powerTypeMismatch, "\(path).power_type",
                        "\(connector.standard!.rawValue) cannot carry \(powerType.rawValue)"))
            }
        }
        if let limits, let format = connector.format?.known {
            if (limits.format == .socket && format == .cable) || (limits.format == .cable && format == .socket) {
                findings.append(
                    Finding(
                        .formatMismatch, "\(path).format",
                        "\(connector.standard!.rawValue) does not come as a \(format.rawValue)"))
            }
        }
        if let voltage = connector.maxVoltage, !ConnectorLimits.voltage.contains(voltage) {
            findings.append(
                Finding(
                    .powerImplausible, "\(path).max_voltage",
                    "\(voltage) V is outside \(ConnectorLimits.voltage.lowerBound)…\(ConnectorLimits.voltage.upperBound) V"
                ))
        }
        let maximumAmperes = limits?.maximumAmperes ?? 1_000
        if let amperage = connector.maxAmperage, !(1...maximumAmperes).contains(amperage) {
            findings.append(
                Finding(.powerImplausible, "\(path).max_amperage", "\(amperage) A is outside 1…\(maximumAmperes) A"))
        }
        if let power = connector.maxElectricPower {
            if power > 0 && power <= Self.kilowattCeiling {
                findings.append(
                    Finding(
                        .powerInKilowatts, "\(path).max_electric_power",
                        "\(power) reads as kilowatts; OCPI wants watts (\(power * 1000) W?)"))
                return
            }
            if let voltage = connector.maxVoltage, let amperage = connector.maxAmperage, voltage > 0, amperage > 0,
                let derived = Connector.watts(volts: voltage, amperes: amperage, phases: phases),
                Double(power) > Double(derived) * Self.powerTolerance
            {
                findings.append(
                    Finding(
                        .powerInconsistent, "\(path).max_electric_power",
                        "\(power) W is more than \(voltage) V × \(amperage) A\(phases > 1 ? " × \(phases) phases" : "") = \(derived) W"
                    ))
            }
        }
        guard let watts = connector.powerWatts else { return }
        let maximum = limits?.maximumWatts ?? 4_125_000
        if watts < ConnectorLimits.minimumWatts || watts > maximum {
            let standard = connector.standard.map { " for \($0.rawValue)" } ?? ""
            findings.append(
                Finding(
                    .powerImplausible,
                    connector.maxElectricPower == nil ? "\(path).max_amperage" : "\(path).max_electric_power",
                    "\(watts) W is outside \(ConnectorLimits.minimumWatts)…\(maximum) W\(standard)"))
        }
    }
}
