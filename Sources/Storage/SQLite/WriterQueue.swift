/// The one ingest writer of a SQLite file in this process, handed out in arrival order (SQLite
/// has one writer at a time; DESIGN.md). Waiting here instead of in SQLite's busy handler, which
/// polls with growing sleeps, keeps concurrent pushes from stalling each other for hundreds of
/// milliseconds. The connection is kept for the next session when the last one finished cleanly.
actor WriterQueue {
    private let open: @Sendable () throws -> SQLiteConnection
    private var idle: SQLiteConnection?
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(open: @escaping @Sendable () throws -> SQLiteConnection) { self.open = open }

    /// Waits for the writer's turn, then hands over the connection.
    func acquire() async throws -> SQLiteConnection {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        do {
            if let connection = idle {
                idle = nil
                return connection
            }
            return try open()
        } catch {
            release(nil)
            throw error
        }
    }

    /// Ends a turn; `connection` is kept for the next one (nil: discard it, after a failure).
    func release(_ connection: SQLiteConnection?) {
        if let connection { idle = connection }
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }

    /// Closes the kept connection (the store is closing).
    func close() async {
        await idle?.close()
        idle = nil
    }
}
