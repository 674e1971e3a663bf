import Quality
import RegistryCore
import Storage
import Synchronization

/// Keeps the quality scores and scorecards current while the access point serves (issues #8,
/// #20). Every change of what a location's score depends on queues it (schema 12); each step
/// rescores what is queued, with the locations whose cross-record findings name it before or
/// after (the same EVSE IDs, its operator's locations around it), stores the scores and
/// re-adds the operators they belong to. A full scan scores everything instead when no scores
/// exist yet, when the rules or policy changed, when the queue is longer than rescoring one by
/// one is worth, when asked, and at least every `rescanAge` seconds, because timeliness moves
/// with the clock alone. A scorecard always adds its locations in key order, so the incremental
/// and the full path give the same scores. On PostgreSQL only one instance scores at a time.
public struct QualityMonitor: Sendable {
    let scan: QualityScan
    let store: any Store
    let clock: RegistryClock
    let rulebook: QualityRulebook
    /// How often it looks for queued changes.
    public var interval: Duration
    /// Snapshots are recorded again at least this often (seconds), for the feeds' timeliness.
    public var maximumAge: Int64
    /// A full scan runs at least this often (seconds).
    public var rescanAge: Int64
    /// Queued locations beyond which one full scan is cheaper than rescoring them one by one.
    public var incrementalLimit = 5000
    /// Adding up an operator's scorecard reads all its stored scores (about 15 µs each). A change
    /// after a quiet step is added up at once; under a steady stream of changes an operator's is
    /// added up again once it has waited ⌈locations / this⌉ steps (66,000 locations: every 4th
    /// step, about a second's work in 8 s), so that no large operator keeps a core busy; when the
    /// changes stop, every scorecard catches up at the next step.
    public var additionsPerStep = 20_000

    public init(
        store: any Store, rulebook: QualityRulebook, clock: RegistryClock = .system, interval: Duration = .seconds(2),
        maximumAge: Int64 = 3600, rescanAge: Int64 = 86_400
    ) {
        self.scan = QualityScan(store: store, rulebook: rulebook, clock: clock)
        self.store = store
        self.clock = clock
        self.rulebook = rulebook
        self.interval = interval
        self.maximumAge = maximumAge
        self.rescanAge = rescanAge
    }

    /// What a step leaves for the next: the operators' scorecards as of the stored scores'
    /// `generation` (but those of `stale` scopes, whose scores changed since), and when every
    /// scope's snapshot was last recorded (an incremental step records only the scopes it
    /// added up again).
    public struct Scanned: Sendable {
        var generation: Int64
        var cards: [String: Scorecard]
        var recordedAt: Timestamp
        var stale: Set<String> = []
        /// The steps each stale scope has waited.
        var waited: [String: Int] = [:]
        /// The scopes whose locations the last step rescored: a change to one of them is part of
        /// a stream.
        var changedLastStep: Set<String> = []
    }

    /// What a step did.
    public enum Work: Sendable, Equatable {
        case nothing
        /// Snapshots recorded again from the scorecards held.
        case recorded
        /// Locations rescored after their changes.
        case rescored(Int)
        /// Every location scored.
        case fullScan(Int)
    }

