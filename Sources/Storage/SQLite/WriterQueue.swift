/// The one ingest writer of a SQLite file in this process, handed out in arrival order (SQLite
/// has one writer at a time; DESIGN.md). Waiting here instead of in SQLite's busy handler, which
/// polls with growing sleeps, keeps concurrent pushes from stalling each other for hundreds of
/// milliseconds. The connection is kept for the next session when the last one finished cleanly.
actor WriterQueue {
    private let open: @Sendable () throws -> SQLiteConnection
    private var idle: SQLiteConnection?
    private var busy = false
    private var waiting: [(ticket: Int, turn: CheckedContinuation<Bool, Never>, timer: Task<Void, Never>)] = []
    private var tickets = 0
    /// How long a session waits for its turn, as SQLite's busy timeout would.
    let patience: Duration

    init(patience: Duration = .seconds(10), open: @escaping @Sendable () throws -> SQLiteConnection) {
        self.patience = patience
        self.open = open
    }

    /// Waits for the writer's turn (at most `patience`), then hands over the connection.
    func acquire() async throws -> SQLiteConnection {
        if busy {
            tickets += 1
            let ticket = tickets
            let patience = patience
            let given = await withCheckedContinuation { turn in
                let timer = Task {
                    try? await Task.sleep(for: patience)
                    if !Task.isCancelled { self.expire(ticket) }
                }
                waiting.append((ticket, turn, timer))
            }
            guard given else {
                throw StoreError.busy("another ingest has been writing for over \(patience); try again")
            }
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
            let next = waiting.removeFirst()
            next.timer.cancel()
            next.turn.resume(returning: true)
        }
    }

    private func expire(_ ticket: Int) {
        guard let index = waiting.firstIndex(where: { $0.ticket == ticket }) else { return }
        waiting.remove(at: index).turn.resume(returning: false)
    }

    /// Closes the kept connection (the store is closing).
    func close() async {
        await idle?.close()
        idle = nil
    }
}
