#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Quality
import RegistryCore
import Dispatch
import Storage
import Synchronization

/// Scores published locations (issues #8, #20): the whole register at one instant, with the
/// cross-record rules (duplicate EVSE IDs nationally, duplicate locations of one operator within
/// 25 m) found first from the index tables, or a few locations, each with its own cross-record
/// findings read from the same tables, which gives each exactly what the whole pass gives it.
/// Each is scored on completeness, correctness and timeliness; operators' scorecards and the
/// national one complete the result, recorded as the day's snapshots.
public struct QualityScan: Sendable {
    public struct Result: Sendable {
        public var computedAt: Timestamp
        public var national: Scorecard
        /// By party code.
        public var operators: [Scorecard]
    }

    /// Two locations of one operator closer than this are probably one site (QualiCharge LOCP).
    public static let duplicateDistance = 25.0

    let store: any Store
    let rulebook: QualityRulebook
    let clock: RegistryClock

    public init(store: any Store, rulebook: QualityRulebook, clock: RegistryClock = .system) {
        self.store = store
        self.rulebook = rulebook
        self.clock = clock
    }

    /// One published, current location scored, with the locations its cross-record findings
    /// name (a change to either rescores both).
    public struct Scored: Sendable {
        public var record: RecordQuality
        public var related: [LocationKey]

        /// As the quality ledger stores it.
        var row: QualityScoreRow { record.row(related: related) }
    }

    /// Scores every published, current location without recording anything (a what-if, or a
    /// report under another policy). Scorecards are public, and an unpublished location is
    /// never named, counted or hinted at on a public route: not in examples, not as a duplicate
    /// or a neighbour of a published one, not in totals.
    /// `progress` is told the locations read so far, every thousand.
    public func run(progress: (@Sendable (_ locations: Int) -> Void)? = nil) async throws -> Result {
        let now = clock.now()
        let cards = Mutex<[String: Scorecard]>([:])
        try await scoreAll(now: now, progress: progress) { batch in
            var batchCards: [String: Scorecard] = [:]
            for scored in batch {
                let scope = Self.scope(of: scored.record.key)
                batchCards[scope, default: Scorecard(scope: scope)].add(scored.record)
            }
            cards.withLock { cards in
                for (scope, card) in batchCards { cards[scope, default: Scorecard(scope: scope)].merge(card) }
            }
        }
        return try await result(cards.withLock { $0.values.sorted { $0.scope < $1.scope } }, at: now)
    }

    /// Scores every published, current location at `now` and hands the records to `deliver` a
    /// batch at a time, in no particular order; at most a few batches wait at once.
    func scoreAll(
        now: Timestamp, progress: (@Sendable (Int) -> Void)? = nil,
        deliver: @escaping @Sendable ([Scored]) async throws -> Void
    ) async throws {
        let crossRecord = try await crossRecordFindings()
        let pool = ScoringPool(scorer: rulebook.scorer, crossRecord: crossRecord, now: now, progress: progress)
        // Detached: a cancelled stream would stop handing batches over and leave the pool
        // waiting for slots; the scan ends as it always did, when every batch is delivered.
        let consumer = Task.detached { try await pool.deliverBatches(to: deliver) }
        do {
            try await withTaskCancellationHandler {
                try await store.forEachLocation(LocationQuery(publishedOnly: true, includeRemoved: false)) { stored in
                    try pool.take(stored)
                }
            } onCancel: {
                pool.cancel()
            }
            try await pool.finish()
        } catch {
            await pool.abandon()
            _ = try? await consumer.value
            throw error
        }
        try await consumer.value
    }

    /// Scores the given locations at `now` as a full scan would: those no longer published or
    /// current come back in `gone`.
    func score(_ keys: Set<LocationKey>, now: Timestamp) async throws -> (scored: [Scored], gone: Set<LocationKey>) {
        var stored: [StoredLocation] = []
        var gone: Set<LocationKey> = []
        for key in keys {
            if let found = try await store.location(key), found.publish, !found.removed {
                stored.append(found)
            } else {
                gone.insert(key)
            }
        }
        // Decoding and scoring are CPU work: off the cooperative pool, like a full scan's.
        let locations = try await BackgroundThread.run { [stored] in
            try stored.map { try CanonicalDocument.location(of: $0) }
        }
        var crossRecords: [CrossRecord] = []
        for location in locations { crossRecords.append(try await crossRecordFindings(of: location)) }
        let scorer = rulebook.scorer
        let scored = try await BackgroundThread.run { [stored, locations, crossRecords] in
            stored.indices.map { index in
                Scored(
                    record: scorer.score(
                        locations[index], stored: stored[index].findingList,
                        crossRecord: crossRecords[index].findings, receipt: stored[index].receipt, now: now),
                    related: crossRecords[index].sortedRelated)
            }
        }
        return (scored, gone)
    }

