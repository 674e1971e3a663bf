/// A small pool of PostgreSQL connections, each on its own serial executor. Callers wait when
/// all are in use. After a connection is found broken (the server restarted, say), every idle
/// connection is presumed broken too and reconnects on its next use.
actor PostgresPool {
    let conninfo: String
    let maximumConnections: Int
    /// Names the pool's connections' executors (`postgres.work.2`).
    let label: String
    private var idle: [(connection: PostgresConnection, generation: Int)] = []
    private var opened = 0
    private var generation = 0
    private var waiters: [CheckedContinuation<(PostgresConnection, Int), Never>] = []

    init(conninfo: String, maximumConnections: Int, label: String) {
        self.conninfo = conninfo
        self.maximumConnections = max(1, maximumConnections)
        self.label = label
    }

    /// A connection for the caller's exclusive use until `release`.
    func acquire() async -> (connection: PostgresConnection, generation: Int) {
        if let (connection, connected) = idle.popLast() {
            if connected < generation { await connection.disconnect() }
            return (connection, generation)
        }
        if opened < maximumConnections {
            opened += 1
            return (PostgresConnection(conninfo: conninfo, label: "postgres.\(label).\(opened)"), generation)
        }
        let (connection, connected) = await withCheckedContinuation { waiters.append($0) }
        if connected < generation { await connection.disconnect() }
        return (connection, generation)
    }

    /// Returns a connection; `broken` when it failed with a lost connection.
    func release(_ connection: PostgresConnection, generation connected: Int, broken: Bool = false) {
        var connected = connected
        if broken {
            generation = max(generation, connected + 1)
            connected = -1
        }
        if waiters.isEmpty {
            idle.append((connection, connected))
        } else {
            waiters.removeFirst().resume(returning: (connection, connected))
        }
    }

    /// Closes the idle connections.
    func close() async {
        for (connection, _) in idle { await connection.disconnect() }
        idle = []
    }
}
