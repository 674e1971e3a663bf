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

/// Scores the whole register from scratch (issue #8): every current location is decoded and
/// scored on completeness, correctness and timeliness at the scan's instant, with the
/// cross-record rules (duplicate EVSE IDs nationally, duplicate locations of one operator within
/// 25 m) found first from the index tables; the results are one scorecard per operator and the
/// national one, recorded as the day's snapshots.
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

    /// Scores every published, current location. Scorecards are public, and an unpublished
    /// location is never named, counted or hinted at on a public route: not in examples, not
    /// as a duplicate or a neighbour of a published one, not in totals.
    /// `progress` is told the locations read so far, every thousand.
    public func run(progress: (@Sendable (_ locations: Int) -> Void)? = nil) async throws -> Result {
        let now = clock.now()
        let crossRecord = try await crossRecordFindings()
        let lastIngests = try await store.quality.lastSuccessfulIngests()
        let pool = ScoringPool(scorer: rulebook.scorer, crossRecord: crossRecord, now: now, progress: progress)
        try await store.forEachLocation(LocationQuery(publishedOnly: true, includeRemoved: false)) { stored in
            try pool.take(stored)
        }
        let cards = try await pool.finish()
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

    /// Records the result as today's snapshot of every operator and of the country.
    public func record(_ result: Result) async throws {
        let day = Self.day(of: result.computedAt)
        let policy = rulebook.policy
        let snapshots = ([result.national] + result.operators).map { card in
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
        try await store.quality.record(snapshots)
    }

    /// The findings that depend on other records, by the location they belong to.
    func crossRecordFindings() async throws -> [LocationKey: [Finding]] {
        let duplicates = try await store.quality.duplicateEVSEIDs()
        let points = try await store.quality.locationPoints()
        return try await BackgroundThread.run { Self.crossRecordFindings(duplicates: duplicates, points: points) }
    }

    /// The same findings for one published location alone, from the index tables: its EVSE IDs'
    /// other holders, and its operator's locations around it. Exactly what a scan finds for it.
    func crossRecordFindings(of location: Location) async throws -> [Finding] {
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
        return Self.crossRecordFindings(duplicates: duplicates, points: points)[location.key] ?? []
    }

    /// Duplicate EVSE IDs and nearby locations of one operator as findings, by location, each
    /// location's in one order (rule, path, message) whatever order the inputs came in.
    static func crossRecordFindings(
        duplicates: [(evseIDKey: String, location: LocationKey, position: Int)],
        points: [(location: LocationKey, latitude: Double, longitude: Double)]
    ) -> [LocationKey: [Finding]] {
        var findings: [LocationKey: [Finding]] = [:]
        var byKey: [String: [(location: LocationKey, position: Int)]] = [:]
        for duplicate in duplicates {
            byKey[duplicate.evseIDKey, default: []].append((duplicate.location, duplicate.position))
        }
        for (evseIDKey, places) in byKey {
            for place in places {
                let others = places.filter { $0.location != place.location || $0.position != place.position }
                findings[place.location, default: []].append(
                    Finding(
                        .evseIDDuplicate, "evses[\(place.position)].evse_id",
                        "\(evseIDKey) is also published at \(others.map { "\($0.location) evses[\($0.position)]" }.joined(separator: ", "))"
                    ))
            }
        }
        for (key, finding) in nearbyDuplicates(points) {
            findings[key, default: []].append(finding)
        }
        for key in findings.keys {
            findings[key]!.sort { ($0.code.rawValue, $0.path, $0.message) < ($1.code.rawValue, $1.path, $1.message) }
        }
        return findings
    }

    /// Pairs of one operator's locations within `duplicateDistance`, found through a grid of
    /// cells at least that wide, so each point is compared with its neighbours only.
    static func nearbyDuplicates(_ points: [(location: LocationKey, latitude: Double, longitude: Double)])
        -> [(LocationKey, Finding)]
    {
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
        var result: [(LocationKey, Finding)] = []
        for (index, point) in points.enumerated() {
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
                                point.location,
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
/// leave free. At most `inFlight` batches wait, which bounds memory; each batch adds into its
/// own scorecards, merged under a lock.
private final class ScoringPool: @unchecked Sendable {
    static let batchSize = 256
    static let inFlight = 4

    private let scorer: QualityScorer
    private let crossRecord: [LocationKey: [Finding]]
    private let now: Timestamp
    private let progress: (@Sendable (Int) -> Void)?
    private let group = DispatchGroup()
    private let slots = DispatchSemaphore(value: ScoringPool.inFlight)
    private let state = Mutex<(cards: [String: Scorecard], error: (any Error)?)>(([:], nil))
    /// Touched by the store's thread while it reads, then by `finish`.
    private var batch: [StoredLocation] = []
    private var taken = 0

    init(
        scorer: QualityScorer, crossRecord: [LocationKey: [Finding]], now: Timestamp,
        progress: (@Sendable (Int) -> Void)?
    ) {
        self.scorer = scorer
        self.crossRecord = crossRecord
        self.now = now
        self.progress = progress
        batch.reserveCapacity(Self.batchSize)
    }

    func take(_ stored: StoredLocation) throws {
        if let error = state.withLock({ $0.error }) { throw error }
        batch.append(stored)
        taken += 1
        if taken % 1000 == 0 { progress?(taken) }
        if batch.count == Self.batchSize { dispatch() }
    }

    /// Scores the last batch and waits for every worker, on a worker thread: waiting must not
    /// block the cooperative pool.
    func finish() async throws -> [Scorecard] {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async { [self] in
                if !batch.isEmpty { dispatch() }
                group.wait()
                done.resume()
            }
        }
        return try state.withLock { state in
            if let error = state.error { throw error }
            return state.cards.values.sorted { $0.scope < $1.scope }
        }
    }

    private func dispatch() {
        let work = batch
        batch = []
        batch.reserveCapacity(Self.batchSize)
        slots.wait()
        group.enter()
        BackgroundThread.detach { [self] in
            defer {
                slots.signal()
                group.leave()
            }
            var cards: [String: Scorecard] = [:]
            do {
                for stored in work {
                    let location = try CanonicalDocument.location(of: stored)
                    let quality = scorer.score(
                        location, stored: stored.findingList, crossRecord: crossRecord[stored.key] ?? [],
                        receipt: stored.receipt, now: now)
                    let scope = "\(stored.key.countryCode)*\(stored.key.partyID)"
                    cards[scope, default: Scorecard(scope: scope)].add(quality)
                }
            } catch {
                state.withLock { $0.error = $0.error ?? error }
                return
            }
            state.withLock { state in
                for (scope, card) in cards { state.cards[scope, default: Scorecard(scope: scope)].merge(card) }
            }
        }
    }
}