    /// Operators' scorecards (each location added in key order) completed at `now`: each
    /// operator's feed timeliness from its last successful ingest, and the national scorecard.
    func result(_ cards: [Scorecard], at now: Timestamp) async throws -> Result {
        let lastIngests = try await store.quality.lastSuccessfulIngests()
        let policy = rulebook.policy
        let operators = cards.map { card in
            var card = card
            card.lastSuccessfulIngest = lastIngests[card.scope]
            if let last = card.lastSuccessfulIngest {
                let silence = now.seconds - last.seconds
                let limit = policy.timeliness.feedSilentHours * 3600
                card.feedScore = TimelinessRules.decay(
                    silence, full: limit, zero: policy.timeliness.feedSilentZeroDays * 86_400)
                if silence > limit {
                    card.add(
                        operatorFinding: Finding(
                            .feedSilent, "",
                            "no successful ingest for \(TimelinessRules.duration(silence)) (limit \(policy.timeliness.feedSilentHours) h)"
                        ))
                }
            }
            return card
        }
        return Result(
            computedAt: now, national: Scorecard.national(operators, policy: policy), operators: operators)
    }

    /// An operator's scope: its party code, `CL*VLT`.
    static func scope(of key: LocationKey) -> String { "\(key.countryCode)*\(key.partyID)" }

    /// Records the result as today's snapshot of the country and of every operator, or of those
    /// in `scopes` only; a scope without locations any more loses today's snapshot.
    public func record(_ result: Result, scopes: Set<String>? = nil) async throws {
        let day = Self.day(of: result.computedAt)
        let policy = rulebook.policy
        let cards = [result.national] + result.operators.filter { scopes?.contains($0.scope) ?? true }
        let snapshots = cards.map { card in
            let scores = card.scores(policy: policy)
            return QualitySnapshot(
                scope: card.scope, day: day, computedAt: result.computedAt, locations: card.locations,
                evses: card.evses,
                completeness: scores.completeness, correctness: scores.correctness, timeliness: scores.timeliness,
                combined: scores.combined, compliance: Compliance(card, policy: policy).status.rawValue,
                document: QualityDocument(rulebook: rulebook).scorecard(
                    card, computedAt: result.computedAt,
                    operators: card.scope == QualitySnapshot.nationalScope ? result.operators : []))
        }
        try await store.quality.record(
            snapshots, forgetting: scopes.map { $0.subtracting(result.operators.map(\.scope)) }, day: day)
    }

    /// What a location's quality owes to other records: the findings (duplicate EVSE IDs,
    /// nearby locations of its operator) in one order (rule, path, message), and the locations
    /// they name.
    struct CrossRecord: Sendable {
        var findings: [Finding] = []
        var related: Set<LocationKey> = []

        var sortedRelated: [LocationKey] {
            related.sorted { ($0.countryCode, $0.partyID, $0.locationID) < ($1.countryCode, $1.partyID, $1.locationID) }
        }
    }

    /// Every published location's cross-record findings, by location.
    func crossRecordFindings() async throws -> [LocationKey: CrossRecord] {
        let duplicates = try await store.quality.duplicateEVSEIDs()
        let points = try await store.quality.locationPoints()
        return try await BackgroundThread.run { Self.crossRecordFindings(duplicates: duplicates, points: points) }
    }

    /// The same for one published location alone, from the index tables: its EVSE IDs' other
    /// holders, and its operator's locations around it. Exactly what a scan finds for it.
    func crossRecordFindings(of location: Location) async throws -> CrossRecord {
        let keys = Set(location.evses.compactMap { $0.evseID.map(EVSEID.lookupKey) })
        let duplicates = try await store.quality.duplicateEVSEIDs(among: keys)
        var points: [(location: LocationKey, latitude: Double, longitude: Double)] = []
        if let point = location.coordinates.flatMap(GeoPoint.init),
            let party = try? PartyCode(countryCode: location.countryCode, partyID: location.partyID)
        {
            // Twice the distance in every direction holds every point within it, at any latitude
            // a charge point has (the grid's cells are at least the distance wide).
            let latitudeMargin = 2 * Self.duplicateDistance / 111_000
            let longitudeMargin = latitudeMargin / max(0.05, cos(point.latitude * .pi / 180))
            points = try await store.quality.locationPoints(
                of: party,
                within: (
                    point.latitude - latitudeMargin, point.latitude + latitudeMargin,
                    point.longitude - longitudeMargin, point.longitude + longitudeMargin
                ))
        }
        return Self.crossRecordFindings(duplicates: duplicates, points: points, of: location.key)[location.key]
            ?? CrossRecord()
    }

