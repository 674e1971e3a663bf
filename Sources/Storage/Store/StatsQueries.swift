/// The statistics queries, in SQL that SQLite and PostgreSQL both run unchanged; ordering is
/// done here so that both backends answer in one order whatever the database's collation.
enum StatsQueries {
    /// locations, published, removed, EVSEs, connectors.
    static let totals = """
        SELECT count(*), count(*) FILTER (WHERE publish AND NOT removed), count(*) FILTER (WHERE removed),
            coalesce(sum(evse_count), 0), coalesce(sum(connector_count), 0) FROM locations
        """
    /// key, locations, EVSEs.
    static let byOperator =
        "SELECT country_code || '*' || party_id, count(*), sum(evse_count) FROM locations GROUP BY 1"
    static let byCountry = "SELECT coalesce(country, '(none)'), count(*), sum(evse_count) FROM locations GROUP BY 1"
    /// key, count.
    static let byStatus = "SELECT coalesce(status, '(none)'), count(*) FROM evses GROUP BY 1"
    static let byConnectorStandard = "SELECT coalesce(standard, '(none)'), count(*) FROM connectors GROUP BY 1"
    /// AFIR-style power bands per connector.
    static let byPowerClass = """
        SELECT CASE
            WHEN max_power_w IS NULL THEN 'unknown'
            WHEN power_type = 'DC' AND max_power_w >= 350000 THEN 'DC >=350 kW'
            WHEN power_type = 'DC' AND max_power_w >= 150000 THEN 'DC 150-349 kW'
            WHEN power_type = 'DC' AND max_power_w >= 50000 THEN 'DC 50-149 kW'
            WHEN power_type = 'DC' THEN 'DC <50 kW'
            WHEN max_power_w > 22000 THEN 'AC >22 kW'
            WHEN max_power_w > 7400 THEN 'AC 7.4-22 kW'
            ELSE 'AC <=7.4 kW' END, count(*)
        FROM connectors GROUP BY 1
        """
    static let findingsByCode = "SELECT code, sum(count) FROM location_finding_counts GROUP BY code"
    static let ingestRuns = "SELECT count(*) FROM ingest_runs"

    /// Fills the breakdowns of `stats` with the backend's readers of `key, locations, evses` and
    /// `key, count` rows.
    static func breakdowns(
        into stats: inout RegistryStats, counts: (String) throws(StoreError) -> [RegistryStats.Count],
        tallies: (String) throws(StoreError) -> [RegistryStats.Tally]
    ) throws(StoreError) {
        stats.byOperator = ordered(try counts(byOperator))
        stats.byCountry = ordered(try counts(byCountry))
        stats.byStatus = ordered(try tallies(byStatus))
        stats.byConnectorStandard = ordered(try tallies(byConnectorStandard))
        stats.byPowerClass = ordered(try tallies(byPowerClass))
        stats.findingsByCode = ordered(try tallies(findingsByCode))
    }

    /// Largest first, ties by key.
    private static func ordered(_ counts: [RegistryStats.Count]) -> [RegistryStats.Count] {
        counts.sorted { ($0.locations, $1.key) > ($1.locations, $0.key) }
    }

    private static func ordered(_ tallies: [RegistryStats.Tally]) -> [RegistryStats.Tally] {
        tallies.sorted { ($0.count, $1.key) > ($1.count, $0.key) }
    }
}
