/// Why a store operation failed, in words an operator of the registry can act on.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database cannot be opened or reached.
    case unavailable(String)
    /// A statement failed.
    case query(String)
    /// Another writer holds the database for longer than the busy timeout.
    case busy(String)
    /// The schema's migration history does not match the program's migrations.
    case migration(String)
    /// A database URL or option is malformed.
    case configuration(String)
    /// The connection dropped before the work committed: nothing of it was stored, and it is safe
    /// to run it again on a fresh connection.
    case disconnected(String)
    /// A uniqueness rule refused the write: another writer got there first.
    case conflict(String)
    /// The connection dropped while a commit was under way: the work may or may not be stored.
    case commitUncertain(String)

    public var description: String {
        switch self {
        case .unavailable(let message): "database unavailable: \(message)"
        case .query(let message): "database error: \(message)"
        case .busy(let message): "database busy: \(message)"
        case .migration(let message): "migration error: \(message)"
        case .configuration(let message): "database configuration error: \(message)"
        case .disconnected(let message): "database connection lost: \(message)"
        case .conflict(let message): "database conflict: \(message)"
        case .commitUncertain(let message):
            "database connection lost while committing, so the outcome is unknown (check the ingest runs): \(message)"
        }
    }
}
