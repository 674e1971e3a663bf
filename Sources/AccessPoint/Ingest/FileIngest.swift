#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import JSON
import OCPI
import RegistryCore
import Storage

/// Ingests OCPI Locations files: streams each file record by record in bounded memory into one
/// `IngestPipeline` run, which keeps every record that has an identity (with its findings),
/// reports the others with their position, and stores the file all or nothing (issue #2: a
/// record is accepted and flagged, never dropped, while it has an identity).
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
    /// Told after each batch: the records read so far and the byte offset reached.
    public var progress: (@Sendable (_ records: Int, _ byteOffset: Int) -> Void)?

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
        try await IngestPipeline.retryingOnDisconnect { () async throws(IngestError) in
            try await ingestOnce(path: path, party: party, version: declaredVersion)
        }
    }

    private func ingestOnce(path: String, party: PartyCode?, version declaredVersion: OCPIVersion?)
        async throws(IngestError) -> Report
    {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var plan = IngestPipeline.Plan(
            start: IngestRunStart(kind: .file, source: path, party: party, ocpiVersion: declaredVersion?.rawValue),
            version: declaredVersion, scope: scope)
        plan.fullDelivery = fullDelivery
        plan.batchSize = batchSize
        plan.maximumDeferred = maximumDeferred
        var stream = JSONRecordStream(parser: JSONParser(fileDescriptor: fd))
        do {
            let result = try await IngestPipeline.run(plan, store: store) { pipeline in
                var records: [IngestPipeline.Record] = []
                records.reserveCapacity(batchSize)
                var read = 0
                do {
                    while let record = try stream.next() {
                        if read == 0, stream.hadByteOrderMark { await pipeline.note(.byteOrderMark) }
                        read += 1
                        records.append((record, stream.recordOffset))
                        if records.count >= batchSize {
                            try await pipeline.take(records)
                            records.removeAll(keepingCapacity: true)
                            progress?(read, stream.recordOffset)
                        }
                    }
                } catch let syntax as JSONSyntaxError {
                    throw IngestError.malformedJSON(path: path, syntax)
                }
                try await pipeline.take(records)
            }
            return Report(
                path: path, version: result.version ?? declaredVersion ?? .v2_2_1, shape: stream.shape,
                run: result.run, refusals: result.refusals, bytes: Int(lseek(fd, 0, SEEK_END)),
                removalsWithheld: result.removalsWithheld)
        } catch let error as IngestError {
            throw error
        } catch {
            throw .store(path: path, error as? StoreError ?? .query("\(error)"))
        }
    }
}