    /// Duplicate EVSE IDs and nearby locations of one operator as findings, by location (of
    /// `only` alone, when given: a dense site's neighbours need not be paired with each other),
    /// whatever order the inputs came in.
    static func crossRecordFindings(
        duplicates: [(evseIDKey: String, location: LocationKey, position: Int)],
        points: [(location: LocationKey, latitude: Double, longitude: Double)], of only: LocationKey? = nil
    ) -> [LocationKey: CrossRecord] {
        var result: [LocationKey: CrossRecord] = [:]
        var byKey: [String: [(location: LocationKey, position: Int)]] = [:]
        for duplicate in duplicates {
            byKey[duplicate.evseIDKey, default: []].append((duplicate.location, duplicate.position))
        }
        for (evseIDKey, places) in byKey {
            for place in places where only == nil || place.location == only {
                let others = places.filter { $0.location != place.location || $0.position != place.position }
                result[place.location, default: CrossRecord()].findings.append(
                    Finding(
                        .evseIDDuplicate, "evses[\(place.position)].evse_id",
                        "\(evseIDKey) is also published at \(others.map { "\($0.location) evses[\($0.position)]" }.joined(separator: ", "))"
                    ))
                result[place.location]!.related.formUnion(others.map(\.location).filter { $0 != place.location })
            }
        }
        for (key, other, finding) in nearbyDuplicates(points, of: only) {
            result[key, default: CrossRecord()].findings.append(finding)
            result[key]!.related.insert(other)
        }
        for key in result.keys {
            result[key]!.findings.sort {
                ($0.code.rawValue, $0.path, $0.message) < ($1.code.rawValue, $1.path, $1.message)
            }
        }
        return result
    }

    /// Pairs of one operator's locations within `duplicateDistance` (each pair both ways, or
    /// those of `only`), found through a grid of cells at least that wide, so each point is
    /// compared with its neighbours only.
    static func nearbyDuplicates(
        _ points: [(location: LocationKey, latitude: Double, longitude: Double)], of only: LocationKey? = nil
    ) -> [(LocationKey, LocationKey, Finding)] {
        struct Cell: Hashable {
            var party: Int
            var row: Int
            var column: Int
        }
        var parties: [String: Int] = [:]
        let partyOf = points.map { point in
            let party = point.location.countryCode + point.location.partyID
            if let known = parties[party] { return known }
            parties[party] = parties.count
            return parties.count - 1
        }
        let rowDegrees = duplicateDistance / 111_000
        func cell(_ index: Int, rowOffset: Int = 0) -> Cell {
            let row = Int((points[index].latitude / rowDegrees).rounded(.down)) + rowOffset
            let columnDegrees = rowDegrees / max(0.05, cos(Double(row) * rowDegrees * .pi / 180))
            return Cell(
                party: partyOf[index], row: row, column: Int((points[index].longitude / columnDegrees).rounded(.down)))
        }
        var grid: [Cell: [Int]] = [:]
        for index in points.indices { grid[cell(index), default: []].append(index) }
        var result: [(LocationKey, LocationKey, Finding)] = []
        for (index, point) in points.enumerated() where only == nil || point.location == only {
            let here = GeoPoint(latitude: point.latitude, longitude: point.longitude)
            for rowOffset in -1...1 {
                let centre = cell(index, rowOffset: rowOffset)
                for columnOffset in -1...1 {
                    var neighbour = centre
                    neighbour.column += columnOffset
                    for other in grid[neighbour] ?? [] where other != index {
                        let there = GeoPoint(latitude: points[other].latitude, longitude: points[other].longitude)
                        let distance = here.distance(to: there)
                        guard distance <= duplicateDistance else { continue }
                        result.append(
                            (
                                point.location, points[other].location,
                                Finding(
                                    .locationDuplicate, "coordinates",
                                    "\(points[other].location) of the same operator is \(Int(distance.rounded())) m away"
                                )
                            ))
                    }
                }
            }
        }
        return result
    }

