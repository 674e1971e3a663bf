import RegistryCore

/// Completeness as weighted presence (registries.md §4.3 A): weight 3 for what OCPI or AFIR
/// 2025/655 make mandatory, 2 for what AFIR's annex tables A and B ask for or OCPI asks for when
/// it applies, 1 for what is recommended. C = Σ wᵢ·presentᵢ / Σ wᵢ per object; a record scores the
/// mean over its EVSEs of (C(location) + C(EVSE) + mean C(connectors)) / 3.
///
/// Missing weight-2 and weight-1 fields become `completeness.*` findings; missing weight-3 fields
/// are the decoder's `ocpi.missing_required` findings already, except the two that OCPI leaves
/// optional and AFIR does not (`evse_id`, `operator.name`).
public enum CompletenessRules {
    public struct Result: Sendable {
        /// 0–100.
        public var score: Double
        public var gaps: [Finding]
    }

    public static func assess(_ location: Location) -> Result {
        var gaps: [Finding] = []
        var tally = Tally()
        tally.field(location.address != nil, 3)
        tally.field(location.city != nil, 3)
        tally.field(location.country != nil, 3)
        tally.field(location.coordinates != nil, 3)
        tally.field(location.timeZone != nil, 3)
        tally.field(location.lastUpdated != nil, 3)
        tally.field(location.operator?.name != nil, 3, .afirFieldMissing, "operator.name", &gaps)
        tally.field(location.postalCode != nil, 2, .afirFieldMissing, "postal_code", &gaps)
        tally.field(location.openingTimes != nil, 2, .afirFieldMissing, "opening_times", &gaps)
        tally.field(location.helpPhone != nil, 2, .afirFieldMissing, "help_phone", &gaps)
        tally.field(location.parkingType != nil, 2, .afirFieldMissing, "parking_type", &gaps)
        tally.field(location.owner != nil, 2, .afirFieldMissing, "owner", &gaps)
        tally.field(!location.facilities.isEmpty, 2, .afirFieldMissing, "facilities", &gaps)
        tally.field(location.state != nil, 2, .afirFieldMissing, "state", &gaps)
        tally.field(location.name != nil, 1, .recommendedFieldMissing, "name", &gaps)
        tally.field(!location.directions.isEmpty, 1, .recommendedFieldMissing, "directions", &gaps)
        tally.field(!location.images.isEmpty, 1, .recommendedFieldMissing, "images", &gaps)
        tally.field(location.energyMix != nil, 1, .recommendedFieldMissing, "energy_mix", &gaps)
        let locationScore = tally.ratio

        guard !location.evses.isEmpty else {
            // No EVSE: nothing a driver can charge at is described.
            return Result(score: 100 * locationScore / 3, gaps: gaps)
        }
        var sum = 0.0
        for (index, evse) in location.evses.enumerated() {
            let path = "evses[\(index)]"
            var evseTally = Tally()
            evseTally.field(evse.uid != nil, 3)
            evseTally.field(evse.status != nil, 3)
            evseTally.field(!evse.connectors.isEmpty, 3)
            evseTally.field(evse.lastUpdated != nil, 3)
            if evse.status?.known != .removed {
                evseTally.field(evse.evseID != nil, 3, .afirFieldMissing, "\(path).evse_id", &gaps)
            }
            evseTally.field(!evse.capabilities.isEmpty, 2, .afirFieldMissing, "\(path).capabilities", &gaps)
            evseTally.field(
                !evse.parking.isEmpty || !evse.parkingRestrictions.isEmpty, 2, .afirFieldMissing,
                "\(path).parking_restrictions", &gaps)
            evseTally.field(
                !evse.acceptedServiceProviders.isEmpty, 2, .afirFieldMissing, "\(path).accepted_service_providers",
                &gaps)
            evseTally.field(evse.floorLevel != nil, 1, .recommendedFieldMissing, "\(path).floor_level", &gaps)
            evseTally.field(
                evse.physicalReference != nil, 1, .recommendedFieldMissing, "\(path).physical_reference", &gaps)
            var connectorSum = 0.0
            for (connectorIndex, connector) in evse.connectors.enumerated() {
                let connectorPath = "\(path).connectors[\(connectorIndex)]"
                var connectorTally = Tally()
                connectorTally.field(connector.id != nil, 3)
                connectorTally.field(connector.standard != nil, 3)
                connectorTally.field(connector.format != nil, 3)
                connectorTally.field(connector.powerType != nil, 3)
                connectorTally.field(connector.maxVoltage != nil, 3)
                connectorTally.field(connector.maxAmperage != nil, 3)
                connectorTally.field(connector.lastUpdated != nil, 3)
                connectorTally.field(
                    connector.maxElectricPower != nil, 2, .afirFieldMissing, "\(connectorPath).max_electric_power",
                    &gaps)
                connectorTally.field(
                    !connector.tariffIDs.isEmpty, 2, .afirFieldMissing, "\(connectorPath).tariff_ids", &gaps)
                connectorTally.field(
                    connector.termsAndConditions != nil, 1, .recommendedFieldMissing,
                    "\(connectorPath).terms_and_conditions", &gaps)
                connectorSum += connectorTally.ratio
            }
            let connectorScore = evse.connectors.isEmpty ? 0 : connectorSum / Double(evse.connectors.count)
            sum += (locationScore + evseTally.ratio + connectorScore) / 3
        }
        return Result(score: 100 * sum / Double(location.evses.count), gaps: gaps)
    }

    private struct Tally {
        var present = 0
        var total = 0

        var ratio: Double { total == 0 ? 1 : Double(present) / Double(total) }

        mutating func field(_ isPresent: Bool, _ weight: Int) {
            total += weight
            if isPresent { present += weight }
        }

        /// The path is built only for a gap: most fields are present, and a scan checks millions.
        mutating func field(
            _ isPresent: Bool, _ weight: Int, _ code: FindingCode, _ path: @autoclosure () -> String,
            _ gaps: inout [Finding]
        ) {
            field(isPresent, weight)
            if !isPresent { gaps.append(Finding(code, path(), Self.messages[weight] ?? "missing")) }
        }

        static let messages = [1: "missing (weight 1)", 2: "missing (weight 2)", 3: "missing (weight 3)"]
    }
}
