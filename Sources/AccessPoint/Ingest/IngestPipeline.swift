import JSON
import OCPI
import RegistryCore
import Storage

/// One ingest run, whatever brought its records: a file, a pull or a push all go through here,
/// so that decoding, the ownership rule (`DeliveryScope`), the register's findings, counting,
/// refusals and full deliveries are the same on every path (a record with an identity is
/// accepted and flagged, never dropped). The run is one transaction: all of it is stored, or
/// nothing (`run`).
///
/// Records are taken in batches; a full batch is handed to the store, which applies it on its own
/// executor while the caller reads and the pipeline decodes the next one. The caller hands
/// records in order, one `take` at a time.
public actor IngestPipeline {
    /// What the run is and whose records it may write.
    public struct Plan: Sendable {
        public var start: IngestRunStart
        /// The records' OCPI version; nil: detected from the first record.
        public var version: OCPIVersion?
        public var scope: DeliveryScope
        /// A full delivery: the records are the party's whole current set.
        public var fullDelivery: FullDelivery?
        /// A push names its location in the URL: a record for any other is refused.
        public var onlyLocation: LocationKey?
        /// Records handed to the store at once.
        public var batchSize = 500
        /// At most this many party-less records wait for the end of the run; later ones are refused.
        public var maximumDeferred = 100_000

        public init(start: IngestRunStart, version: OCPIVersion?, scope: DeliveryScope) {
            self.start = start
            self.version = version
            self.scope = scope
        }
    }

    /// What one finished run gave.
    public struct Result: Sendable {
        public var run: IngestRun
        /// The version the records were read in (declared or detected); nil when there were none.
        public var version: OCPIVersion?
        /// The first 1,000 refusals (all of them are stored with the run).
        public var refusals: [IngestRefusal]
        /// Locations a full delivery would have removed but withheld (above the share, unconfirmed).
        public var removalsWithheld: FullDelivery.Withheld?
    }

    /// One record as read, with its byte offset in a file.
    public typealias Record = (value: JSONValue, byteOffset: Int?)

    private let plan: Plan
    private let register: RegisterSnapshot
    private let session: any IngestSession
    private var decoder: LocationDecoder?
    private var summary = IngestRunSummary()
    private var batch: [IncomingLocation] = []
    private var refusals: [IngestRefusal] = []
    private var newRefusals: [IngestRefusal] = []
    private var feedOperators: Set<PartyCode> = []
    private var deferred: [(record: Record, position: Int)] = []
    /// The full delivery's party's locations seen in this run.
    private var delivered: Set<LocationKey> = []
    private var applying: Task<[IngestOutcome], any Error>?

    private init(_ plan: Plan, register: RegisterSnapshot, session: any IngestSession) {
        self.plan = plan
        self.register = register
        self.session = session
        decoder = plan.version.map { LocationDecoder(version: $0, declaredParty: plan.start.party) }
    }

    /// Runs one ingest: reads the register once (every record of the run is checked against the
    /// same snapshot, or against `register` when the caller has one), opens the store's session,
    /// lets `deliver` hand it the records, then finishes (the deferred records, the last batch, a
    /// full delivery's removals, the commit). When anything throws, nothing of the run is stored,
    /// the run is recorded as failed with the error's words, and the error is rethrown.
    public static func run(
        _ plan: Plan, store: any Store, register: RegisterSnapshot? = nil,
        _ deliver: (IngestPipeline) async throws -> Void
    ) async throws -> Result {
        let snapshot: RegisterSnapshot
        if let register { snapshot = register } else { snapshot = try await store.register.snapshot() }
        let pipeline = IngestPipeline(plan, register: snapshot, session: try await store.beginIngest(plan.start))
        do {
            try await deliver(pipeline)
            return try await pipeline.finish()
        } catch {
            await pipeline.abandon(error: "\(error)")
            throw error
        }
    }

    /// Runs `attempt` once more when the database connection was lost before its run committed:
    /// nothing of the first attempt was stored (the failed run stays in the ingest runs), so the
    /// whole input is taken again on a fresh connection. Every path wraps its run in this.
    public static func retryingOnDisconnect<T, Failure: Error>(
        _ attempt: () async throws(Failure) -> T
    ) async throws(Failure) -> T {
        do { return try await attempt() } catch {
            guard lostConnection(error) else { throw error }
            return try await attempt()
        }
    }

    static func lostConnection(_ error: any Error) -> Bool {
        switch error {
        case StoreError.disconnected, IngestError.store(_, .disconnected): true
        default: false
        }
    }

    /// Counts a finding about the whole input (a file's byte order mark, a pull's pages reached
    /// by offset).
    public func note(_ code: FindingCode, count: Int = 1) { summary.findingsByCode[code, default: 0] += count }

    /// Decodes and admits records, handing a full batch to the store.
    public func take(_ records: [Record]) async throws {
        for record in records { take(record) }
        if batch.count >= plan.batchSize || newRefusals.count >= plan.batchSize { try await flush() }
    }

    private func finish() async throws -> Result {
        resolveDeferred()
        try await flush()
        try await settle()
        var withheld: FullDelivery.Withheld?
        if let fullDelivery = plan.fullDelivery {
            (summary.removed, withheld) = try await fullDelivery.removeAbsent(delivered, in: session)
        }
        let run = try await session.finish(summary)
        return Result(run: run, version: decoder?.version, refusals: refusals, removalsWithheld: withheld)
    }

    private func abandon(error: String) async {
        _ = await applying?.result
        applying = nil
        _ = try? await session.abandon(error: error, summary)
    }

    private func take(_ record: Record) {
        summary.read += 1
        let position = summary.read
        if decoder == nil {
            decoder = LocationDecoder(
                version: LocationDecoder.detectVersion(of: record.value), declaredParty: plan.start.party)
        }
        switch decoder!.decode(record.value) {
        case .success(let decoded): accept(decoded, record, position)
        case .failure(let refusal) where refusal.awaitsFeedOperators && deferred.count < plan.maximumDeferred:
            deferred.append((record, position))
        case .failure(let refusal): refuse(refusal, record, position)
        }
    }

    /// Party-less records, decoded now that every operator of the input is known.
    private func resolveDeferred() {
        guard let decoder else { return }
        for (record, position) in deferred {
            switch decoder.decode(record.value, feedOperators: feedOperators) {
            case .success(let decoded): accept(decoded, record, position)
            case .failure(let refusal): refuse(refusal, record, position)
            }
        }
        deferred = []
    }

    private func accept(_ decoded: DecodedLocation, _ record: Record, _ position: Int) {
        let key = decoded.location.key
        if let only = plan.onlyLocation, key != only {
            let refusal = LocationRefusal(
                locationID: key.locationID, reason: "the body is the location \(key), not \(only)")
            return refuse(refusal, record, position)
        }
        let incoming: IncomingLocation
        switch plan.scope.admit(decoded, register: register) {
        case .success(let admitted): incoming = admitted
        case .failure(let refusal): return refuse(refusal, record, position)
        }
        summary.count(incoming.findings)
        feedOperators.formUnion(LocationDecoder.operatorCodes(of: decoded.location))
        if let party = plan.fullDelivery?.party, key.countryCode == party.countryCode, key.partyID == party.partyID {
            delivered.insert(key)
        }
        batch.append(incoming)
    }

    private func refuse(_ refusal: LocationRefusal, _ record: Record, _ position: Int) {
        summary.countRefusal(code: refusal.code)
        let item = IngestRefusal(
            position: position, byteOffset: record.byteOffset, locationID: refusal.locationID, reason: refusal.reason)
        if refusals.count < 1000 { refusals.append(item) }
        newRefusals.append(item)
    }

    /// Hands the batch to the store (after the previous one is applied) and records refusals.
    private func flush() async throws {
        if !batch.isEmpty {
            try await settle()
            let batch = batch
            let session = session
            applying = Task { try await session.apply(batch) }
            self.batch.removeAll(keepingCapacity: true)
        }
        if !newRefusals.isEmpty {
            let refused = newRefusals
            newRefusals.removeAll()
            try await session.refuse(refused)
        }
    }

    /// Waits for the batch being applied and counts its outcomes.
    private func settle() async throws {
        guard let task = applying else { return }
        applying = nil
        let applied = try await task.value
        for outcome in applied { summary.count(outcome) }
    }
}
