import AccessPoint
import CLI
import Storage

enum StatsCommand: RegistryCommand {
    static let spec = CommandSpec(
        name: "stats", abstract: "Print counts of the register: operators, countries, statuses, connectors, findings.",
        options: [databaseOption])

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let store = try await RegistryDatabase.open(database(arguments))
        let stats = try await store.stats(publishedOnly: false)
        await store.close()
        Output.out(render(stats))
        return 0
    }

    static func render(_ stats: RegistryStats) -> String {
        var text = """
            locations   \(stats.locations) (published \(stats.published), removed \(stats.removed))
            evses       \(stats.evses)
            connectors  \(stats.connectors)
            ingest runs \(stats.ingestRuns)

            """
        func section(_ title: String, _ rows: [(String, String)]) {
            guard !rows.isEmpty else { return }
            text += "\n\(title):\n"
            for (key, value) in rows {
                text += "  " + key.padding(toLength: 32, withPad: " ", startingAt: 0) + " \(value)\n"
            }
        }
        section("by operator (locations, evses)", stats.byOperator.map { ($0.key, "\($0.locations) \($0.evses)") })
        section("by country (locations, evses)", stats.byCountry.map { ($0.key, "\($0.locations) \($0.evses)") })
        section("evses by status", stats.byStatus.map { ($0.key, "\($0.count)") })
        section("connectors by standard", stats.byConnectorStandard.map { ($0.key, "\($0.count)") })
        section("connectors by power class", stats.byPowerClass.map { ($0.key, "\($0.count)") })
        section("findings by code", stats.findingsByCode.map { ($0.key, "\($0.count)") })
        return text
    }
}