    /// `YYYY-MM-DD` of an instant, UTC.
    static func day(of timestamp: Timestamp) -> String {
        let text = timestamp.description
        return String(text.prefix(10))
    }
}

extension StoredLocation {
    /// When the registry received and confirmed this version, for the timeliness rules.
    var receipt: TimelinessRules.Receipt {
        TimelinessRules.Receipt(
            changedAt: changedAt, confirmedAt: confirmedAt, version: version, pushed: sourceKind == .push)
    }
}

/// Scores the records `forEachLocation` reads, on lowest-priority threads (`BackgroundThread`): the
/// store's thread only gathers batches, so decoding and scoring use every core the requests
/// leave free. A batch holds its slot until the consumer has taken it, so at most `inFlight`
/// batches are scored or wait at once, which bounds memory however slow the consumer is.
private final class ScoringPool: @unchecked Sendable {
    static let batchSize = 256
    static let inFlight = 4

    private let scorer: QualityScorer
    private let crossRecord: [LocationKey: QualityScan.CrossRecord]
    private let now: Timestamp
    private let progress: (@Sendable (Int) -> Void)?
    private let slots = DispatchSemaphore(value: ScoringPool.inFlight)
    private let error = Mutex<(any Error)?>(nil)
    private let scored: AsyncStream<[QualityScan.Scored]>
    private let output: AsyncStream<[QualityScan.Scored]>.Continuation
    /// Touched by the store's thread while it reads, then by `finish`.
    private var batch: [StoredLocation] = []
    private var taken = 0

    init(
        scorer: QualityScorer, crossRecord: [LocationKey: QualityScan.CrossRecord], now: Timestamp,
        progress: (@Sendable (Int) -> Void)?
    ) {
        self.scorer = scorer
        self.crossRecord = crossRecord
        self.now = now
        self.progress = progress
        (scored, output) = AsyncStream.makeStream(of: [QualityScan.Scored].self)
        batch.reserveCapacity(Self.batchSize)
    }

    func take(_ stored: StoredLocation) throws {
        if let error = error.withLock({ $0 }) { throw error }
        batch.append(stored)
        taken += 1
        if taken % 1000 == 0 { progress?(taken) }
        if batch.count == Self.batchSize { dispatch() }
    }

    /// Hands each scored batch to `deliver`, then frees its slot; returns when every batch is
    /// delivered, or throws the first error of scoring or delivery.
    func deliverBatches(to deliver: @Sendable ([QualityScan.Scored]) async throws -> Void) async throws {
        for await records in scored {
            defer { slots.signal() }
            guard error.withLock({ $0 }) == nil else { continue }
            do { try await deliver(records) } catch { self.error.withLock { $0 = $0 ?? error } }
        }
        if let error = error.withLock({ $0 }) { throw error }
    }

    /// Scores the last batch and waits, on a worker thread (waiting must not block the
    /// cooperative pool), until every batch has been scored.
    func finish() async throws {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async { [self] in
                if !batch.isEmpty { dispatch() }
                // Every slot free again: each batch was scored and delivered.
                for _ in 0..<Self.inFlight { slots.wait() }
                for _ in 0..<Self.inFlight { slots.signal() }
                output.finish()
                done.resume()
            }
        }
        if let error = error.withLock({ $0 }) { throw error }
    }

    /// Stops taking records: the read ends with `CancellationError` at the next one.
    func cancel() {
        error.withLock { $0 = $0 ?? CancellationError() }
    }

    /// Ends the stream after a failed read; batches still being scored are dropped.
    func abandon() async {
        cancel()
        try? await finish()
    }

    private func dispatch() {
        let work = batch
        batch = []
        batch.reserveCapacity(Self.batchSize)
        slots.wait()
        BackgroundThread.detach { [self] in
            var records: [QualityScan.Scored] = []
            records.reserveCapacity(work.count)
            do {
                for stored in work {
                    let location = try CanonicalDocument.location(of: stored)
                    let crossRecord = crossRecord[stored.key] ?? QualityScan.CrossRecord()
                    records.append(
                        QualityScan.Scored(
                            record: scorer.score(
                                location, stored: stored.findingList, crossRecord: crossRecord.findings,
                                receipt: stored.receipt, now: now),
                            related: crossRecord.sortedRelated))
                }
            } catch {
                self.error.withLock { $0 = $0 ?? error }
                records = []
            }
            output.yield(records)
        }
    }
}
