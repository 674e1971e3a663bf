import Storage

/// Opens the store a `--database` value names and brings its schema up to date.
public enum RegistryDatabase {
    /// The default when neither `--database` nor `CHARGEREG_DATABASE` is given.
    public static let defaultPath = "./chargereg.sqlite"

    /// `database` is a SQLite file path.
    public static func open(_ database: String, migrate: Bool = true) async throws -> any Store {
        if database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") || database.contains("host=") {
            throw StoreError.configuration(
                "'\(RegistryDatabase.redacted(database))' names a PostgreSQL database; this build stores in SQLite files only"
            )
        }
        let store = try SQLiteStore(path: database)
        if migrate { _ = try await store.migrate() }
        return store
    }

    /// A database value fit to print: any password is replaced.
    public static func redacted(_ database: String) -> String {
        guard let scheme = database.range(of: "://"),
            let at = database.range(of: "@", range: scheme.upperBound..<database.endIndex),
            let colon = database.range(of: ":", range: scheme.upperBound..<at.lowerBound)
        else { return database }
        return String(database[..<colon.upperBound]) + "***" + String(database[at.lowerBound...])
    }
}
