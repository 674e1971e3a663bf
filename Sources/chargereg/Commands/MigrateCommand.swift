import AccessPoint
import CLI
import Storage

enum MigrateCommand: RegistryCommand {
    static let spec = CommandSpec(
        name: "migrate", abstract: "Create or update the database schema.",
        options: [databaseOption, quietOption],
        discussion: """
            Applies the migrations this program ships, in order, and records each with its checksum.
            Re-running is a no-op; a recorded migration whose text changed is an error, and so is a
            database with migrations this program does not know. All pending migrations apply in one
            transaction; instances starting together on one database apply each migration once
            (PostgreSQL: an advisory lock; SQLite: the write lock). Other commands migrate automatically.
            """)

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let store = try await RegistryDatabase.open(database(arguments), migrate: false)
        let shown = ProgressLine("migrate", .init(noun: ""), quiet: arguments.flag("--quiet"))
        let statuses: [MigrationStatus]
        do { statuses = try await shown.whileRunning { try await store.migrate() } } catch {
            await store.close()
            throw error
        }
        await store.close()
        for status in statuses {
            Output.out("\(status.appliedNow ? "applied   " : "up to date") \(status.name)\n")
        }
        return 0
    }
}
