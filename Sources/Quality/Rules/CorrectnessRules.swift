import RegistryCore

/// The correctness rules that look at one location alone (registries.md §4.3 B: K5, K6, K9–K14,
/// K16, K20; the rest are the decoder's and the register's findings, and the scan's duplicate
/// checks). They never change the record: each problem becomes a `Finding` that names its rule,
/// so the record is kept and flagged ("accept and flag", DESIGN.md).
public struct CorrectnessRules: Sendable {
    /// Without a table (no tzdata on the machine) the time zone rules do not apply.
    public var timeZones: TimeZoneTable?

    public init(timeZones: TimeZoneTable?) { self.timeZones = timeZones }

    /// Every code these rules can give, so that a re-check replaces exactly these.
    public static let findingCodes: Set<FindingCode> = [
        .coordinatesInvalid, .coordinatesImprecise, .coordinatesZero, .coordinatesOutsideCountry,
        .coordinatesSwapped, .evseFarFromLocation, .evseUIDDuplicate, .connectorIDDuplicate, .powerInconsistent,
        .powerInKilowatts, .powerImplausible, .powerTypeMismatch, .formatMismatch, .timeZoneInvalid,
        .timeZoneCountryMismatch, .openingHoursInvalid, .postalCodeFormat, .addressLong, .phoneNotE164,
        .placeholderText,
        .lastUpdatedOrder,
    ]

    public func findings(of location: Location) -> [Finding] {
        var findings: [Finding] = []
        checkCoordinates(location, into: &findings)
        checkTimeZone(location, into: &findings)
        checkOpeningTimes(location.openingTimes, into: &findings)
        checkText(location, into: &findings)
        checkIdentity(location, into: &findings)
        for (evseIndex, evse) in location.evses.enumerated() {
            for (connectorIndex, connector) in evse.connectors.enumerated() {
                checkElectrical(connector, path: "evses[\(evseIndex)].connectors[\(connectorIndex)]", into: &findings)
            }
        }
        return findings
    }

    private func checkTimeZone(_ location: Location, into findings: inout [Finding]) {
        guard let timeZones, !timeZones.isEmpty, let zone = location.timeZone else { return }
        guard let countries = timeZones.countries(using: zone) else {
            findings.append(Finding(.timeZoneInvalid, "time_zone", "\"\(zone)\" is not an IANA time zone"))
            return
        }
        guard let country = location.country.flatMap({ Country(alpha3: $0) }), !countries.contains(country.alpha2)
        else { return }
        findings.append(
            Finding(
                .timeZoneCountryMismatch, "time_zone",
                countries.isEmpty
                    ? "\(zone) is not a local time zone of \(country.name)"
                    : "\(zone) is used in \(countries.sorted().joined(separator: ", ")), not in \(country.name)"))
    }

    /// K3 within the record (uids and connector ids unique) and K14 (parents at least as recent
    /// as their children, OCPI 2.2.1 §8.3.1).
    private func checkIdentity(_ location: Location, into findings: inout [Finding]) {
        var uids: Set<String> = []
        for (index, evse) in location.evses.enumerated() {
            if let uid = evse.uid, !uids.insert(uid.uppercased()).inserted {
                findings.append(Finding(.evseUIDDuplicate, "evses[\(index)].uid", "uid \(uid) appears twice"))
            }
            var connectorIDs: Set<String> = []
            for (connectorIndex, connector) in evse.connectors.enumerated() {
                if let id = connector.id, !connectorIDs.insert(id.uppercased()).inserted {
                    findings.append(
                        Finding(
                            .connectorIDDuplicate, "evses[\(index)].connectors[\(connectorIndex)].id",
                            "connector id \(id) appears twice in this EVSE"))
                }
            }
            if let evseUpdated = evse.lastUpdated,
                let newest = evse.connectors.compactMap(\.lastUpdated).max(), newest > evseUpdated
            {
                findings.append(
                    Finding(
                        .lastUpdatedOrder, "evses[\(index)].last_updated",
                        "\(evseUpdated) is older than its connector's \(newest)"))
            }
        }
        if let updated = location.lastUpdated, let newest = location.evses.compactMap(\.lastUpdated).max(),
            newest > updated
        {
            findings.append(
                Finding(.lastUpdatedOrder, "last_updated", "\(updated) is older than its EVSE's \(newest)"))
        }
    }
}
