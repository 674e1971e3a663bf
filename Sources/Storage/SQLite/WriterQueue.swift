/// The one ingest writer of a SQLite file in this process, handed out in arrival order (SQLite
/// has one writer at a time). Waiting here instead of in SQLite's busy handler, which polls with
/// growing sleeps, keeps concurrent pushes from stalling each other for hundreds of milliseconds.
/// The connection is kept for the next session when the last one finished cleanly.
///
/// A waiter is told busy only when the writer has not changed hands for `patience`: a long queue
/// of short pushes that keeps moving is served whole, while one ingest holding the writer longer
/// than `patience` turns the waiters behind it away (as SQLite's busy timeout would).
actor WriterQueue {
    private let open: @Sendable () throws -> SQLiteConnection
    private var idle: SQLiteConnection?
    private var busy = false
    /// When the current turn began: a waiter's patience runs from this or its arrival, whichever is later.
    private var turnStarted = ContinuousClock.now
    private var waiting: [(arrived: ContinuousClock.Instant, turn: CheckedContinuation<Bool, Never>)] = []
    private var watching = false
    let patience: Duration

    /// `idle`: a connection opened already, so that the process's descriptors do not grow at
    /// its first write.
    init(
        patience: Duration = .seconds(10), idle: SQLiteConnection? = nil,
        open: @escaping @Sendable () throws -> SQLiteConnection
    ) {
        self.patience = patience
        self.idle = idle
        self.open = open
    }

    /// Waits for the writer's turn (while the writer keeps changing hands at least every
    /// `patience`), then hands over the connection.
    func acquire() async throws -> SQLiteConnection {
        if busy {
            let given = await withCheckedContinuation { turn in
                waiting.append((.now, turn))
                if !watching {
                    watching = true
                    Task { await self.watch() }
                }
            }
            guard given else {
                throw StoreError.busy("another ingest has been writing for over \(patience); try again")
            }
        } else {
            busy = true
            turnStarted = .now
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
        turnStarted = .now
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().turn.resume(returning: true)
        }
    }

    /// Turns away the waiters whose patience ran out, first to last (a later arrival's runs out
    /// later), while any wait.
    private func watch() async {
        while let first = waiting.first {
            let deadline = max(first.arrived, turnStarted) + patience
            if ContinuousClock.now >= deadline {
                waiting.removeFirst().turn.resume(returning: false)
            } else {
                try? await Task.sleep(until: deadline, clock: .continuous)
            }
        }
        watching = false
    }

    /// Closes the kept connection (the store is closing).
    func close() async {
        await idle?.close()
        idle = nil
    }
}
