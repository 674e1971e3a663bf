import JSON
import Storage

/// `GET /api/v1/stats`: the register's counts, as `chargereg stats` prints them.
enum StatsDocument {
    static func json(_ stats: RegistryStats) -> [UInt8] {
        var writer = JSONWriter(capacity: 4096)
        writer.beginObject()
        writer.member("locations", stats.locations)
        writer.member("published", stats.published)
        writer.member("removed", stats.removed)
        writer.member("evses", stats.evses)
        writer.member("connectors", stats.connectors)
        writer.member("ingest_runs", stats.ingestRuns)
        for (name, counts) in [("by_operator", stats.byOperator), ("by_country", stats.byCountry)] {
            writer.key(name)
            writer.beginArray()
            for count in counts {
                writer.beginObject()
                writer.member("key", count.key)
                writer.member("locations", count.locations)
                writer.member("evses", count.evses)
                writer.endObject()
            }
            writer.endArray()
        }
        for (name, tallies) in [
            ("evses_by_status", stats.byStatus), ("connectors_by_standard", stats.byConnectorStandard),
            ("connectors_by_power_class", stats.byPowerClass), ("findings_by_code", stats.findingsByCode),
        ] {
            writer.key(name)
            writer.beginArray()
            for tally in tallies {
                writer.beginObject()
                writer.member("key", tally.key)
                writer.member("count", tally.count)
                writer.endObject()
            }
            writer.endArray()
        }
        writer.endObject()
        return writer.bytes
    }
}