    /// Steps every `interval` until cancelled. Besides each full scan's line it logs, at most
    /// once a minute, what the incremental steps did since the last such line.
    public func run(log: @escaping @Sendable (String) -> Void) async {
        var scanned: Scanned?
        var since = clock.now()
        var (steps, locations, slowest) = (0, 0, 0.0)
        while !Task.isCancelled {
            let started = clock.now()
            let work: Work
            (scanned, work) = await step(after: scanned, log: log)
            let now = clock.now()
            if case .rescored(let rescored) = work {
                steps += 1
                locations += rescored
                slowest = max(slowest, Double(now.microseconds - started.microseconds) / 1_000_000)
            }
            if steps > 0, now.seconds - since.seconds >= 60 {
                log(
                    "rescored \(locations) locations in \(steps) steps over \(now.seconds - since.seconds) s (slowest step \(Compliance.scoreText(slowest)) s)"
                )
                (steps, locations, slowest) = (0, 0, 0)
                since = now
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// One look: scores what changed since `scanned` (everything when `rescan` or when due) and
    /// records the snapshots; returns what the next step starts from, and what it did. Nothing
    /// happens while another process or instance scores.
    public func step(after scanned: Scanned?, rescan: Bool = false, log: @Sendable (String) -> Void) async
        -> (Scanned?, Work)
    {
        do {
            let started = clock.now()
            guard
                let (next, work) = try await store.exclusively(
                    "quality-scan", { try await update(after: scanned, rescan: rescan) })
            else { return (scanned, .nothing) }
            let seconds = Compliance.scoreText(Double(clock.now().microseconds - started.microseconds) / 1_000_000)
            switch work {
            case .fullScan(let locations):
                log("scored \(locations) locations of \(next.cards.count) operators in \(seconds) s")
            case .recorded where scanned == nil, .rescored where scanned == nil:
                // The first step after a start: say what the scores held are.
                let locations = next.cards.values.reduce(0) { $0 + $1.locations }
                var line = "added up the stored scores of \(locations) locations of \(next.cards.count) operators"
                if case .rescored(let rescored) = work { line += " (\(rescored) rescored after changes)" }
                log(line + " in \(seconds) s")
            default:
                break
            }
            return (next, work)
        } catch {
            if !Task.isCancelled { log("quality scoring failed: \(error)") }
            return (scanned, .nothing)
        }
    }

    /// The scorecards for a report: `scanned`'s, with each feed's timeliness at `instant`.
    public func result(of scanned: Scanned, at instant: Timestamp) async throws -> QualityScan.Result {
        try await scan.result(Self.sorted(scanned.cards), at: instant)
    }

    /// The step, under the `quality-scan` lock; `progress` is told the locations a full scan
    /// has read, every thousand.
    public func update(
        after scanned: Scanned?, rescan: Bool, progress: (@Sendable (_ locations: Int) -> Void)? = nil
    ) async throws -> (Scanned, Work) {
        let now = clock.now()
        let state = try await store.quality.state()
        // Scorecards held from another generation (another instance or `chargereg quality`
        // scored since) are added up again from the stored scores.
        let held = scanned.flatMap { $0.generation == state?.generation ? $0 : nil }
        if let state, !rescan, state.rulebook == rulebook.fingerprint, !Self.due(state.fullScanAt, rescanAge, now) {
            let pending = try await store.quality.pending(limit: incrementalLimit + 1)
            if Set(pending.map(\.key)).count <= incrementalLimit {
                return try await update(state, pending: pending, held: held, now: now)
            }
        }
        let generation = (state?.generation ?? 0) + 1
        let entries = try await store.quality.pendingEntries()
        // The generation is taken first: a scan cut short leaves rows the next one replaces.
        try await store.quality.save(
            QualityState(
                generation: generation, rulebook: state?.rulebook ?? "",
                fullScanAt: state?.fullScanAt ?? Timestamp(seconds: 0)))
        let scored = try await scoreEverything(now: now, generation: generation, progress: progress)
        try await store.quality.finishFullScan(
            scored: entries,
            state: QualityState(generation: generation, rulebook: rulebook.fingerprint, fullScanAt: now))
        let cards = try await addUp()
        try await record(cards, at: now)
        return (Scanned(generation: generation, cards: cards, recordedAt: now), .fullScan(scored))
    }

    /// An incremental step from `state`: rescores what is `pending`, or catches up, or records
    /// the snapshots again when they are older than `maximumAge`.
    private func update(_ state: QualityState, pending: [PendingScore], held: Scanned?, now: Timestamp)
        async throws -> (Scanned, Work)
    {
        if !pending.isEmpty {
            let generation = state.generation + 1
            let changed = Set(pending.map(\.key))
            var affected = changed.union(try await store.quality.related(of: changed))
            var (scored, gone) = try await scan.score(affected, now: now)
            // Locations that a changed one names now (a new duplicate, a new neighbour).
            let named = Set(scored.filter { changed.contains($0.record.key) }.flatMap(\.related)).subtracting(affected)
            let more = try await scan.score(named, now: now)
            scored += more.scored
            gone.formUnion(more.gone)
            affected.formUnion(named)
            try await store.quality.commit(
                scored.map(\.row), dropping: gone, scored: pending.map(\.entry),
                state: QualityState(generation: generation, rulebook: state.rulebook, fullScanAt: state.fullScanAt))
            guard var next = held else {
                let cards = try await addUp()
                try await record(cards, at: now)
                return (Scanned(generation: generation, cards: cards, recordedAt: now), .rescored(affected.count))
            }
            next.generation = generation
            let changedScopes = Set(affected.map(QualityScan.scope(of:)))
            next.stale.formUnion(changedScopes)
            for scope in next.stale { next.waited[scope, default: 0] += 1 }
            let due = next.stale.filter {
                !next.changedLastStep.contains($0)
                    || next.waited[$0, default: 0] * additionsPerStep >= next.cards[$0]?.locations ?? 0
            }
            next.changedLastStep = changedScopes
            try await addUpAgain(due, into: &next)
            try await record(next.cards, at: now, scopes: due)
            return (next, .rescored(affected.count))
        }
        if var next = held, !next.stale.isEmpty {
            // Nothing new: the scorecards left behind catch up.
            next.changedLastStep = []
            let due = next.stale
            try await addUpAgain(due, into: &next)
            try await record(next.cards, at: now, scopes: due)
            return (next, .rescored(0))
        }
        if var held, !Self.due(held.recordedAt, maximumAge, now) {
            held.changedLastStep = []
            return (held, .nothing)
        }
        var cards = held?.cards ?? [:]
        if held == nil { cards = try await addUp() }
        try await record(cards, at: now)
        return (Scanned(generation: state.generation, cards: cards, recordedAt: now), .recorded)
    }

    /// Whether `age` seconds have passed since `since` (a stored time: one that cannot be
    /// subtracted is long past).
    private static func due(_ since: Timestamp, _ age: Int64, _ now: Timestamp) -> Bool {
        let (elapsed, overflow) = now.seconds.subtractingReportingOverflow(since.seconds)
        return overflow || elapsed >= age
    }

    /// Records the snapshots of `cards` (of `scopes` only, when given) and the country's.
    private func record(_ cards: [String: Scorecard], at now: Timestamp, scopes: Set<String>? = nil) async throws {
        try await scan.record(try await scan.result(Self.sorted(cards), at: now), scopes: scopes)
    }

    /// Scores every published, current location into the stored scores under `generation`.
    private func scoreEverything(now: Timestamp, generation: Int64, progress: (@Sendable (Int) -> Void)?)
        async throws -> Int
    {
        let store = store
        let count = Mutex(0)
        try await scan.scoreAll(now: now, progress: progress) { batch in
            try await store.quality.save(batch.map(\.row), generation: generation)
            count.withLock { $0 += batch.count }
        }
        return count.withLock { $0 }
    }

    /// Adds up the scorecards of `scopes` again from the stored scores.
    private func addUpAgain(_ scopes: Set<String>, into scanned: inout Scanned) async throws {
        let cards = try await addUp(scopes: scopes)
        for scope in scopes {
            // A scope without scores any more has no scorecard.
            scanned.cards[scope] = cards[scope]
            scanned.stale.remove(scope)
            scanned.waited[scope] = nil
        }
    }

    /// The operators' scorecards from the stored scores (of `scopes` only, when given), each
    /// adding its locations in key order. A page is read with each rule's count of findings; the
    /// findings themselves only of the records that give a scorecard its first examples.
    func addUp(scopes: Set<String>? = nil) async throws -> [String: Scorecard] {
        var cards: [String: Scorecard] = [:]
        let store = store
        func add(_ page: [QualityScoreRow]) async throws {
            try Task.checkCancellation()
            var examples: [String: [FindingCode: Int]] = [:]
            var shown: [LocationKey] = []
            for row in page {
                let scope = QualityScan.scope(of: row.key)
                var shows = false
                for entry in row.findingCounts {
                    let count = examples[scope]?[entry.code] ?? cards[scope]?.rules[entry.code]?.examples.count ?? 0
                    guard count < Scorecard.exampleLimit else { continue }
                    examples[scope, default: [:]][entry.code] = count + entry.count
                    shows = true
                }
                if shows { shown.append(row.key) }
            }
            let findings = shown.isEmpty ? [:] : try await store.quality.findings(of: shown)
            cards = try await BackgroundThread.run { [cards] in
                var cards = cards
                for row in page {
                    var record = RecordQuality(row)
                    record.findings = findings[row.key] ?? []
                    let scope = QualityScan.scope(of: row.key)
                    cards[scope, default: Scorecard(scope: scope)].add(record, counts: row.findingCounts)
                }
                return cards
            }
        }
        if let scopes {
            for scope in scopes.sorted() {
                let parts = scope.split(separator: "*", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { continue }
                try await store.quality.forEachScorePage(of: (parts[0], parts[1]), add)
            }
        } else {
            try await store.quality.forEachScorePage(add)
        }
        return cards
    }

    static func sorted(_ cards: [String: Scorecard]) -> [Scorecard] {
        cards.values.sorted { $0.scope < $1.scope }
    }
}
