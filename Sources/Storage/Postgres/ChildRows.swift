import RegistryCore

/// The EVSEs, connectors and finding counts of the locations a batch creates or replaces, as
/// `COPY` rows for their own tables; EVSE ids are drawn beforehand so connectors can name them.
struct ChildRows {
    private var evses = PostgresCopyRows()
    private var connectors = PostgresCopyRows()
    private var findingCounts = PostgresCopyRows()

    mutating func add(_ incoming: IncomingLocation, locationID: Int64, evseIDs: inout IndexingIterator<[Int64]>)
        throws(StoreError)
    {
        for (position, evse) in incoming.location.evses.enumerated() {
            guard let evseID = evseIDs.next() else { throw StoreError.query("fewer EVSE ids drawn than EVSEs") }
            evses.integer(evseID)
            evses.integer(locationID)
            evses.integer(position)
            evses.text(evse.uid)
            evses.text(evse.evseID)
            evses.text(evse.evseID.map(EVSEID.lookupKey))
            evses.text(evse.status?.rawValue)
            evses.real(evse.coordinates?.latitudeDegrees)
            evses.real(evse.coordinates?.longitudeDegrees)
            evses.endRow()
            for (index, connector) in evse.connectors.enumerated() {
                connectors.integer(evseID)
                connectors.integer(locationID)
                connectors.integer(index)
                connectors.text(connector.id)
                connectors.text(connector.standard?.rawValue)
                connectors.text(connector.format?.rawValue)
                connectors.text(connector.powerType?.rawValue)
                connectors.integer(connector.maxVoltage)
                connectors.integer(connector.maxAmperage)
                connectors.integer(connector.powerWatts)
                connectors.endRow()
            }
        }
        countFindings(incoming, locationID: locationID)
    }

    /// Only the finding counts: for a location whose content is unchanged but whose findings
    /// may not be (the register may say otherwise now).
    mutating func countFindings(_ incoming: IncomingLocation, locationID: Int64) {
        var counts: [String: Int] = [:]
        for finding in incoming.findings { counts[finding.code.rawValue, default: 0] += 1 }
        for (code, count) in counts.sorted(by: { $0.key < $1.key }) {
            findingCounts.integer(locationID)
            findingCounts.text(code)
            findingCounts.integer(count)
            findingCounts.endRow()
        }
    }

    func copy(_ client: LibPQConnection) throws(StoreError) {
        if !evses.isEmpty {
            try client.copy(
                """
                COPY evses (id, location_id, position, uid, evse_id, evse_id_key, status, latitude, longitude)
                FROM STDIN
                """, rows: evses)
        }
        if !connectors.isEmpty {
            try client.copy(
                """
                COPY connectors (evse_id, location_id, position, connector_id, standard, format, power_type,
                    max_voltage, max_amperage, max_power_w) FROM STDIN
                """, rows: connectors)
        }
        if !findingCounts.isEmpty {
            try client.copy("COPY location_finding_counts (location_id, code, count) FROM STDIN", rows: findingCounts)
        }
    }
}
