/// The statistics queries, in SQL that SQLite and PostgreSQL both run unchanged; ordering is
/// done here so that both backends answer in one order whatever the database's collation. The
/// public statistics count the published register only (an unpublished or removed location is
/// never counted on a public route); the office's `chargereg stats` counts everything.
struct StatsQueries {
    /// locations, published, removed, EVSEs, connectors.
    let totals: String
    /// key, locations, EVSEs.
    let byOperator: String
    let byCountry: String
    /// key, count.
    let byStatus: String
    let byConnectorStandard: String
    /// AFIR-style power bands per connector.
    let byPowerClass: String
    let findingsByCode: String
    let ingestRuns = "SELECT count(*) FROM ingest_runs"

    init(publishedOnly: Bool) {
        let locations = publishedOnly ? "FROM locations WHERE publish AND NOT removed" : "FROM locations"
        /// Rows of a table with `location_id`, under the same condition.
        func of(_ table: String) -> String {
            publishedOnly
                ? "FROM \(table) t JOIN locations l ON l.id = t.location_id WHERE l.publish AND NOT l.removed"
                : "FROM \(table) t"
        }
        totals = """
            SELECT count(*), count(*) FILTER (WHERE publish AND NOT removed), count(*) FILTER (WHERE removed),
                coalesce(sum(evse_count), 0), coalesce(sum(connector_count), 0) \(locations)
            """
        byOperator = "SELECT country_code || '*' || party_id, count(*), sum(evse_count) \(locations) GROUP BY 1"
        byCountry = "SELECT coalesce(country, '(none)'), count(*), sum(evse_count) \(locations) GROUP BY 1"
        byStatus = "SELECT coalesce(t.status, '(none)'), count(*) \(of("evses")) GROUP BY 1"
        byConnectorStandard = "SELECT coalesce(t.standard, '(none)'), count(*) \(of("connectors")) GROUP BY 1"
        byPowerClass = """
            SELECT CASE
                WHEN t.max_power_w IS NULL THEN 'unknown'
                WHEN t.power_type = 'DC' AND t.max_power_w >= 350000 THEN 'DC >=350 kW'
                WHEN t.power_type = 'DC' AND t.max_power_w >= 150000 THEN 'DC 150-349 kW'
                WHEN t.power_type = 'DC' AND t.max_power_w >= 50000 THEN 'DC 50-149 kW'
                WHEN t.power_type = 'DC' THEN 'DC <50 kW'
                WHEN t.max_power_w > 22000 THEN 'AC >22 kW'
                WHEN t.max_power_w > 7400 THEN 'AC 7.4-22 kW'
                ELSE 'AC <=7.4 kW' END, count(*)
            \(of("connectors")) GROUP BY 1
            """
        findingsByCode = "SELECT t.code, sum(t.count) \(of("location_finding_counts")) GROUP BY t.code"
    }

    /// Fills the breakdowns of `stats` with the backend's readers of `key, locations, evses` and
    /// `key, count` rows.
    func breakdowns(
        into stats: inout RegistryStats, counts: (String) throws(StoreError) -> [RegistryStats.Count],
        tallies: (String) throws(StoreError) -> [RegistryStats.Tally]
    ) throws(StoreError) {
        stats.byOperator = Self.ordered(try counts(byOperator))
        stats.byCountry = Self.ordered(try counts(byCountry))
        stats.byStatus = Self.ordered(try tallies(byStatus))
        stats.byConnectorStandard = Self.ordered(try tallies(byConnectorStandard))
        stats.byPowerClass = Self.ordered(try tallies(byPowerClass))
        stats.findingsByCode = Self.ordered(try tallies(findingsByCode))
    }

    /// Largest first, ties by key.
    private static func ordered(_ counts: [RegistryStats.Count]) -> [RegistryStats.Count] {
        counts.sorted { ($0.locations, $1.key) > ($1.locations, $0.key) }
    }

    private static func ordered(_ tallies: [RegistryStats.Tally]) -> [RegistryStats.Tally] {
        tallies.sorted { ($0.count, $1.key) > ($1.count, $0.key) }
    }
}
