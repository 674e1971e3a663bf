import RegistryCore

/// The CSV dump's rows: one per connector, with its EVSE and location (a location without EVSEs,
/// or an EVSE without connectors, still gets one row, its missing parts empty). RFC 4180: a
/// header, CRLF line ends, quotes where a field holds a comma, quote or line break; UTF-8.
enum LocationCSV {
    /// The columns, in order; the README documents them.
    static let columns = [
        "country_code", "party_id", "location_id", "name", "address", "city", "postal_code", "state", "country",
        "latitude", "longitude", "time_zone", "parking_type", "operator", "evse_uid", "evse_id", "evse_status",
        "connector_id", "standard", "format", "power_type", "max_voltage", "max_amperage", "max_electric_power",
        "last_updated",
    ]

    static func header(_ out: inout [UInt8]) {
        out += Array((columns.joined(separator: ",") + "\r\n").utf8)
    }

    static func rows(_ location: Location, changedAt: Timestamp, _ out: inout [UInt8]) {
        let place: [String?] = [
            location.countryCode, location.partyID, location.id, location.name, location.address, location.city,
            location.postalCode, location.state, location.country, location.coordinates?.latitude,
            location.coordinates?.longitude, location.timeZone, location.parkingType?.rawValue,
            location.operator?.name,
        ]
        let time = changedAt.description
        func row(_ evse: EVSE?, _ connector: Connector?) {
            let fields =
                place + [
                    evse?.uid, evse?.evseID, evse?.status?.rawValue, connector?.id, connector?.standard?.rawValue,
                    connector?.format?.rawValue, connector?.powerType?.rawValue, connector?.maxVoltage.map(String.init),
                    connector?.maxAmperage.map(String.init), connector?.maxElectricPower.map(String.init), time,
                ]
            out += Array((fields.map { CSVTable.quoted($0 ?? "") }.joined(separator: ",") + "\r\n").utf8)
        }
        if location.evses.isEmpty { row(nil, nil) }
        for evse in location.evses {
            if evse.connectors.isEmpty { row(evse, nil) }
            for connector in evse.connectors { row(evse, connector) }
        }
    }
}
