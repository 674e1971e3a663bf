#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import JSON
import OCPI
import RegistryCore
import Storage

/// Ingests OCPI Locations files: streams each file record by record in bounded memory, keeps
/// every record that has an identity (with its findings), reports the others with their
/// position, and stores the file all or nothing in one transaction (issue #2, DESIGN.md
/// "accept and flag, never drop").
public struct FileIngest: Sendable {
    public let store: any Store
    /// Records stored per batch inside the file's transaction.
    public var batchSize = 500
    /// At most this many party-less records wait for the end of the feed; later ones are refused.
    public var maximumDeferred = 100_000
    /// A full delivery: the file is the party's whole current set.
    public var fullDelivery: FullDelivery?
    /// Whose records the file may write: any party's for the office's command line.
    public var scope = DeliveryScope.office

    public init(store: any Store) { self.store = store }

    /// What one file gave.
    public struct Report: Sendable {
        public var path: String
        public var version: OCPIVersion
        public var shape: JSONRecordStream.Shape?
        public var run: IngestRun
        public var refusals: [IngestRefusal]
        public var bytes: Int
        /// Locations a full delivery would have removed but withheld (above the share, unconfirmed).
        public var removalsWithheld: FullDelivery.Withheld?
    }

    /// Ingests one file. If the database connection drops before the file's transaction
    /// commits, nothing of it was stored, and the whole file is ingested once more on a fresh
    /// connection (the failed attempt stays in the ingest runs).
    public func ingest(path: String, party: PartyCode?, version declaredVersion: OCPIVersion?) async throws(IngestError)
        -> Report
    {
        do {
            return try await ingestOnce(path: path, party: party, version: declaredVersion)
        } catch .store(_, .disconnected) {
            return try await ingestOnce(path: path, party: party, version: declaredVersion)
        }
    }

    private func ingestOnce(path: String, party: PartyCode?, version declaredVersion: OCPIVersion?)
        async throws(IngestError) -> Report
    {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let session: any IngestSession
        let register: RegisterSnapshot
        do {
            register = try await store.register.snapshot()
            session = try await store.beginIngest(
                IngestRunStart(kind: .file, source: path, party: party, ocpiVersion: declaredVersion?.rawValue))
        } catch {
            throw .store(path: path, error as? StoreError ?? .query("\(error)"))
        }
        var state = State(
            declaredVersion: declaredVersion, party: party, register: register, scope: scope,
            fullParty: fullDelivery?.party)
        var stream = JSONRecordStream(parser: JSONParser(fileDescriptor: fd))
        // The store applies one batch on its own executor while the next one is decoded.
        var applying: Task<[IngestOutcome], any Error>?
        do {
            while let record = try stream.next() {
                if stream.hadByteOrderMark && state.summary.read == 0 {
                    state.summary.findingsByCode[.byteOrderMark] = 1
                }
                state.take(record, offset: stream.recordOffset, maximumDeferred: maximumDeferred)
                if state.batch.count >= batchSize { try await flush(&state, session, &applying) }
            }
            state.resolveDeferred()
            try await flush(&state, session, &applying)
            try await settle(&state, &applying)
            var withheld: FullDelivery.Withheld?
            if let fullDelivery {
                (state.summary.removed, withheld) = try await fullDelivery.removeAbsent(state.delivered, in: session)
            }
            let run = try await session.finish(state.summary)
            return Report(
                path: path, version: state.version ?? declaredVersion ?? .v2_2_1, shape: stream.shape, run: run,
                refusals: state.refusals, bytes: lseekEnd(fd), removalsWithheld: withheld)
        } catch {
            _ = await applying?.result
            let failure: IngestError =
                switch error {
                case let syntax as JSONSyntaxError: .malformedJSON(path: path, syntax)
                case let storeError as StoreError: .store(path: path, storeError)
                default: .store(path: path, .query("\(error)"))
                }
            _ = try? await session.abandon(error: failure.description, state.summary)
            throw failure
        }
    }

