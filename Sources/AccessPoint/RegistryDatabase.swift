import Storage

/// Opens the store a `--database` value names and brings its schema up to date.
public enum RegistryDatabase {
    /// The default when neither `--database` nor `CHARGEREG_DATABASE` is given.
    public static let defaultPath = "./chargereg.sqlite"

    /// `database` is a `postgres://` URL or libpq `key=value` string (PostgreSQL), or else a
    /// SQLite file path.
    /// `memoryMapped: false` for commands that read the database once through (SQLite only).
    public static func open(_ database: String, migrate: Bool = true, memoryMapped: Bool = true) async throws
        -> any Store
    {
        let store: any Store =
            PostgresConninfo.isPostgres(database)
            ? try PostgresStore(conninfo: database) : try SQLiteStore(path: database, memoryMapped: memoryMapped)
        if migrate {
            do { _ = try await store.migrate() } catch {
                await store.close()
                throw error
            }
        }
        return store
    }

    /// A database value fit to print: any password is replaced.
    public static func redacted(_ database: String) -> String { PostgresConninfo.redacted(database) }
}
