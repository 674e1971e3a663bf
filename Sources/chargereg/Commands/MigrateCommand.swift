import AccessPoint
import CLI

enum MigrateCommand: RegistryCommand {
    static let spec = CommandSpec(
        name: "migrate", abstract: "Create or update the database schema.",
        options: [databaseOption],
        discussion: """
            Applies the migrations this program ships, in order, and records each with its checksum.
            Re-running is a no-op; a recorded migration whose text changed is an error. Other commands
            migrate automatically.
            """)

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let store = try await RegistryDatabase.open(database(arguments), migrate: false)
        let statuses = try await store.migrate()
        await store.close()
        for status in statuses {
            Output.out("\(status.appliedNow ? "applied   " : "up to date") \(status.name)\n")
        }
        return 0
    }
}