    /// Hands the batch to the store (after the previous one is applied) and records refusals.
    private func flush(
        _ state: inout State, _ session: any IngestSession, _ applying: inout Task<[IngestOutcome], any Error>?
    ) async throws {
        if !state.batch.isEmpty {
            try await settle(&state, &applying)
            let batch = state.batch
            applying = Task { try await session.apply(batch) }
            state.batch.removeAll(keepingCapacity: true)
        }
        if !state.newRefusals.isEmpty {
            try await session.refuse(state.newRefusals)
            state.newRefusals.removeAll()
        }
    }

    /// Waits for the batch being applied and counts its outcomes.
    private func settle(_ state: inout State, _ applying: inout Task<[IngestOutcome], any Error>?) async throws {
        guard let task = applying else { return }
        applying = nil
        for outcome in try await task.value { state.summary.count(outcome) }
    }

    private func lseekEnd(_ fd: Int32) -> Int { Int(lseek(fd, 0, SEEK_END)) }

    /// The per-file state of the loop.
    private struct State {
        let declaredVersion: OCPIVersion?
        let party: PartyCode?
        let register: RegisterSnapshot
        let scope: DeliveryScope
        let fullParty: PartyCode?
        /// The full delivery's party's locations in this file.
        var delivered: Set<LocationKey> = []
        var version: OCPIVersion?
        var decoder: LocationDecoder?
        var summary = IngestRunSummary()
        var batch: [IncomingLocation] = []
        var refusals: [IngestRefusal] = []
        var newRefusals: [IngestRefusal] = []
        var feedOperators: Set<PartyCode> = []
        var deferred: [(record: JSONValue, position: Int, offset: Int)] = []

        init(
            declaredVersion: OCPIVersion?, party: PartyCode?, register: RegisterSnapshot, scope: DeliveryScope,
            fullParty: PartyCode?
        ) {
            self.declaredVersion = declaredVersion
            self.party = party
            self.register = register
            self.scope = scope
            self.fullParty = fullParty
        }

        mutating func take(_ record: JSONValue, offset: Int, maximumDeferred: Int) {
            summary.read += 1
            let position = summary.read
            if decoder == nil {
                let version = declaredVersion ?? LocationDecoder.detectVersion(of: record)
                self.version = version
                decoder = LocationDecoder(version: version, declaredParty: party)
            }
            switch decoder!.decode(record) {
            case .success(let decoded): accept(decoded, position: position, offset: offset)
            case .failure(let refusal) where refusal.awaitsFeedOperators && deferred.count < maximumDeferred:
                deferred.append((record, position, offset))
            case .failure(let refusal): refuse(refusal, position: position, offset: offset)
            }
        }

        mutating func resolveDeferred() {
            guard let decoder else { return }
            for item in deferred {
                switch decoder.decode(item.record, feedOperators: feedOperators) {
                case .success(let decoded): accept(decoded, position: item.position, offset: item.offset)
                case .failure(let refusal): refuse(refusal, position: item.position, offset: item.offset)
                }
            }
            deferred = []
        }

        private mutating func accept(_ decoded: DecodedLocation, position: Int, offset: Int) {
            let incoming: IncomingLocation
            switch scope.admit(decoded, register: register) {
            case .success(let admitted): incoming = admitted
            case .failure(let refusal): return refuse(refusal, position: position, offset: offset)
            }
            summary.count(incoming.findings)
            feedOperators.formUnion(LocationDecoder.operatorCodes(of: decoded.location))
            let key = decoded.location.key
            if let fullParty, key.countryCode == fullParty.countryCode, key.partyID == fullParty.partyID {
                delivered.insert(key)
            }
            batch.append(incoming)
        }

        private mutating func refuse(_ refusal: LocationRefusal, position: Int, offset: Int) {
            summary.countRefusal(code: refusal.code)
            let item = IngestRefusal(
                position: position, byteOffset: offset, locationID: refusal.locationID, reason: refusal.reason)
            if refusals.count < 1000 { refusals.append(item) }
            newRefusals.append(item)
        }
    }
}
